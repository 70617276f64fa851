// The HA's DHCP relay sockets over a fake opener: which sockets the relay modes open (RFC 8415 §19 port 547 on the
// relay address; RFC 2131 §4.1 port 67 on giaddr), replies routed to the data plane, sends by family, and none
// opened when the HA answers itself.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadHaConfig } from '../../config/load.ts';
import type { Dhcpv4Datagram, Dhcpv6Datagram } from '../../dhcp/datagram.ts';
import { v4, v6 } from '../../mip/test-fixtures.ts';
import {
  type DatagramTransport,
  type InboundDatagram,
  TransportError,
  type UdpBindOptions,
} from '../../net/transport.ts';
import type { IpAddress } from '../../util/ip-address.ts';
import type { HaDataPlane } from './ha-data-plane.ts';
import { openDhcpRelaySockets } from './ha-dhcp-relay.ts';

const EXAMPLES = new URL('../../../examples/', import.meta.url).pathname;

class FakeSocket implements DatagramTransport {
  readonly sent: [number, string, number, string][] = [];
  handler: ((d: InboundDatagram) => void) | undefined;
  closed = false;
  constructor(
    readonly family: 4 | 6,
    readonly localAddress: IpAddress,
    readonly localPort: number,
  ) {}
  send(payload: Uint8Array, address: IpAddress, port: number, o?: { source?: IpAddress }): void {
    if (this.closed) throw new TransportError('CLOSED', 'closed');
    this.sent.push([payload.length, address.toString(), port, String(o?.source)]);
  }
  onMessage(h: (d: InboundDatagram) => void): void {
    this.handler = h;
  }
  close(): void {
    this.closed = true;
  }
}

function opener() {
  const opened: (UdpBindOptions & { label?: string; socket: FakeSocket })[] = [];
  return {
    opened,
    async openUdp(o: UdpBindOptions & { label?: string }) {
      const socket = new FakeSocket(o.family, o.address!, o.port);
      opened.push({ ...o, socket });
      return socket;
    },
  };
}

test('relay mode opens 547 on the relay address and 67 on giaddr; replies go to the data plane', async () => {
  const o = opener();
  const fromServer: string[] = [];
  const plane = {
    fromServerV6: (_now: number, d: Dhcpv6Datagram) =>
      fromServer.push(`v6 ${d.source}:${d.sourcePort} → ${d.destination}:${d.destinationPort}`),
    fromServerV4: (_now: number, d: Dhcpv4Datagram) =>
      fromServer.push(`v4 ${d.source}:${d.sourcePort} → ${d.destination}:${d.destinationPort}`),
  } as unknown as HaDataPlane;
  const relay = await openDhcpRelaySockets(o, plane, loadHaConfig({ file: join(EXAMPLES, 'ha-relay.yaml') }));
  assert.deepEqual(
    o.opened.map((x) => [x.label, x.family, x.address?.toString(), x.port]),
    [
      ['dhcpv6-relay', 6, '2001:db8:1::1', 547],
      ['dhcpv4-relay', 4, '10.20.0.1', 67],
    ],
  );
  const [s6, s4] = o.opened.map((x) => x.socket);
  const at = { payload: new Uint8Array(4), receivedAt: 1 };
  s6!.handler!({
    ...at,
    source: v6('2001:db8:ffff::547'),
    sourcePort: 547,
    local: v6('2001:db8:1::1'),
    localPort: 547,
  });
  s4!.handler!({ ...at, source: v4('192.0.2.67'), sourcePort: 67, local: v4('10.20.0.1'), localPort: 67 });
  assert.deepEqual(fromServer, ['v6 2001:db8:ffff::547:547 → 2001:db8:1::1:547', 'v4 192.0.2.67:67 → 10.20.0.1:67']);
  const d6 = {
    source: v6('2001:db8:1::1'),
    destination: v6('2001:db8:ffff::547'),
    sourcePort: 547,
    destinationPort: 547,
    payload: new Uint8Array(9),
  };
  const d4 = {
    source: v4('10.20.0.1'),
    destination: v4('192.0.2.67'),
    sourcePort: 67,
    destinationPort: 67,
    payload: new Uint8Array(7),
  };
  relay!.send(d6);
  relay!.send(d4);
  s4!.closed = true;
  relay!.send(d4); // closed at shutdown: lost, not thrown
  assert.deepEqual(s6!.sent, [[9, '2001:db8:ffff::547', 547, '2001:db8:1::1']]);
  assert.deepEqual(s4!.sent, [[7, '192.0.2.67', 67, '10.20.0.1']]);
});

test('embedded DHCP opens no relay socket', async () => {
  const o = opener();
  const relay = await openDhcpRelaySockets(o, {} as HaDataPlane, loadHaConfig({ file: join(EXAMPLES, 'ha.yaml') }));
  assert.deepEqual([relay, o.opened.length], [undefined, 0]);
});

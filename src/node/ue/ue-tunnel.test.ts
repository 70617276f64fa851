// The UE's tunnel end over a fake socket: tunnelled data is taken only from the HA's address and port 4191, DHCP
// answers only for the home addresses of running clients; a BU with no BU/BA SA yet is not sent (the core
// retransmits, RFC 6275 §11.8).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadUeConfig } from '../../config/load.ts';
import { EspSad } from '../../ipsec/sad.ts';
import { HA4, HA6, HOA, HOME_PREFIX, v4 } from '../../mip/test-fixtures.ts';
import type { DatagramTransport, InboundDatagram } from '../../net/transport.ts';
import type { IpAddress } from '../../util/ip-address.ts';
import { buildUdp6 } from '../../wire/ip/build.ts';
import { MobilitySaRegistry } from '../mobility/sa-registry.ts';
import { createUeTunnel } from './create-ue-tunnel.ts';
import type { UeNodeEvent } from './ue-events.ts';

const CA = new URL('../../../test/fixtures/pki/ca-ecdsa.pem', import.meta.url).pathname;
const COA = v4('192.0.2.100');

class FakeSocket implements DatagramTransport {
  readonly family = 4;
  readonly localAddress = COA;
  readonly localPort = 4191;
  readonly sent: [string, number][] = [];
  handler: ((d: InboundDatagram) => void) | undefined;
  send(_p: Uint8Array, to: IpAddress, port: number): void {
    this.sent.push([to.toString(), port]);
  }
  onMessage(h: (d: InboundDatagram) => void): void {
    this.handler = h;
  }
  close(): void {}
}

test('UE tunnel: data from elsewhere is dropped, DHCP only to running clients; no SA yet, no BU on the wire', () => {
  const config = loadUeConfig({
    name: 'ue.yaml',
    text: [
      'ue:',
      '  identity: { imsi: "001010000000001", k: 465b5ce8b199b49faa5f0a2ee238a6bc, opc: cd63cb71954a9f4e48a5994e37a02baf, mcc: "001", mnc: "01" }',
      '  apn: internet',
      '  discovery: { static: [{ ipv6: "2001:db8:1::1", ipv4: 192.0.2.1 }] }',
      `  ike: { caCertificate: "${CA}", haIdentity: ha.example.net }`,
      '  access: { family: ipv4, ipv4: { careOfAddress: 192.0.2.100 } }',
    ].join('\n'),
  });
  const socket = new FakeSocket();
  const events: UeNodeEvent[] = [];
  const sad = new EspSad({ random: (n) => new Uint8Array(n) });
  const tunnel = createUeTunnel(socket, {
    config,
    homeAgent: { ipv6: HA6, ipv4: HA4 },
    homePrefix: HOME_PREFIX,
    homeAddress: HOA,
    forceUdp: true,
    sad,
    registry: MobilitySaRegistry.forMobileNode(sad),
    random: (n) => Uint8Array.from({ length: n }, (_, i) => i + 1),
    emit: (e) => events.push(e),
  });
  try {
    tunnel.attach({ ipv4CareOf: COA, routerPrefixes: [] });
    const bu = events.find((e) => e.kind === 'binding-update');
    assert.ok(bu?.kind === 'binding-update' && bu.message.forceUdpEncapsulation && bu.message.sequence === 0x0103);
    assert.deepEqual(socket.sent, [], 'no BU/BA SA yet: the pipeline keeps it back');
    const dhcpReply = buildUdp6({
      src: HA6,
      dst: HOA,
      sourcePort: 547,
      destinationPort: 546,
      payload: new Uint8Array(8),
    });
    const at = { payload: dhcpReply, receivedAt: 1, local: COA, localPort: 4191 };
    socket.handler!({ ...at, source: v4('203.0.113.9'), sourcePort: 4191 });
    socket.handler!({ ...at, source: HA4, sourcePort: 4000 });
    socket.handler!({ ...at, source: HA4, sourcePort: 4191 }); // no DHCPv6 client running
    socket.handler!({ ...at, payload: dhcpReply.subarray(0, 44), source: HA4, sourcePort: 4191 }); // cut short
    assert.deepEqual(
      events.flatMap((e) => (e.kind === 'drop' ? [`${e.layer}/${e.reason}`] : [])),
      [
        'tunnel/not-from-home-agent',
        'tunnel/not-from-home-agent',
        'tunnel/no-route-without-tun',
        'tunnel/malformed-ipv6', // next header UDP: data, so the data path finds it cut short (not the signalling walk)
      ],
    );
  } finally {
    tunnel.close();
  }
});

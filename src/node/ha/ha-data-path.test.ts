// What the HA counts on its data path, without sockets: a packet for the core network counts as written only when
// the TUN device took it, and a raw send the kernel refused is a failed send (a drop), not a success.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HaDhcpService } from '../../dhcp/ha-service.ts';
import type { HomeAgentCore } from '../../mip/home-agent.ts';
import { CN6, COA6, HA6, HOA } from '../../mip/test-fixtures.ts';
import type { OuterInfo } from '../../mip/types.ts';
import {
  type InboundRawPacket,
  type IpFamily,
  type RawIpTransport,
  RawProtocol,
  type RawProtocolNumber,
  TransportError,
  type TransportProvider,
} from '../../net/transport.ts';
import { buildIpv6Packet } from '../../wire/ip/build.ts';
import { HaDataPlane } from './ha-data-plane.ts';
import { HaRawTunnels } from './ha-raw-tunnels.ts';

const outer: OuterInfo = { family: 6, source: COA6, destination: HA6, viaUdp4191: false };
const ping = buildIpv6Packet({
  src: HOA,
  dst: CN6,
  nextHeader: 58,
  payload: new Uint8Array([128, 0, 0, 0, 0, 0, 0, 0]),
});

function dataPlane(toCoreNetwork: (inner: Uint8Array) => boolean | undefined, drops: string[]): HaDataPlane {
  return new HaDataPlane({
    core: { acceptFromUe: () => ({ kind: 'accept' }) } as unknown as HomeAgentCore,
    dhcp: {} as HaDhcpService,
    ipv6HomeAddressOf: () => undefined,
    sendTunnel: () => false,
    sendToServer: () => {},
    onDrop: (layer, reason) => drops.push(`${layer}/${reason}`),
    onDhcpEvent: () => {},
    toCoreNetwork,
  });
}

test('toCoreNetwork counts what the TUN device took; a refusal is counted by the device; no device is a drop', () => {
  const drops: string[] = [];
  const verdicts: (boolean | undefined)[] = [true, false, undefined];
  const plane = dataPlane(() => verdicts.shift(), drops);
  for (let i = 0; i < 3; i++) plane.fromMobileNode(0, outer, ping);
  assert.equal(plane.counters.fromMobileNodes, 3);
  assert.equal(plane.counters.toCoreNetwork, 1, 'only the packet the device took');
  assert.equal(plane.counters.otherTraffic, 1);
  assert.deepEqual(drops, ['tunnel/no-route-without-tun']);
});

/** A raw transport whose send answers as scripted: a boolean, nothing (void), or a TransportError. */
class ScriptedRaw implements RawIpTransport {
  constructor(
    readonly family: IpFamily,
    readonly protocol: RawProtocolNumber,
    readonly outcomes: (boolean | undefined | TransportError)[],
  ) {}
  /** Like NodeRawTransport: false when the kernel refused the packet (the interface's void is accepted too). */
  send(): boolean | undefined {
    const o = this.outcomes.shift();
    if (o instanceof TransportError) throw o;
    return o;
  }
  onPacket(_handler: (p: InboundRawPacket) => void): void {}
  close(): void {}
}

test('HaRawTunnels.send: false and a drop when the kernel refused the packet or the socket threw', async () => {
  const esp = new ScriptedRaw(6, RawProtocol.ESP, [true, undefined, false, new TransportError('CLOSED', 'closed')]);
  const provider: TransportProvider = {
    openUdp: () => Promise.reject(new Error('not used')),
    canOpenRaw: (protocol, family) => protocol === RawProtocol.ESP && family === 6,
    openRaw: async () => esp,
  };
  const drops: string[] = [];
  const raw = await HaRawTunnels.open(
    provider,
    { ipv4: false, ipv6: true },
    { signalling: () => false, data: () => {}, onDrop: (layer, reason) => drops.push(`${layer}/${reason}`) },
  );
  const sent = [1, 2, 3, 4].map(() => raw.send(6, RawProtocol.ESP, ping));
  assert.deepEqual(sent, [true, true, false, false]);
  assert.equal(raw.send(6, RawProtocol.IPV6_IN_IP, ping), false, 'no socket for that protocol');
  assert.deepEqual(drops, ['socket/raw-send-failed', 'socket/raw-closed']);
});

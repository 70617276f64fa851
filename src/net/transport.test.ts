// The transport contract (src/net/transport.ts) checked on the simulated implementation: UDP bind/send/receive
// with addresses and ports as the receiver sees them, the error codes, and raw IP transports that carry whole
// packets (extension headers included) only where the host may open them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ipv4Address, Ipv6Address } from '../util/ip-address.ts';
import { buildIpv4Packet, buildIpv6Packet, buildUdp4 } from '../wire/ip/build.ts';
import { IpProtocol } from '../wire/ip/constants.ts';
import { SimNetwork } from './sim/network.ts';
import { SimTransportHost } from './sim/sim-transport.ts';
import {
  type InboundDatagram,
  type InboundRawPacket,
  isRawProtocolOf,
  RawProtocol,
  TransportError,
} from './transport.ts';

const A4 = Ipv4Address.parse('198.51.100.7');
const B4 = Ipv4Address.parse('192.0.2.1');
const A6 = Ipv6Address.parse('2001:db8:2::7');
const B6 = Ipv6Address.parse('2001:db8:1::1');
const HOA = Ipv6Address.parse('2001:db8:1::100');
const NOT_OURS4 = Ipv4Address.parse('203.0.113.1');

function pair(rawA: boolean | ((p: number, f: 4 | 6) => boolean) = true, rawB = true) {
  const net = new SimNetwork({ seed: 3 });
  const a = new SimTransportHost({ addresses: [A4, A6], raw: rawA });
  const b = new SimTransportHost({ addresses: [B4, B6], raw: rawB });
  net.addNode('a', [A4, A6], a);
  net.addNode('b', [B4, B6], b);
  net.connect('a', 'b', { latencyMs: 10 });
  return { net, a, b };
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof TransportError) return e.code;
    throw e;
  }
  return 'no error';
}

test('UDP: a datagram arrives with its source address and port, the local address and port, and the time', async () => {
  const { net, a, b } = pair();
  const client = await a.openUdp({ family: 4, port: 4191 });
  const server = await b.openUdp({ family: 4, port: 4191 });
  const seen: InboundDatagram[] = [];
  server.onMessage((d) => {
    seen.push(d);
    server.send(Uint8Array.of(9), d.source, d.sourcePort, { source: d.local });
  });
  const replies: InboundDatagram[] = [];
  client.onMessage((d) => replies.push(d));
  client.send(Uint8Array.of(1, 2, 3), B4, 4191, { source: A4 });
  net.runUntilQuiescent();
  assert.equal(seen.length, 1);
  const d = seen[0]!;
  assert.deepEqual(
    [d.source.toString(), d.sourcePort, d.local.toString(), d.localPort, d.receivedAt, [...d.payload]],
    ['198.51.100.7', 4191, '192.0.2.1', 4191, 10, [1, 2, 3]],
  );
  assert.deepEqual(
    replies.map((r) => [r.source.toString(), r.receivedAt, r.payload[0]]),
    [['192.0.2.1', 20, 9]],
  );
});

test('UDP: port 0 picks distinct free ports; a taken port, or an exact bind under a wildcard, is ADDRESS_IN_USE', () => {
  const { a } = pair();
  const x = a.openUdpNow({ family: 6, port: 0 });
  const y = a.openUdpNow({ family: 6, port: 0 });
  assert.ok(x.localPort >= 49152 && y.localPort >= 49152 && x.localPort !== y.localPort);
  a.openUdpNow({ family: 4, port: 500 });
  assert.equal(
    code(() => a.openUdpNow({ family: 4, port: 500 })),
    'ADDRESS_IN_USE',
  );
  assert.equal(
    code(() => a.openUdpNow({ family: 4, address: A4, port: 500 })),
    'ADDRESS_IN_USE',
  );
  // The same port on the other family is free, as with IPV6_V6ONLY sockets.
  assert.equal(a.openUdpNow({ family: 6, port: 500 }).localPort, 500);
});

test('UDP: foreign bind or source addresses, the other family, and a closed socket are refused by code', () => {
  const { a } = pair();
  assert.equal(
    code(() => a.openUdpNow({ family: 4, address: NOT_OURS4, port: 1 })),
    'ADDRESS_NOT_AVAILABLE',
  );
  assert.equal(
    code(() => a.openUdpNow({ family: 6, address: A4, port: 1 })),
    'FAMILY_MISMATCH',
  );
  const t = a.openUdpNow({ family: 4, port: 1 });
  assert.equal(
    code(() => t.send(Uint8Array.of(0), B6, 1)),
    'FAMILY_MISMATCH',
  );
  assert.equal(
    code(() => t.send(Uint8Array.of(0), B4, 1, { source: NOT_OURS4 })),
    'ADDRESS_NOT_AVAILABLE',
  );
  t.close();
  assert.equal(
    code(() => t.send(Uint8Array.of(0), B4, 1)),
    'CLOSED',
  );
  assert.throws(() => a.openUdpNow({ family: 4, port: 70000 }), RangeError);
});

test('UDP: a socket bound to the exact address wins over a wildcard one; a closed or missing one drops', () => {
  const { net, a, b } = pair();
  const wildcard = b.openUdpNow({ family: 4, port: 53 });
  const exact = b.openUdpNow({ family: 6, address: B6, port: 53 });
  const wild6 = b.openUdpNow({ family: 6, port: 54 });
  const got: string[] = [];
  wildcard.onMessage(() => got.push('wildcard4'));
  exact.onMessage(() => got.push('exact6'));
  wild6.onMessage(() => got.push('wildcard6'));
  const c4 = a.openUdpNow({ family: 4, port: 0 });
  const c6 = a.openUdpNow({ family: 6, port: 0 });
  c4.send(Uint8Array.of(1), B4, 53);
  c6.send(Uint8Array.of(1), B6, 53);
  c6.send(Uint8Array.of(1), B6, 54);
  c4.send(Uint8Array.of(1), B4, 99); // nobody listens
  net.runUntilQuiescent();
  wildcard.close();
  c4.send(Uint8Array.of(1), B4, 53);
  net.runUntilQuiescent();
  assert.deepEqual(got, ['wildcard4', 'exact6', 'wildcard6']);
  assert.equal(b.counters.unclaimed, 2);
});

test('raw: the capability probe, PERMISSION without privileges, UNSUPPORTED for other protocols', async () => {
  const only41 = (p: number, f: 4 | 6) => p === 41 && f === 4;
  const { a, b } = pair(only41, false);
  assert.deepEqual(
    [a.canOpenRaw(41, 4), a.canOpenRaw(50, 6), b.canOpenRaw(41, 4), a.canOpenRaw(135, 4), a.canOpenRaw(17, 4)],
    [true, false, false, false, false],
  );
  assert.equal(a.openRawNow(41, 4).protocol, 41);
  assert.equal(
    code(() => a.openRawNow(50, 6)),
    'PERMISSION',
  );
  assert.equal(
    code(() => b.openRawNow(41, 4)),
    'PERMISSION',
  );
  assert.equal(
    code(() => a.openRawNow(17, 4)),
    'UNSUPPORTED',
  );
  await assert.rejects(b.openRaw(4, 4), (e: unknown) => e instanceof TransportError && e.code === 'PERMISSION');
  assert.deepEqual(
    [isRawProtocolOf(RawProtocol.MH, 6), isRawProtocolOf(RawProtocol.MH, 4), isRawProtocolOf(RawProtocol.ESP, 4)],
    [true, false, true],
  );
});

test('raw: whole packets both ways, extension headers included, to every transport of the protocol', () => {
  const { net, a, b } = pair();
  const esp6 = b.openRawNow(50, 6);
  const esp6copy = b.openRawNow(50, 6);
  const tunnel = b.openRawNow(41, 4);
  const got: [string, InboundRawPacket][] = [];
  esp6.onPacket((p) => got.push(['esp', p]));
  esp6copy.onPacket((p) => got.push(['copy', p]));
  tunnel.onPacket((p) => got.push(['41', p]));
  const espPacket = buildIpv6Packet({
    src: A6,
    dst: B6,
    homeAddressOption: HOA,
    nextHeader: IpProtocol.ESP,
    payload: Uint8Array.of(0, 0, 1, 0, 0, 0, 0, 1),
  });
  const inner = buildIpv6Packet({ src: HOA, dst: B6, nextHeader: 59, payload: new Uint8Array(0) });
  const in41 = buildIpv4Packet({ src: A4, dst: B4, protocol: IpProtocol.IPV6, payload: inner });
  a.openRawNow(50, 6).send(espPacket);
  a.openRawNow(41, 4).send(in41);
  net.runUntilQuiescent();
  assert.deepEqual(
    got.map(([k, p]) => [k, p.packet.length, p.receivedAt]),
    [
      ['esp', espPacket.length, 10],
      ['copy', espPacket.length, 10],
      ['41', in41.length, 10],
    ],
  );
  assert.deepEqual([...got[0]![1].packet], [...espPacket]);
  esp6.close();
  esp6copy.close();
  a.openRawNow(50, 6).send(espPacket);
  net.runUntilQuiescent();
  assert.equal(b.counters.unclaimed, 1);
});

test('raw: a packet of the wrong family, protocol or source is refused', () => {
  const { a } = pair();
  const esp6 = a.openRawNow(50, 6);
  const v4 = buildIpv4Packet({ src: A4, dst: B4, protocol: IpProtocol.ESP, payload: new Uint8Array(8) });
  const spoofed = buildIpv6Packet({ src: HOA, dst: B6, nextHeader: IpProtocol.ESP, payload: new Uint8Array(8) });
  const udp = buildUdp4({ src: A4, dst: B4, sourcePort: 1, destinationPort: 2, payload: new Uint8Array(0) });
  assert.equal(
    code(() => esp6.send(v4)),
    'FAMILY_MISMATCH',
  );
  assert.equal(
    code(() => esp6.send(spoofed)),
    'ADDRESS_NOT_AVAILABLE',
  );
  assert.throws(() => a.openRawNow(50, 4).send(udp), RangeError);
  assert.throws(() => esp6.send(Uint8Array.of(0x60)), RangeError);
  esp6.close();
  assert.equal(
    code(() => esp6.send(spoofed)),
    'CLOSED',
  );
});

test('malformed packets are counted, not thrown', () => {
  const { a } = pair();
  a.receive(0, Uint8Array.of(0x45, 0));
  a.receive(0, buildUdp4({ src: B4, dst: A4, sourcePort: 1, destinationPort: 2, payload: new Uint8Array(3) }));
  assert.deepEqual(a.counters, { received: 2, unclaimed: 1, malformed: 1 });
});

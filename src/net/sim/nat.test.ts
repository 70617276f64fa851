import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { Reader } from '../../util/reader.ts';
import { buildIpv4Packet, buildUdp4, buildUdp6 } from '../../wire/ip/build.ts';
import { decodeIpv4 } from '../../wire/ip/ipv4.ts';
import { parseUdp } from '../../wire/ip/udp.ts';
import { Nat44 } from './nat.ts';

const PUBLIC = Ipv4Address.parse('203.0.113.5');
const INSIDE = Ipv4Address.parse('192.168.1.10');
const INSIDE_2 = Ipv4Address.parse('192.168.1.11');
const SERVER = Ipv4Address.parse('192.0.2.1');

const out = (src: Ipv4Address, sport: number, payload = Uint8Array.of(1)) =>
  buildUdp4({ src, dst: SERVER, sourcePort: sport, destinationPort: 4191, payload, ttl: 64 });
const back = (dport: number) =>
  buildUdp4({ src: SERVER, dst: PUBLIC, sourcePort: 4191, destinationPort: dport, payload: Uint8Array.of(2) });

/** Addresses and ports as they stand, checksums verified on the way. */
function udpOf(bytes: Uint8Array) {
  const ip = decodeIpv4(bytes);
  const udp = parseUdp(Reader.of(ip.payload, 'udp'), { version: 4, source: ip.source, destination: ip.destination });
  return {
    src: ip.source.toString(),
    dst: ip.destination.toString(),
    sport: udp.sourcePort,
    dport: udp.destinationPort,
    ttl: ip.ttl,
  };
}

test('outbound: source address and port rewritten, checksums valid, TTL decremented; one mapping per inside endpoint', () => {
  const nat = new Nat44({ publicAddress: PUBLIC, mappingTimeoutMs: 1000, firstPort: 40000 });
  assert.deepEqual(udpOf(nat.outbound(0, out(INSIDE, 4191))!), {
    src: '203.0.113.5',
    dst: '192.0.2.1',
    sport: 40000,
    dport: 4191,
    ttl: 63,
  });
  assert.equal(udpOf(nat.outbound(10, out(INSIDE, 4191))!).sport, 40000, 'endpoint-independent mapping');
  assert.equal(udpOf(nat.outbound(20, out(INSIDE_2, 4191))!).sport, 40001);
  assert.equal(nat.mappingCount, 2);
});

test('inbound: mapped back to the inside endpoint; unknown ports dropped', () => {
  const nat = new Nat44({ publicAddress: PUBLIC, mappingTimeoutMs: 1000, firstPort: 40000 });
  nat.outbound(0, out(INSIDE, 5555));
  assert.deepEqual(udpOf(nat.inbound(5, back(40000))!), {
    src: '192.0.2.1',
    dst: '192.168.1.10',
    sport: 4191,
    dport: 5555,
    ttl: 63,
  });
  assert.equal(nat.inbound(5, back(40001)), undefined);
  assert.equal(nat.dropped['no-mapping'], 1);
});

test('mappings expire after the idle timeout; traffic keeps them alive; a new mapping takes a new port', () => {
  const nat = new Nat44({ publicAddress: PUBLIC, mappingTimeoutMs: 1000, firstPort: 40000 });
  nat.outbound(0, out(INSIDE, 5555));
  nat.inbound(900, back(40000));
  assert.ok(nat.inbound(1800, back(40000)), 'refreshed by the inbound packet at 900');
  assert.equal(nat.inbound(2900, back(40000)), undefined, 'expired 1000 ms after its last use');
  assert.equal(udpOf(nat.outbound(3000, out(INSIDE, 5555))!).sport, 40001, 'rebinding: a new external port');
});

test('non-UDP IPv4 (protocol 41, ESP), IPv6 and malformed packets are dropped and counted', () => {
  const nat = new Nat44({ publicAddress: PUBLIC, mappingTimeoutMs: 1000 });
  const p41 = buildIpv4Packet({ src: INSIDE, dst: SERVER, protocol: 41, payload: new Uint8Array(40) });
  const esp = buildIpv4Packet({ src: INSIDE, dst: SERVER, protocol: 50, payload: new Uint8Array(16) });
  const v6 = buildUdp6({
    src: Ipv6Address.parse('2001:db8::1'),
    dst: Ipv6Address.parse('2001:db8::2'),
    sourcePort: 1,
    destinationPort: 2,
    payload: new Uint8Array(1),
  });
  assert.equal(nat.outbound(0, p41), undefined);
  assert.equal(nat.outbound(0, esp), undefined);
  assert.equal(nat.outbound(0, v6), undefined);
  const corrupt = out(INSIDE, 1);
  corrupt[corrupt.length - 1]! ^= 0xff; // UDP checksum no longer matches
  assert.equal(nat.outbound(0, corrupt), undefined);
  assert.deepEqual(nat.dropped, { 'not-udp-over-ipv4': 3, malformed: 1, 'no-mapping': 0, 'ports-exhausted': 0 });
});

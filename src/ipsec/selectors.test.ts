import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromHex } from '../util/hex.ts';
import { Ipv4Address, Ipv6Address } from '../util/ip-address.ts';
import type { TrafficSelector } from '../wire/ike/traffic-selector.ts';
import { type EspSelectors, type PacketSelector, packetMatchesSelectors, upperLayerSelector } from './selectors.ts';
import { HA, HOA } from './test-support.ts';

const v6 = (a: Ipv6Address, ipProtocol: number, startPort: number, endPort = startPort): TrafficSelector => ({
  kind: 'ipv6-range',
  ipProtocol,
  startPort,
  endPort,
  startAddress: a,
  endAddress: a,
});

// RFC 4877 §7.2 / SPEC-NOTES §6: the MN's SA for BU/BA: TSi = HoA, MH, type BU (0x0500); TSr = HA, MH, type BA.
const MN_OUT: EspSelectors = { local: [v6(HOA, 135, 0x0500)], remote: [v6(HA, 135, 0x0600)] };
/** The HA's view of the same pair: local is the HA side. */
const HA_VIEW: EspSelectors = { local: MN_OUT.remote, remote: MN_OUT.local };

const mh = (source: Ipv6Address, destination: Ipv6Address, mhType: number): PacketSelector => ({
  source,
  destination,
  protocol: 135,
  sourcePort: mhType << 8,
});

test('MH type selectors (RFC 4301 §4.4.1.1, RFC 4877 §7.2): the sender side type is what matches', () => {
  const cases: [string, EspSelectors, PacketSelector, boolean, boolean][] = [
    ['MN sends BU', MN_OUT, mh(HOA, HA, 5), true, true],
    ['MN may not send BA on the BU SA', MN_OUT, mh(HOA, HA, 6), true, false],
    ['HA receives BU', HA_VIEW, mh(HOA, HA, 5), false, true],
    ['HA sends BA', HA_VIEW, mh(HA, HOA, 6), true, true],
    ['MN receives BA', MN_OUT, mh(HA, HOA, 6), false, true],
    ['MN receives a BU from the HA', MN_OUT, mh(HA, HOA, 5), false, false],
    ['another home address', MN_OUT, mh(Ipv6Address.parse('2001:db8:1::101'), HA, 5), true, false],
    ['ICMPv6 on an MH SA', MN_OUT, { ...mh(HOA, HA, 5), protocol: 58 }, true, false],
  ];
  for (const [why, sel, p, outbound, want] of cases) assert.equal(packetMatchesSelectors(sel, p, outbound), want, why);
});

test('ports, ANY, ranges and address families', () => {
  const any4: TrafficSelector = {
    kind: 'ipv4-range',
    ipProtocol: 0,
    startPort: 0,
    endPort: 0xffff,
    startAddress: Ipv4Address.parse('0.0.0.0'),
    endAddress: Ipv4Address.parse('255.255.255.255'),
  };
  const dns: TrafficSelector = { ...any4, ipProtocol: 17, startPort: 53, endPort: 53 };
  const net: TrafficSelector = {
    ...any4,
    startAddress: Ipv4Address.parse('10.0.0.0'),
    endAddress: Ipv4Address.parse('10.0.0.255'),
  };
  const udp = (dport: number): PacketSelector => ({
    source: Ipv4Address.parse('10.0.0.7'),
    destination: Ipv4Address.parse('192.0.2.53'),
    protocol: 17,
    sourcePort: 40000,
    destinationPort: dport,
  });
  assert.ok(packetMatchesSelectors({ local: [net], remote: [dns] }, udp(53), true));
  assert.ok(!packetMatchesSelectors({ local: [net], remote: [dns] }, udp(54), true));
  assert.ok(!packetMatchesSelectors({ local: [net], remote: [dns] }, udp(53), false), 'reversed direction');
  assert.ok(packetMatchesSelectors({ local: [any4], remote: [any4] }, { ...udp(1), protocol: 47 }, true), 'ANY');
  assert.ok(!packetMatchesSelectors({ local: [v6(HOA, 0, 0, 0xffff)], remote: [any4] }, udp(53), true), 'family');
  const unknown: TrafficSelector = { kind: 'unknown', type: 13, ipProtocol: 0, data: new Uint8Array(4) };
  assert.ok(!packetMatchesSelectors({ local: [unknown], remote: [any4] }, udp(53), true));
  const noPorts = { ...udp(53), protocol: 47, sourcePort: undefined, destinationPort: undefined };
  assert.ok(!packetMatchesSelectors({ local: [{ ...net, startPort: 1, endPort: 9 }], remote: [any4] }, noPorts, true));
});

test('ICMP type and code in one 16-bit value (RFC 4301 §4.4.1.1)', () => {
  const mps = v6(HOA, 58, 146 << 8, (146 << 8) | 0xff); // Mobile Prefix Solicitation, any code
  const sel: EspSelectors = { local: [mps], remote: [v6(HA, 58, 147 << 8, (147 << 8) | 0xff)] };
  const p = { source: HOA, destination: HA, protocol: 58, ...upperLayerSelector(58, fromHex('92000000')) };
  assert.ok(packetMatchesSelectors(sel, p, true));
  assert.ok(!packetMatchesSelectors(sel, { ...p, sourcePort: 128 << 8 }, true));
});

test('upper-layer selector values and truncation', () => {
  assert.deepEqual(upperLayerSelector(17, fromHex('11941195')), { sourcePort: 4500, destinationPort: 4501 });
  assert.deepEqual(upperLayerSelector(6, fromHex('0050')), undefined);
  assert.deepEqual(upperLayerSelector(135, fromHex('3b0405')), { sourcePort: 0x0500 });
  assert.deepEqual(upperLayerSelector(135, fromHex('3b04')), undefined);
  assert.deepEqual(upperLayerSelector(58, fromHex('8000')), { sourcePort: 0x8000 });
  assert.deepEqual(upperLayerSelector(1, fromHex('08')), undefined);
  assert.deepEqual(upperLayerSelector(41, new Uint8Array(0)), {});
});

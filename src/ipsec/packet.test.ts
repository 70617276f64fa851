import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { finishChecksum, ipv6PseudoSum, onesSum } from '../util/checksum.ts';
import { fromHex, toHex } from '../util/hex.ts';
import { Ipv4Address, type Ipv6Address } from '../util/ip-address.ts';
import { encodeUdpEncapIke } from '../wire/esp/udp-encap.ts';
import type { TrafficSelector } from '../wire/ike/traffic-selector.ts';
import { buildIpv4Packet, buildUdp4 } from '../wire/ip/build.ts';
import { decodeIpv4 } from '../wire/ip/ipv4.ts';
import { decodeIpv6, encodeIpv6 } from '../wire/ip/ipv6.ts';
import { decodeUdp } from '../wire/ip/udp.ts';
import { buildNatKeepalive, isNatKeepaliveDue, natKeepaliveDeadline } from './keepalive.ts';
import { protectPacket, protectTunnelPacket, tunnelNextHeader } from './packet.ts';
import { classifyIpsecPacket, receiveIpsecPacket } from './packet-open.ts';
import { BU, COA, HA, HOA, saPair } from './test-support.ts';

const V4A = Ipv4Address.parse('192.0.2.1');
const V4B = Ipv4Address.parse('198.51.100.1');
const mhSelector = (a: Ipv6Address, type: number): TrafficSelector => ({
  kind: 'ipv6-range',
  ipProtocol: 135,
  startPort: type << 8,
  endPort: type << 8,
  startAddress: a,
  endAddress: a,
});
const BU_SELECTORS = { local: [mhSelector(HOA, 5)], remote: [mhSelector(HA, 6)] };
const HA_SELECTORS = { local: BU_SELECTORS.remote, remote: BU_SELECTORS.local };

test('BU from a care-of address: IPv6 | Dest Opts (HAO) | ESP | MH, checksum over HoA → HA', () => {
  const { out } = saPair('cbc128-sha256', { selectors: BU_SELECTORS });
  const { rx } = saPair('cbc128-sha256', { selectors: HA_SELECTORS });
  const r = protectPacket(out, { version: 6, source: COA, destination: HA, homeAddressOption: HOA }, 135, BU, {
    checksumOffset: 4,
  });
  assert.ok(r.ok);
  const ip = decodeIpv6(r.packet);
  assert.deepEqual(
    ip.extensionHeaders.map((h) => h.kind),
    ['destinationOptions'],
  );
  assert.equal(ip.nextHeader, 50, 'ESP follows the Destination Options header (RFC 4877 §4)');
  const o = receiveIpsecPacket(rx, r.packet);
  assert.ok(o.ok);
  assert.equal(o.nextHeader, 135);
  // SPEC-NOTES §1.6: this BU between 2001:db8:1::100 and 2001:db8:1::1 has checksum ba7f.
  assert.equal(toHex(o.data.subarray(4, 6)), 'ba7f');
  assert.equal(o.carrier.kind, 'esp');
  assert.equal(String(o.carrier.effectiveSource), String(HOA));
  assert.equal(
    toHex(BU),
    toHex(Uint8Array.from([...o.data.subarray(0, 4), 0, 0, ...o.data.subarray(6)])),
    'payload untouched',
  );
});

test('BA to a care-of address: IPv6 | RH2 | ESP | MH, checksum over HA → HoA; selectors checked', () => {
  const { out } = saPair('gcm128', { selectors: HA_SELECTORS });
  const { rx } = saPair('gcm128', { selectors: BU_SELECTORS });
  const ba = fromHex('3b010600 0000 0000 0001 00e1 01020000');
  const r = protectPacket(out, { version: 6, source: HA, destination: COA, routingHeaderType2: HOA }, 135, ba, {
    checksumOffset: 4,
  });
  assert.ok(r.ok);
  const ip = decodeIpv6(r.packet);
  assert.deepEqual(
    ip.extensionHeaders.map((h) => h.kind),
    ['routingType2'],
  );
  const o = receiveIpsecPacket(rx, r.packet);
  assert.ok(o.ok);
  const sum = finishChecksum(onesSum(o.data, ipv6PseudoSum(HA.bytes, HOA.bytes, o.data.length, 135)));
  assert.equal(sum, 0, 'MH checksum verifies over the effective addresses');

  // The same BA sent without RH2 to the care-of address is outside the SA's selectors (HoA).
  const { out: out2 } = saPair('gcm128', { selectors: HA_SELECTORS, initialSequence: 5 });
  const stray = protectPacket(out2, { version: 6, source: HA, destination: COA }, 135, ba);
  assert.ok(stray.ok);
  const m = receiveIpsecPacket(rx, stray.packet);
  assert.deepEqual(m, { ok: false, reason: 'selector-mismatch', spi: 0x11223344, sequence: 6 });
});

test('tunnel mode over IPv4: IPv4 | ESP | IPv4, Next Header 4; inner selectors checked', () => {
  const inner = buildUdp4({
    src: Ipv4Address.parse('10.0.0.1'),
    dst: Ipv4Address.parse('10.0.0.2'),
    sourcePort: 7,
    destinationPort: 9,
    payload: fromHex('6869'),
  });
  const sel = (a: string, b: string) => ({
    kind: 'ipv4-range' as const,
    ipProtocol: 0,
    startPort: 0,
    endPort: 0xffff,
    startAddress: Ipv4Address.parse(a),
    endAddress: Ipv4Address.parse(b),
  });
  const selectors = { local: [sel('10.0.0.2', '10.0.0.2')], remote: [sel('10.0.0.0', '10.0.0.255')] };
  const { out } = saPair('gcm256', { mode: 'tunnel' });
  const { rx } = saPair('gcm256', { mode: 'tunnel', selectors });
  assert.equal(tunnelNextHeader(inner), 4);
  const r = protectTunnelPacket(out, { version: 4, source: V4A, destination: V4B }, inner);
  assert.ok(r.ok);
  assert.equal(decodeIpv4(r.packet).protocol, 50);
  const o = receiveIpsecPacket(rx, r.packet);
  assert.ok(o.ok);
  assert.equal(o.nextHeader, 4);
  assert.equal(toHex(o.data), toHex(inner));
  const outsider = buildUdp4({
    src: Ipv4Address.parse('10.9.0.1'),
    dst: Ipv4Address.parse('10.0.0.2'),
    sourcePort: 7,
    destinationPort: 9,
    payload: fromHex('00'),
  });
  const r2 = protectTunnelPacket(out, { version: 4, source: V4A, destination: V4B }, outsider);
  assert.ok(r2.ok);
  assert.equal((receiveIpsecPacket(rx, r2.packet) as { reason: string }).reason, 'selector-mismatch');
  const junk = protectPacket(out, { version: 4, source: V4A, destination: V4B }, 41, fromHex('60'));
  assert.ok(junk.ok);
  assert.equal((receiveIpsecPacket(rx, junk.packet) as { reason: string }).reason, 'malformed');
  assert.throws(() => tunnelNextHeader(fromHex('ff')), RangeError);
  assert.throws(
    () => protectPacket(out, { version: 4, source: V4A, destination: V4B }, 4, inner, { checksumOffset: 6 }),
    RangeError,
  );
});

test('UDP encapsulation (RFC 3948 §2.1): ports from the SA, IPv4 checksum 0, IPv6 checksummed', () => {
  const encap = { localPort: 4500, remotePort: 40001 };
  const { out, rx } = saPair('cbc256-sha1', { udpEncap: encap });
  const r = protectPacket(out, { version: 4, source: V4A, destination: V4B }, 17, fromHex('0ff70ff7000a0000 6869'), {
    checksumOffset: 6,
  });
  assert.ok(r.ok);
  const ip = decodeIpv4(r.packet);
  assert.equal(ip.protocol, 17);
  const udp = decodeUdp(ip.payload);
  assert.deepEqual([udp.sourcePort, udp.destinationPort], [4500, 40001]);
  assert.equal(toHex(ip.payload.subarray(6, 8)), '0000');
  const c = classifyIpsecPacket(r.packet, [4500]);
  assert.equal(c.kind, 'esp');
  const o = receiveIpsecPacket(rx, r.packet);
  assert.ok(o.ok);
  assert.deepEqual(o.carrier.udp, { sourcePort: 4500, destinationPort: 40001 });
  assert.equal(
    decodeUdp(o.data, { version: 4, source: V4A, destination: V4B }).payload.length,
    2,
    'inner UDP checksum',
  );

  const six = saPair('gcm128', { udpEncap: { localPort: 4500, remotePort: 4500 } });
  const r6 = protectPacket(six.out, { version: 6, source: COA, destination: HA, homeAddressOption: HOA }, 135, BU);
  assert.ok(r6.ok);
  const ip6 = decodeIpv6(r6.packet);
  assert.notEqual(toHex(ip6.payload.subarray(6, 8)), '0000');
  assert.ok(receiveIpsecPacket(six.rx, r6.packet).ok, 'checksum over HoA → HA verifies');
  const bad = r6.packet.slice();
  bad[bad.length - 1]! ^= 1;
  assert.deepEqual(receiveIpsecPacket(six.rx, bad), { ok: false, reason: 'malformed', spi: 0 }, 'UDP checksum');
});

test('classification: IKE behind the non-ESP marker, keepalives, other traffic, fragments', () => {
  const udp = (payload: Uint8Array, sport = 4500, dport = 4500) =>
    buildUdp4({ src: V4A, dst: V4B, sourcePort: sport, destinationPort: dport, payload });
  const ike = classifyIpsecPacket(udp(encodeUdpEncapIke(fromHex('0102030405060708'))));
  assert.ok(ike.kind === 'ike');
  assert.equal(toHex(ike.message), '0102030405060708');
  assert.equal(classifyIpsecPacket(udp(fromHex('ff'), 40001, 4500)).kind, 'keepalive');
  assert.equal(classifyIpsecPacket(udp(fromHex('ff'), 53, 53)).kind, 'other');
  assert.equal(classifyIpsecPacket(udp(fromHex('ff'), 14500, 4500), [14500]).kind, 'keepalive');
  const frag = buildIpv4Packet({ src: V4A, dst: V4B, protocol: 50, payload: new Uint8Array(16) }).slice();
  frag[6] = 0x20; // MF
  frag[10] = 0;
  frag[11] = 0;
  const sum = finishChecksum(onesSum(frag.subarray(0, 20)));
  frag[10] = sum >> 8;
  frag[11] = sum & 0xff;
  assert.equal(classifyIpsecPacket(frag).kind, 'other');
  const frag6 = encodeIpv6({
    trafficClass: 0,
    flowLabel: 0,
    hopLimit: 64,
    source: COA,
    destination: HA,
    extensionHeaders: [{ kind: 'fragment', fragmentOffsetBytes: 8, moreFragments: false, identification: 1 }],
    nextHeader: 50,
    payload: new Uint8Array(16),
  });
  assert.equal(classifyIpsecPacket(frag6).kind, 'other');
  const { rx } = saPair('gcm128');
  const notEsp = receiveIpsecPacket(rx, udp(fromHex('ff')));
  assert.ok(!notEsp.ok && notEsp.reason === 'not-esp' && notEsp.packet.kind === 'keepalive');
  assert.throws(
    () => classifyIpsecPacket(fromHex('00')),
    (e: unknown) => (e as { code?: string }).code === 'BAD_VERSION',
  );
  assert.throws(
    () => classifyIpsecPacket(new Uint8Array(0)),
    (e: unknown) => (e as { code?: string }).code === 'TRUNCATED',
  );
});

test('NAT keepalive datagrams and their timing (RFC 3948 §2.3, §4)', () => {
  const k4 = buildNatKeepalive({ version: 4, source: V4A, destination: V4B }, { localPort: 4500, remotePort: 4500 });
  assert.equal(toHex(decodeIpv4(k4).payload), '1194119400090000ff');
  const k6 = buildNatKeepalive({ version: 6, source: COA, destination: HA }, { localPort: 4500, remotePort: 4500 });
  assert.equal(decodeUdp(decodeIpv6(k6).payload, { version: 6, source: COA, destination: HA }).payload[0], 0xff);
  assert.equal(classifyIpsecPacket(k6).kind, 'keepalive');
  assert.equal(natKeepaliveDeadline(1000), 21_000);
  assert.equal(isNatKeepaliveDue(20_999, 1000), false);
  assert.equal(isNatKeepaliveDue(21_000, 1000), true);
  assert.equal(isNatKeepaliveDue(5000, 1000, 4000), true);
});

test('receiveIpsecPacket never throws, whatever the bytes; a mutated packet only passes if the ESP part is intact', () => {
  const { out } = saPair('gcm128', { selectors: BU_SELECTORS });
  const { rx } = saPair('gcm128', { selectors: HA_SELECTORS });
  let accepted = 0;
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (bytes, at, xor) => {
      assert.equal(receiveIpsecPacket(rx, bytes).ok, false);
      const valid = protectPacket(out, { version: 6, source: COA, destination: HA, homeAddressOption: HOA }, 135, BU);
      assert.ok(valid.ok);
      const p = valid.packet.slice();
      p[at % p.length]! ^= xor;
      const r = receiveIpsecPacket(rx, p);
      // Everything ahead of ESP (byte 64) is outside its protection: traffic class, flow label, hop limit, the
      // padding options, and the care-of address in the Source Address (RFC 4877 §4.3, which is why BUs carry
      // the Alternate CoA option). The destination and the home address feed the selector check; ESP itself
      // is authenticated. A flip anywhere else must fail.
      const i = at % p.length;
      if (r.ok) {
        accepted++;
        assert.ok(i < 64 && !(i >= 24 && i < 40) && !(i >= 48 && i < 64), `byte ${i}`);
      }
    }),
    { numRuns: 300 },
  );
  const clean = protectPacket(out, { version: 6, source: COA, destination: HA, homeAddressOption: HOA }, 135, BU);
  assert.ok(clean.ok);
  assert.ok(receiveIpsecPacket(rx, clean.packet).ok, `the SA still works after ${accepted} accepted mutations`);
});

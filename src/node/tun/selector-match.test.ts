import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { addressSelector, rangeSelector, selectorsExcluding } from '../../ike/traffic-selectors.ts';
import { packetMatchesSelectors } from '../../ipsec/selectors.ts';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import type { TrafficSelector } from '../../wire/ike/traffic-selector.ts';
import { buildUdp4, buildUdp6 } from '../../wire/ip/build.ts';
import { CompiledSelectors, packetSelectorOf } from './selector-match.ts';
import { ping } from './test-support.ts';

const HOA = Ipv6Address.parse('2001:db8:1::42');
const HOA4 = Ipv4Address.parse('10.10.0.7');
const HA6 = Ipv6Address.parse('2001:db8:1::1');
const HA4 = Ipv4Address.parse('192.0.2.1');
const CN6 = Ipv6Address.parse('2001:db8:5::5');

/** The UE's data SA (RFC 5555 §5.2.2): its home addresses, and every address but the HA's. */
const DATA_SA = new CompiledSelectors({
  local: [addressSelector(HOA), addressSelector(HOA4)],
  remote: [...selectorsExcluding(HA6), ...selectorsExcluding(HA4)],
});

test('the data SA selectors on packets: home address to anyone but the HA, both families, both directions', () => {
  assert.ok(DATA_SA.matchesOutbound(ping(HOA, CN6)));
  assert.ok(DATA_SA.matchesOutbound(ping(HOA4, Ipv4Address.parse('203.0.113.99'))));
  assert.ok(!DATA_SA.matchesOutbound(ping(HOA, HA6)), 'remote_address != home_agent');
  assert.ok(!DATA_SA.matchesOutbound(ping(HOA4, HA4)));
  assert.ok(!DATA_SA.matchesOutbound(ping(Ipv6Address.parse('2001:db8:1::43'), CN6)), 'another source');
  assert.ok(!DATA_SA.matchesOutbound(ping(CN6, HOA)), 'the other way round is inbound');
  assert.ok(DATA_SA.matchesInbound(ping(CN6, HOA)));
  assert.ok(!DATA_SA.matchesInbound(ping(HA6, HOA)));
  assert.ok(!DATA_SA.matchesOutbound(Uint8Array.of(0x60, 0, 0)), 'too short for an IPv6 header');
  assert.ok(!DATA_SA.matchesOutbound(new Uint8Array(60)), 'version 0');
});

test('selectors naming a protocol or ports take the general path (RFC 4301 §4.4.1.1)', () => {
  const udp53 = new CompiledSelectors({
    local: [addressSelector(HOA)],
    remote: [rangeSelector(CN6, CN6, 17, 53, 53)],
  });
  const query = buildUdp6({ src: HOA, dst: CN6, sourcePort: 5000, destinationPort: 53, payload: new Uint8Array(4) });
  const other = buildUdp6({ src: HOA, dst: CN6, sourcePort: 5000, destinationPort: 54, payload: new Uint8Array(4) });
  assert.ok(udp53.matchesOutbound(query));
  assert.ok(!udp53.matchesOutbound(other));
  assert.ok(!udp53.matchesOutbound(ping(HOA, CN6)), 'ICMPv6 is not UDP');
  assert.ok(!udp53.matchesOutbound(query.subarray(0, 44)), 'a packet that does not decode');
});

test('unknown selector types never match', () => {
  const unknown: TrafficSelector = { kind: 'unknown', type: 13, ipProtocol: 0, data: new Uint8Array(4) };
  const c = new CompiledSelectors({ local: [unknown], remote: [unknown] });
  assert.ok(!c.matchesOutbound(ping(HOA, CN6)));
});

const v4 = fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => Ipv4Address.fromBytes(b));
const v6 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Ipv6Address.fromBytes(b));
/** Ranges clustered near a few addresses, so packets fall in and out of them. */
const near4 = fc.constantFrom(0x0a0a0000, 0xc0000200, 0xffffff00).chain((base) =>
  fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 })).map(([a, b]) => {
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    return rangeSelector(Ipv4Address.fromNumber(base + lo), Ipv4Address.fromNumber(base + hi));
  }),
);

test('the in-place byte comparison agrees with src/ipsec/selectors.ts on decoded packets', () => {
  fc.assert(
    fc.property(
      fc.array(near4, { maxLength: 3 }),
      fc.array(near4, { maxLength: 3 }),
      fc.integer({ min: 0, max: 255 }),
      fc.integer({ min: 0, max: 255 }),
      fc.constantFrom(0x0a0a0000, 0xc0000200, 0xffffff00),
      fc.boolean(),
      (local, remote, s, d, base, outbound) => {
        const sel = { local, remote };
        const packet = buildUdp4({
          src: Ipv4Address.fromNumber(base + s),
          dst: Ipv4Address.fromNumber(base + d),
          sourcePort: 1,
          destinationPort: 2,
          payload: new Uint8Array(2),
        });
        const c = new CompiledSelectors(sel);
        const fast = outbound ? c.matchesOutbound(packet) : c.matchesInbound(packet);
        assert.equal(fast, packetMatchesSelectors(sel, packetSelectorOf(packet)!, outbound));
      },
    ),
  );
  fc.assert(
    fc.property(v6, v6, v6, v6, v6, (a, b, x, y, src) => {
      const [lo, hi] = Buffer.compare(a.bytes, b.bytes) <= 0 ? [a, b] : [b, a];
      const sel = { local: [rangeSelector(lo, hi)], remote: [rangeSelector(Ipv6Address.ANY, x), addressSelector(y)] };
      const packet = ping(src, y);
      const c = new CompiledSelectors(sel);
      assert.equal(c.matchesOutbound(packet), packetMatchesSelectors(sel, packetSelectorOf(packet)!, true));
      assert.equal(c.matchesOutbound(ping(lo, y)), true);
    }),
  );
  fc.assert(
    fc.property(v4, v4, (src, dst) => {
      const packet = ping(src, dst);
      assert.equal(DATA_SA.matchesOutbound(packet), false, 'an IPv4 source that is not the HoA');
    }),
  );
});

test('any bytes: both paths answer without throwing or reading outside the packet', () => {
  const general = new CompiledSelectors({ local: [rangeSelector(HOA, HOA, 17, 1, 2)], remote: [addressSelector(CN6)] });
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 80 }), (b) => {
      for (const c of [DATA_SA, general]) {
        assert.equal(typeof c.matchesOutbound(b), 'boolean');
        assert.equal(typeof c.matchesInbound(b), 'boolean');
      }
    }),
  );
});

// The short cut for the usual BU/BA shapes against the full IPv6 parse it stands in for: whatever it returns is
// exactly what the header chain gives, it takes every shape it claims, and it leaves every malformed packet to
// the full parse (which reports the WireError).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isWireError } from '../util/errors.ts';
import { fromHex } from '../util/hex.ts';
import { Ipv6Address } from '../util/ip-address.ts';
import { buildIpv6Packet } from '../wire/ip/build.ts';
import {
  decodeIpv6,
  effectiveDestination,
  effectiveSource,
  encodeIpv6,
  findHomeAddressOption,
  findRoutingType2,
} from '../wire/ip/ipv6.ts';
import type { Ipv6Option } from '../wire/ip/ipv6-options.ts';
import { readIpv6EspCarrier } from './ipv6-esp-carrier.ts';
import { classifyIpsecPacket } from './packet-open.ts';
import { COA, HA, HOA } from './test-support.ts';

/** What classifyIpsecPacket's full parse makes of `bytes`. */
function fullParse(bytes: Uint8Array): unknown {
  let p: ReturnType<typeof decodeIpv6>;
  try {
    p = decodeIpv6(bytes);
  } catch (e) {
    if (isWireError(e)) return `WireError ${e.code}`;
    throw e;
  }
  if (p.nextHeader !== 50 || p.extensionHeaders.some((h) => h.kind === 'fragment')) return 'not ESP';
  const hao = findHomeAddressOption(p);
  const rh2 = findRoutingType2(p);
  return {
    kind: 'esp',
    esp: p.payload,
    version: 6,
    source: p.source,
    destination: p.destination,
    effectiveSource: effectiveSource(p),
    effectiveDestination: effectiveDestination(p),
    ...(hao ? { homeAddressOption: hao } : {}),
    ...(rh2 ? { routingHeaderType2: rh2.homeAddress } : {}),
  };
}

function withOptions(options: Ipv6Option[], payload: Uint8Array): Uint8Array {
  return encodeIpv6({
    trafficClass: 0,
    flowLabel: 0,
    hopLimit: 64,
    source: COA,
    destination: HA,
    extensionHeaders: [{ kind: 'destinationOptions', options }],
    nextHeader: 50,
    payload,
  });
}

const shapes = (payload: Uint8Array, hao?: Ipv6Address, rh2?: Ipv6Address) => [
  buildIpv6Packet({ src: COA, dst: HA, nextHeader: 50, payload }),
  buildIpv6Packet({ src: COA, dst: HA, nextHeader: 50, payload, homeAddressOption: hao ?? HOA }),
  buildIpv6Packet({ src: HA, dst: COA, nextHeader: 50, payload, routingHeaderType2: rh2 ?? HOA }),
  withOptions(
    [{ kind: 'pad1' }, { kind: 'homeAddress', homeAddress: hao ?? HOA }, { kind: 'padN', length: 3 }],
    payload,
  ),
  withOptions([{ kind: 'unknown', type: 0x1e, data: fromHex('0102') }], payload),
];

test('the BU of RFC 6275 §11.7.1 from a care-of address: effective source is the Home Address option', () => {
  const bu = buildIpv6Packet({
    src: COA,
    dst: HA,
    nextHeader: 50,
    payload: fromHex('00000100 00000001'),
    homeAddressOption: HOA,
  });
  const c = readIpv6EspCarrier(bu);
  assert.ok(c !== undefined);
  assert.equal(String(c.source), String(COA));
  assert.equal(String(c.effectiveSource), String(HOA));
  assert.equal(String(c.effectiveDestination), String(HA));
  assert.deepEqual(c, fullParse(bu));
  // The BA back: a Type 2 Routing Header still to be processed names the final destination (RFC 6275 §6.1.1).
  const ba = buildIpv6Packet({
    src: HA,
    dst: COA,
    nextHeader: 50,
    payload: new Uint8Array(8),
    routingHeaderType2: HOA,
  });
  assert.equal(String(readIpv6EspCarrier(ba)?.effectiveDestination), String(HOA));
  const processed = ba.slice();
  processed[43] = 0; // Segments Left 0: the Destination Address already holds the home address
  assert.equal(String(readIpv6EspCarrier(processed)?.effectiveDestination), String(COA));
  assert.deepEqual(readIpv6EspCarrier(processed), fullParse(processed));
});

test('malformed or unusual chains are left to the full parse, which reports them', () => {
  const two = withOptions(
    [
      { kind: 'homeAddress', homeAddress: HOA },
      { kind: 'homeAddress', homeAddress: HOA },
    ],
    new Uint8Array(8),
  );
  assert.equal(readIpv6EspCarrier(two), undefined);
  assert.throws(
    () => classifyIpsecPacket(two),
    (e: unknown) => isWireError(e) && e.code === 'BAD_VALUE',
  );
  const short = buildIpv6Packet({
    src: COA,
    dst: HA,
    nextHeader: 50,
    payload: new Uint8Array(8),
    homeAddressOption: HOA,
  });
  short[47] = 15; // HAO Option Length 15 (RFC 6275 §6.3: MUST be 16)
  assert.equal(readIpv6EspCarrier(short), undefined);
  assert.throws(
    () => classifyIpsecPacket(short),
    (e: unknown) => isWireError(e) && e.code === 'BAD_LENGTH',
  );
  const truncated = buildIpv6Packet({ src: COA, dst: HA, nextHeader: 50, payload: new Uint8Array(8) });
  assert.equal(readIpv6EspCarrier(truncated.subarray(0, truncated.length - 1)), undefined);
  const udp = buildIpv6Packet({ src: COA, dst: HA, nextHeader: 17, payload: new Uint8Array(8) });
  assert.equal(readIpv6EspCarrier(udp), undefined);
  assert.equal(readIpv6EspCarrier(fromHex('45')), undefined);
});

test('every shape it claims is taken, with the full parse’s result; mutations never make them disagree', () => {
  const address = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Ipv6Address.fromBytes(b));
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 64 }),
      address,
      address,
      fc.uint8Array({ maxLength: 4 }),
      fc.nat(),
      fc.integer({ min: 0, max: 255 }),
      (payload, hao, rh2, trailing, at, xor) => {
        for (const shape of shapes(payload, hao, rh2)) {
          const packet = Uint8Array.from([...shape, ...trailing]); // link padding after Payload Length is ignored
          const fast = readIpv6EspCarrier(packet);
          assert.ok(fast !== undefined);
          assert.deepEqual(fast, fullParse(packet));
          const mutated = packet.slice();
          mutated[at % mutated.length]! ^= xor;
          const m = readIpv6EspCarrier(mutated);
          if (m !== undefined) assert.deepEqual(m, fullParse(mutated));
          const cut = readIpv6EspCarrier(packet.subarray(0, at % packet.length));
          if (cut !== undefined) assert.deepEqual(cut, fullParse(packet.subarray(0, at % packet.length)));
        }
      },
    ),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => {
      const b = bytes.length > 0 ? Uint8Array.from([0x60, ...bytes]) : bytes;
      const fast = readIpv6EspCarrier(b);
      if (fast !== undefined) assert.deepEqual(fast, fullParse(b));
    }),
    { numRuns: 500 },
  );
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isWireError } from '../../util/errors.ts';
import { toHex } from '../../util/hex.ts';
import { Reader } from '../../util/reader.ts';
import { domainNameToWire, parseDomainName } from './domain-name.ts';
import { decodeDhcpv6Message, dhcpv6MessageLength, encodeDhcpv6Message } from './message.ts';
import { dhcpv6MessageArb } from './test-arbitraries.ts';

/** Runs `decode`; anything but a value or a WireError fails the property. */
function onlyWireErrors(bytes: Uint8Array): void {
  try {
    decodeDhcpv6Message(bytes);
  } catch (e) {
    if (!isWireError(e)) throw e;
  }
}

test('DHCPv6: decode(encode(m)) = m and length(m) = encoded size, for arbitrary messages', () => {
  fc.assert(
    fc.property(dhcpv6MessageArb, (m) => {
      const bytes = encodeDhcpv6Message(m);
      assert.equal(bytes.length, dhcpv6MessageLength(m));
      assert.deepEqual(decodeDhcpv6Message(bytes), m);
    }),
    { numRuns: 400 },
  );
});

test('DHCPv6: every accepted input re-encodes to bytes that decode to the same value', () => {
  fc.assert(
    fc.property(dhcpv6MessageArb, fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 255 }), (m, at, v) => {
      const bytes = encodeDhcpv6Message(m).slice();
      bytes[at % bytes.length] = v;
      let decoded: ReturnType<typeof decodeDhcpv6Message>;
      try {
        decoded = decodeDhcpv6Message(bytes);
      } catch (e) {
        if (isWireError(e)) return;
        throw e;
      }
      assert.deepEqual(decodeDhcpv6Message(encodeDhcpv6Message(decoded)), decoded);
    }),
    { numRuns: 400 },
  );
});

test('DHCPv6: random bytes and truncations only ever raise WireError', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), onlyWireErrors), { numRuns: 2000 });
  // Random option soup behind a valid header reaches the option decoders.
  fc.assert(
    fc.property(
      fc.array(
        fc.tuple(
          fc.constantFrom(1, 2, 6, 8, 9, 13, 16, 17, 18, 23, 24, 32, 49, 50, 69, 70, 71, 72, 73, 83),
          fc.uint8Array({ maxLength: 40 }),
        ),
      ),
      (opts) => {
        const parts = opts.map(([code, data]) => Uint8Array.of(0, code, 0, data.length, ...data));
        onlyWireErrors(Uint8Array.from([11, 0, 0, 1, ...parts.flatMap((p) => [...p])]));
      },
    ),
    { numRuns: 2000 },
  );
  fc.assert(
    fc.property(dhcpv6MessageArb, fc.nat(), (m, cut) => {
      const bytes = encodeDhcpv6Message(m);
      onlyWireErrors(bytes.subarray(0, cut % (bytes.length + 1)));
    }),
    { numRuns: 300 },
  );
});

test('domain names: any valid wire name survives wire → text → wire', () => {
  const label = fc.uint8Array({ minLength: 1, maxLength: 63 });
  fc.assert(
    fc.property(fc.array(label, { maxLength: 3 }), (labels) => {
      const wire = Uint8Array.from([...labels.flatMap((l) => [l.length, ...l]), 0]);
      const text = parseDomainName(Reader.of(wire, 'dhcpv6'));
      assert.equal(toHex(domainNameToWire(text)), toHex(wire));
    }),
    { numRuns: 500 },
  );
});

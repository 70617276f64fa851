import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { packetBytes } from './packet-bytes.ts';

test('packet bytes are zeroed, plain Uint8Arrays of the asked length, and never overlap one another', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 2000 }), { maxLength: 200 }), (sizes) => {
      const got = sizes.map((n) => {
        const b = packetBytes(n);
        assert.equal(b.length, n);
        assert.equal(Object.getPrototypeOf(b), Uint8Array.prototype);
        assert.ok(b.every((x) => x === 0));
        b.fill(0xa5); // a later packet must not see this
        return b;
      });
      for (let i = 0; i < got.length; i++) {
        for (let j = i + 1; j < got.length; j++) {
          const a = got[i]!;
          const b = got[j]!;
          if (a.buffer !== b.buffer) continue;
          const apart = a.byteOffset + a.length <= b.byteOffset || b.byteOffset + b.length <= a.byteOffset;
          assert.ok(apart, `packets ${i} and ${j} overlap`);
        }
      }
    }),
    { numRuns: 50 },
  );
});

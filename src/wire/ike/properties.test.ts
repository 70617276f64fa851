import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { toHex } from '../../util/hex.ts';
import { firstPayloadType } from './chain.ts';
import { decodeIkeHeader } from './header.ts';
import { identityData, readIdentity } from './identity.ts';
import {
  decodeIkeMessage,
  decodeIkePayloads,
  encodeIkeMessage,
  encodeIkePayloads,
  ikeMessageLength,
} from './message.ts';
import { messageArb, payloadChainArb } from './test-arbitraries.ts';
import { onlyWireError } from './test-support.ts';
import { IKE_AUTH_INNER_PAYLOADS, IKE_SA_INIT_REQUEST } from './test-vectors.ts';

test('decodeIkeMessage(encodeIkeMessage(m)) deep-equals m and the length function agrees', () => {
  fc.assert(
    fc.property(messageArb, (m) => {
      const bytes = encodeIkeMessage(m);
      assert.equal(bytes.length, ikeMessageLength(m));
      assert.deepEqual(decodeIkeMessage(bytes), m);
    }),
    { numRuns: 500 },
  );
});

test('decodeIkePayloads(encodeIkePayloads(p)) deep-equals p, and bytes re-encode to themselves', () => {
  fc.assert(
    fc.property(payloadChainArb, (payloads) => {
      const bytes = encodeIkePayloads(payloads);
      const decoded = decodeIkePayloads(firstPayloadType(payloads), bytes);
      assert.deepEqual(decoded, payloads);
      assert.equal(toHex(encodeIkePayloads(decoded)), toHex(bytes));
    }),
    { numRuns: 500 },
  );
});

test('arbitrary bytes only ever raise WireError', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 0, max: 255 }), (bytes, first) => {
      onlyWireError(() => decodeIkeMessage(bytes));
      onlyWireError(() => decodeIkeHeader(bytes));
      onlyWireError(() => decodeIkePayloads(first, bytes));
      onlyWireError(() => readIdentity({ idType: first, data: bytes }));
    }),
    { numRuns: 2000 },
  );
});

test('mutated valid messages only ever raise WireError, and what decodes re-encodes', () => {
  const seeds = [IKE_SA_INIT_REQUEST, IKE_AUTH_INNER_PAYLOADS];
  fc.assert(
    fc.property(
      fc.constantFrom(0, 1),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
      fc.nat(),
      (which, edits, cut) => {
        const b = seeds[which]!.slice(0, seeds[which]!.length - (cut % 8));
        for (const [pos, v] of edits) if (b.length) b[pos % b.length] = v;
        try {
          const payloads = which === 0 ? decodeIkeMessage(b).payloads : decodeIkePayloads(35, b);
          assert.equal(encodeIkePayloads(payloads).length, which === 0 ? b.length - 28 : b.length);
        } catch (e) {
          onlyWireError(() => {
            throw e;
          });
        }
      },
    ),
    { numRuns: 3000 },
  );
});

test('identity data round-trips for generated FQDN and RFC 822 strings', () => {
  fc.assert(
    fc.property(fc.stringMatching(/^[a-z0-9.-]{1,40}$/), fc.string({ maxLength: 30 }), (name, local) => {
      assert.deepEqual(readIdentity(identityData({ kind: 'fqdn', name })), { kind: 'fqdn', name });
      const address = `${[...local].filter((c) => c >= ' ' && c !== '\x7f').join('')}@example.com`;
      assert.deepEqual(readIdentity(identityData({ kind: 'rfc822', address })), { kind: 'rfc822', address });
    }),
  );
});

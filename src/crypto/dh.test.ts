import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DH_ID, dhGroup, SUPPORTED_DH_GROUPS } from './dh.ts';
import { CryptoError } from './errors.ts';

const isCode = (code: string) => (e: unknown) => e instanceof CryptoError && e.code === code;

test('registry: groups 2, 14, 15, 19, 31 with their KE lengths; others UNSUPPORTED', () => {
  assert.deepEqual(
    SUPPORTED_DH_GROUPS.map((g) => [g.id, g.keyLength, g.sharedSecretLength]),
    [
      [2, 128, 128],
      [14, 256, 256],
      [15, 384, 384],
      [19, 64, 32],
      [31, 32, 32],
    ],
  );
  assert.throws(() => dhGroup(5), isCode('UNSUPPORTED'));
});

test('a random source that returns the wrong number of bytes is BAD_PRIVATE_KEY in every group', () => {
  for (const group of SUPPORTED_DH_GROUPS) {
    assert.throws(() => group.generate(() => new Uint8Array(3)), isCode('BAD_PRIVATE_KEY'), group.name);
  }
});

test('every group: both sides agree, with injected and with OpenSSL randomness; foreign keys are WRONG_GROUP', () => {
  for (const g of SUPPORTED_DH_GROUPS) {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        (ra, rb) => {
          // A first byte of 01 keeps every draw valid: non-zero, and below the P-256 order n (which starts ff).
          const a = g.generate((n) => ra.slice(0, n).map((v, i) => (i === 0 ? 1 : v)));
          const b = g.generate((n) => rb.slice(0, n).map((v, i) => (i === 0 ? 1 : v)));
          assert.equal(a.publicKey.length, g.keyLength);
          assert.deepEqual(g.computeShared(a.privateKey, b.publicKey), g.computeShared(b.privateKey, a.publicKey));
        },
      ),
      { numRuns: 3 },
    );
    const a = g.generate();
    const b = g.generate();
    assert.equal(a.publicKey.length, g.keyLength, g.name);
    const s = g.computeShared(a.privateKey, b.publicKey);
    assert.equal(s.length, g.sharedSecretLength, g.name);
    assert.deepEqual(g.computeShared(b.privateKey, a.publicKey), s, g.name);
  }
  const x = dhGroup(DH_ID.CURVE25519).generate();
  assert.throws(() => dhGroup(DH_ID.ECP_256).computeShared(x.privateKey, new Uint8Array(64)), isCode('WRONG_GROUP'));
  assert.throws(
    () => dhGroup(DH_ID.MODP_2048).computeShared({ groupId: 14 }, new Uint8Array(256)),
    isCode('WRONG_GROUP'),
  );
});

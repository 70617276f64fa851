import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromHex } from '../util/hex.ts';
import { certificate } from './test-support.ts';
import { TrustStore } from './trust.ts';

const der = (name: string) => new Uint8Array(certificate(name).raw);
const HA = 'ha.dsmip.test';
const ha = certificate('ha-ecdsa');
const now = Date.parse(ha.validFrom) + 1000;

test('CERTREQ data: SHA-1 of each CA SubjectPublicKeyInfo (RFC 7296 §3.7), as openssl computes it', () => {
  // openssl x509 -pubkey -noout | openssl pkey -pubin -outform DER | sha1sum
  assert.deepEqual(
    new TrustStore([certificate('ca-ecdsa')]).certReqData,
    fromHex('8b8be6dfaf42d5b9349673929db3a52b43569648'),
  );
  const both = new TrustStore([certificate('ca-ecdsa'), certificate('ca-rsa')]).certReqData;
  assert.deepEqual(both, fromHex('8b8be6dfaf42d5b9349673929db3a52b43569648 916195fb4b40eae63ecc2fef10e7ae2342ce387f'));
});

test('chains: direct, through an intermediate (in any order after the leaf), and with anchors of two kinds', () => {
  const store = new TrustStore([certificate('ca-ecdsa'), certificate('ca-rsa')]);
  for (const chain of [
    [der('ha-ecdsa')],
    [der('ha-rsa')],
    [der('ha-ecdsa-chain'), der('intermediate-ecdsa')],
    [der('ha-ecdsa'), der('other-ha')],
  ]) {
    const r = store.validate(chain, HA, now);
    assert.ok(r.ok, JSON.stringify(r));
  }
});

test('refusals: unknown issuer, missing intermediate, leaf used as issuer, wrong name, time, garbage', () => {
  const store = new TrustStore([certificate('ca-ecdsa')]);
  const reason = (chain: Uint8Array[], name = HA, at = now) => {
    const r = store.validate(chain, name, at);
    return r.ok ? 'ok' : r.reason;
  };
  assert.equal(reason([der('other-ha')]), 'untrusted');
  assert.equal(reason([der('ha-rsa')]), 'untrusted');
  assert.equal(reason([der('ha-ecdsa-chain')]), 'untrusted');
  assert.equal(reason([der('ha-ecdsa-chain'), der('ha-ecdsa')]), 'untrusted'); // not a CA
  assert.equal(reason([]), 'untrusted');
  assert.equal(reason([der('ha-ecdsa')], 'other.dsmip.test'), 'wrong-identity');
  assert.equal(reason([der('ha-ecdsa')], 'HA.DSMIP.TEST'), 'ok'); // DNS names compare case-insensitively
  assert.equal(reason([der('ha-ecdsa')], HA, Date.parse(ha.validTo) + 1), 'expired');
  assert.equal(reason([der('ha-ecdsa')], HA, Date.parse(ha.validFrom) - 1), 'not-yet-valid');
  assert.equal(reason([new Uint8Array([0x30, 0x03, 1, 2, 3])]), 'unparsable');
  assert.equal(reason([der('ha-ecdsa').subarray(0, 100)]), 'unparsable');
});

test('verified chains are cached: the same bytes are parsed and checked once', () => {
  const store = new TrustStore([certificate('ca-ecdsa')]);
  const chain = [der('ha-ecdsa-chain'), der('intermediate-ecdsa')];
  for (let i = 0; i < 5; i++) assert.ok(store.validate(chain, HA, now).ok);
  assert.deepEqual(store.work, { parsed: 2, pathsBuilt: 1 });
  // Time and name checks still run every time.
  assert.equal(store.validate(chain, HA, Date.parse(ha.validTo) + 1).ok, false);
  assert.deepEqual(store.work, { parsed: 2, pathsBuilt: 1 });
});

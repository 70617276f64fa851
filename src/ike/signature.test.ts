import assert from 'node:assert/strict';
import { createPrivateKey, verify } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { fromHex } from '../util/hex.ts';
import { AuthMethod } from '../wire/ike/constants.ts';
import {
  AUTH_METHOD_ECDSA_SHA256_P256,
  classicMethod,
  describeKey,
  parseSignatureHashData,
  signAuthData,
  signatureHashData,
  verifyAuthData,
} from './signature.ts';
import { certificate, pem } from './test-support.ts';

const octets = new TextEncoder().encode('InitiatorSignedOctets stand-in');
const ecPriv = describeKey(createPrivateKey(pem('ha-ecdsa.key')));
const rsaPriv = describeKey(createPrivateKey(pem('ha-rsa.key')));
const ecPub = describeKey(certificate('ha-ecdsa').publicKey);
const rsaPub = describeKey(certificate('ha-rsa').publicKey);

test('key types and their classic methods: RSA → 1, P-256 → 9 (RFC 4754)', () => {
  assert.equal(ecPriv.type, 'ecdsa-p256');
  assert.equal(rsaPub.type, 'rsa');
  assert.equal(classicMethod('rsa'), AuthMethod.RSA_SIGNATURE);
  assert.equal(classicMethod('ecdsa-p256'), AUTH_METHOD_ECDSA_SHA256_P256);
});

test('method 9 is r ‖ s, 64 bytes, ECDSA with SHA-256; method 1 is PKCS#1 v1.5 with SHA-1', () => {
  const ec = signAuthData(ecPriv, AUTH_METHOD_ECDSA_SHA256_P256, octets);
  assert.equal(ec.length, 64);
  assert.ok(verify('sha256', octets, { key: ecPub.key, dsaEncoding: 'ieee-p1363' }, ec));
  assert.ok(verifyAuthData(ecPub, AUTH_METHOD_ECDSA_SHA256_P256, ec, octets));
  const rsa = signAuthData(rsaPriv, AuthMethod.RSA_SIGNATURE, octets);
  assert.equal(rsa.length, 256);
  assert.ok(verify('sha1', octets, rsaPub.key, rsa));
  assert.ok(verifyAuthData(rsaPub, AuthMethod.RSA_SIGNATURE, rsa, octets));
  // The wrong key type for a method never verifies.
  assert.ok(!verifyAuthData(ecPub, AuthMethod.RSA_SIGNATURE, rsa, octets));
  assert.ok(!verifyAuthData(rsaPub, AUTH_METHOD_ECDSA_SHA256_P256, ec, octets));
});

test('method 14 (RFC 7427 §3): length ‖ AlgorithmIdentifier (Appendix A encodings) ‖ signature', () => {
  const ec = signAuthData(ecPriv, AuthMethod.DIGITAL_SIGNATURE, octets);
  assert.deepEqual(ec.subarray(0, 13), fromHex('0c 300a06082a8648ce3d040302')); // ecdsa-with-SHA256
  assert.ok(verify('sha256', octets, ecPub.key, ec.subarray(13))); // DER ECDSA-Sig-Value
  assert.ok(verifyAuthData(ecPub, AuthMethod.DIGITAL_SIGNATURE, ec, octets));
  const rsa = signAuthData(rsaPriv, AuthMethod.DIGITAL_SIGNATURE, octets);
  assert.deepEqual(rsa.subarray(0, 16), fromHex('0f 300d06092a864886f70d01010b0500')); // sha256WithRSAEncryption
  assert.ok(verifyAuthData(rsaPub, AuthMethod.DIGITAL_SIGNATURE, rsa, octets));
  assert.ok(!verifyAuthData(ecPub, AuthMethod.DIGITAL_SIGNATURE, rsa, octets));
  const tampered = octets.slice();
  tampered[0]! ^= 1;
  assert.ok(!verifyAuthData(rsaPub, AuthMethod.DIGITAL_SIGNATURE, rsa, tampered));
});

test('property: arbitrary AUTH data never verifies and never throws', () => {
  fc.assert(
    fc.property(fc.constantFrom(1, 2, 9, 14, 200), fc.uint8Array({ maxLength: 300 }), (method, data) => {
      assert.equal(verifyAuthData(ecPub, method, data, octets), false);
      assert.equal(verifyAuthData(rsaPub, method, data, octets), false);
    }),
  );
});

test('SIGNATURE_HASH_ALGORITHMS data is a list of 2-byte hash IDs (RFC 7427 §4)', () => {
  assert.deepEqual(signatureHashData([2, 3, 4]), fromHex('000200030004'));
  assert.deepEqual(parseSignatureHashData(fromHex('00020003000400')), [2, 3, 4]);
});

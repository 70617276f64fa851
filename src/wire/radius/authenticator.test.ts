import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isWireError } from '../../util/errors.ts';
import { fromHex } from '../../util/hex.ts';
import { eapMessageAttributes, messageAuthenticatorPlaceholder, reassembleEap, textAttribute } from './attributes.ts';
import { checkMessageAuthenticator, encodeSignedRadius, verifyResponseAuthenticator } from './authenticator.ts';
import { MICROSOFT_VENDOR_ID, RadiusCode } from './constants.ts';
import { decryptMppeKey, encryptMppeKey, findMppeKeys, mppeKeyAttributes } from './mppe.ts';
import { decodeRadius, type RadiusPacket } from './packet.ts';
import { vendorSpecific } from './vendor.ts';

const SECRET = new TextEncoder().encode('testing123');
const RA = fromHex('00112233445566778899aabbccddeeff');
const eap = (n: number) => {
  const b = new Uint8Array(n).fill(0x41);
  b.set([2, 9, n >> 8, n & 255, 1]);
  return b;
};

const request = (attrs = [messageAuthenticatorPlaceholder(), textAttribute(1, 'user')]): RadiusPacket => ({
  code: RadiusCode.ACCESS_REQUEST,
  identifier: 9,
  authenticator: RA,
  attributes: attrs,
});

test('Message-Authenticator: a signed request checks ok; one changed octet, the wrong secret or none fail', () => {
  const bytes = encodeSignedRadius(request(), SECRET);
  assert.equal(checkMessageAuthenticator(bytes, SECRET), 'ok');
  assert.deepEqual(decodeRadius(bytes).authenticator, RA); // a request keeps its random authenticator
  const bad = bytes.slice();
  bad[bad.length - 1]! ^= 0x20;
  assert.equal(checkMessageAuthenticator(bad, SECRET), 'bad');
  assert.equal(checkMessageAuthenticator(bytes, new TextEncoder().encode('x')), 'bad');
  assert.equal(
    checkMessageAuthenticator(encodeSignedRadius(request([textAttribute(1, 'u')]), SECRET), SECRET),
    'missing',
  );
  const two = encodeSignedRadius(
    request([messageAuthenticatorPlaceholder(), messageAuthenticatorPlaceholder()]),
    SECRET,
  );
  assert.equal(checkMessageAuthenticator(two, SECRET), 'duplicate');
});

test('a response: Message-Authenticator over the Request Authenticator, then the Response Authenticator (RFC 3579 §3.2)', () => {
  const response: RadiusPacket = {
    code: RadiusCode.ACCESS_CHALLENGE,
    identifier: 9,
    authenticator: new Uint8Array(16),
    attributes: [messageAuthenticatorPlaceholder(), ...eapMessageAttributes(eap(40))],
  };
  const bytes = encodeSignedRadius(response, SECRET, RA);
  assert.equal(verifyResponseAuthenticator(bytes, RA, SECRET), true);
  assert.equal(checkMessageAuthenticator(bytes, SECRET, RA), 'ok');
  assert.equal(checkMessageAuthenticator(bytes, SECRET, new Uint8Array(16)), 'bad');
  assert.throws(() => encodeSignedRadius(response, SECRET), RangeError);
});

test('Accounting-Request Authenticator is MD5 over a zero authenticator (RFC 2866 §3)', () => {
  const bytes = encodeSignedRadius(
    { ...request([textAttribute(1, 'u')]), code: RadiusCode.ACCOUNTING_REQUEST },
    SECRET,
  );
  assert.equal(verifyResponseAuthenticator(bytes, new Uint8Array(16), SECRET), true);
});

test('EAP-Message: 600 octets split 253/253/94 and reassembled (RFC 3579 §3.1); a short split is BAD_LENGTH', () => {
  const e = eap(600);
  const attrs = eapMessageAttributes(e);
  assert.deepEqual(
    attrs.map((a) => (a.kind === 'attribute' ? a.value.length : -1)),
    [253, 253, 94],
  );
  assert.deepEqual(reassembleEap(request(attrs)), e);
  assert.equal(reassembleEap(request([])), undefined);
  assert.throws(
    () => reassembleEap(request(attrs.slice(0, 2))),
    (x: unknown) => isWireError(x) && x.code === 'BAD_LENGTH',
  );
});

test('MS-MPPE keys: salt high bit, 32-octet keys in 48-octet Strings, decrypt(encrypt(k)) = k (RFC 2548 §2.4.2)', () => {
  const key = new Uint8Array(32).map((_, i) => i * 7);
  const v = encryptMppeKey(key, SECRET, RA, 0x0102);
  assert.equal(v.length, 2 + 48);
  assert.deepEqual([...v.subarray(0, 2)], [0x81, 0x02]);
  assert.deepEqual(decryptMppeKey(v, SECRET, RA), key);
  // The wrong Request Authenticator decrypts to garbage whose Key-Length overruns, or to another key.
  const wrong = (() => {
    try {
      return decryptMppeKey(v, SECRET, new Uint8Array(16));
    } catch (e) {
      return e;
    }
  })();
  assert.ok(isWireError(wrong) ? wrong.code === 'BAD_VALUE' : !(wrong as Uint8Array).every((x, i) => x === key[i]));
  for (const [bad, code] of [
    [v.subarray(0, 17), 'BAD_LENGTH'],
    [v.subarray(0, 20), 'BAD_LENGTH'],
    [Uint8Array.of(0x01, 0x02, ...v.subarray(2)), 'BAD_VALUE'],
  ] as const) {
    assert.throws(
      () => decryptMppeKey(bad, SECRET, RA),
      (e: unknown) => isWireError(e) && e.code === code,
    );
  }
});

test('findMppeKeys reads both keys of an Access-Accept; salts differ; one key missing → undefined', () => {
  const send = new Uint8Array(32).fill(0x53);
  const recv = new Uint8Array(32).fill(0x52);
  const attrs = mppeKeyAttributes({ send, recv }, SECRET, RA, 0x4444);
  const salts = attrs.map((a) => (a.kind === 'vendor-specific' ? a.data.subarray(2, 4).join() : ''));
  assert.notEqual(salts[0], salts[1]);
  const accept = decodeRadius(
    encodeSignedRadius({ code: 2, identifier: 1, authenticator: new Uint8Array(16), attributes: attrs }, SECRET, RA),
  );
  assert.deepEqual(findMppeKeys(accept, SECRET, RA), { send, recv });
  const one = { ...accept, attributes: accept.attributes.slice(0, 1) };
  assert.equal(findMppeKeys(one, SECRET, RA), undefined);
  const other = { ...accept, attributes: [vendorSpecific(MICROSOFT_VENDOR_ID + 1, [{ vendorType: 16, value: RA }])] };
  assert.equal(findMppeKeys(other, SECRET, RA), undefined);
});

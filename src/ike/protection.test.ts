import assert from 'node:assert/strict';
import { createCipheriv, createHmac } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import type { IkeSaKeys } from '../crypto/ike-prf.ts';
import { encrTransform, integTransform, prfTransform } from '../crypto/transforms.ts';
import { fromHex } from '../util/hex.ts';
import { EncrId, IntegId, PayloadType, PrfId } from '../wire/ike/constants.ts';
import type { IkeHeader } from '../wire/ike/header.ts';
import { decodeIkeMessage, encodeIkePayloads } from '../wire/ike/message.ts';
import type { EncryptedPayload, IkePayload } from '../wire/ike/payload.ts';
import type { IkeSuite } from './proposal.ts';
import { IkeProtection } from './protection.ts';

const keys: IkeSaKeys = {
  skD: new Uint8Array(32),
  skAi: fromHex('11'.repeat(32)),
  skAr: fromHex('22'.repeat(32)),
  skEi: fromHex(`${'33'.repeat(32)}a1a2a3a4`),
  skEr: fromHex(`${'44'.repeat(32)}b1b2b3b4`),
  skPi: new Uint8Array(32),
  skPr: new Uint8Array(32),
};
const cbcKeys: IkeSaKeys = { ...keys, skEi: fromHex('33'.repeat(32)), skEr: fromHex('44'.repeat(32)) };
const GCM: IkeSuite = {
  encr: encrTransform(EncrId.AES_GCM_16, 256),
  integ: undefined,
  prf: prfTransform(PrfId.HMAC_SHA2_256),
  dhGroup: 31,
};
const CBC: IkeSuite = {
  encr: encrTransform(EncrId.AES_CBC, 256),
  integ: integTransform(IntegId.HMAC_SHA2_256_128),
  prf: prfTransform(PrfId.HMAC_SHA2_256),
  dhGroup: 31,
};
const fixedIv = (n: number) => new Uint8Array(n).fill(0x5a);

const header: IkeHeader = {
  initiatorSpi: fromHex('0102030405060708'),
  responderSpi: fromHex('1112131415161718'),
  majorVersion: 2,
  minorVersion: 0,
  exchangeType: 35,
  response: false,
  higherVersion: false,
  initiator: true,
  messageId: 1,
};
const payloads: IkePayload[] = [
  { kind: 'idi', idType: 3, data: new TextEncoder().encode('ue@example') },
  { kind: 'notify', protocolId: 0, spi: new Uint8Array(0), notifyType: 16404, data: new Uint8Array(0) },
];

function sk(bytes: Uint8Array): EncryptedPayload {
  const p = decodeIkeMessage(bytes).payloads[0];
  assert.ok(p?.kind === 'sk');
  return p;
}

test('AES-GCM-16: the IV is a counter, the AAD is the header plus the SK payload header (RFC 5282 §5.1)', () => {
  const sealer = new IkeProtection(GCM, keys, true, fixedIv);
  const bytes = sealer.seal(header, payloads);
  const inner = encodeIkePayloads(payloads);
  // Independent computation with node:crypto: nonce = salt ‖ IV, plaintext = payloads ‖ Pad Length 0.
  const iv = fromHex('0000000000000001');
  const c = createCipheriv('aes-256-gcm', keys.skEi.subarray(0, 32), Buffer.concat([keys.skEi.subarray(32), iv]));
  const total = 28 + 4 + 8 + inner.length + 1 + 16;
  const aad = bytes.subarray(0, 32);
  c.setAAD(aad);
  const ct = Buffer.concat([c.update(Buffer.concat([inner, Uint8Array.of(0)])), c.final()]);
  assert.equal(bytes.length, total);
  assert.deepEqual(aad.subarray(16, 28), fromHex(`2e202308 00000001 ${total.toString(16).padStart(8, '0')}`));
  assert.deepEqual(aad.subarray(28), fromHex(`23 00 ${(total - 28).toString(16).padStart(4, '0')}`)); // next = IDi
  assert.deepEqual(bytes.subarray(32, 40), iv);
  assert.deepEqual(bytes.subarray(40, total - 16), new Uint8Array(ct));
  assert.deepEqual(bytes.subarray(total - 16), new Uint8Array(c.getAuthTag()));
  const opened = new IkeProtection(GCM, keys, false, fixedIv).open(bytes, sk(bytes));
  assert.ok(opened.ok);
  assert.deepEqual(opened.payloads, payloads);
});

test('AES-CBC + HMAC-SHA2-256-128: random IV, padded to the block, ICV over everything before it (§3.14)', () => {
  const bytes = new IkeProtection(CBC, cbcKeys, true, fixedIv).seal(header, payloads);
  const inner = encodeIkePayloads(payloads);
  const padded = Math.ceil((inner.length + 1) / 16) * 16;
  assert.equal(bytes.length, 28 + 4 + 16 + padded + 16);
  assert.deepEqual(bytes.subarray(32, 48), fixedIv(16));
  const icv = createHmac('sha256', cbcKeys.skAi)
    .update(bytes.subarray(0, bytes.length - 16))
    .digest()
    .subarray(0, 16);
  assert.deepEqual(bytes.subarray(bytes.length - 16), new Uint8Array(icv));
  const opened = new IkeProtection(CBC, cbcKeys, false, fixedIv).open(bytes, sk(bytes));
  assert.ok(opened.ok);
  assert.deepEqual(opened.payloads, payloads);
});

test('the original responder seals with SK_er/SK_ar and the initiator opens with them', () => {
  for (const [suite, k] of [
    [GCM, keys],
    [CBC, cbcKeys],
  ] as const) {
    const bytes = new IkeProtection(suite, k, false, fixedIv).seal({ ...header, response: true, initiator: false }, []);
    assert.ok(new IkeProtection(suite, k, true, fixedIv).open(bytes, sk(bytes)).ok);
    assert.deepEqual(new IkeProtection(suite, k, false, fixedIv).open(bytes, sk(bytes)), {
      ok: false,
      reason: 'integrity',
    });
  }
});

test('property: any single flipped bit is an integrity failure, never a throw or a decryption', () => {
  for (const [suite, k] of [
    [GCM, keys],
    [CBC, cbcKeys],
  ] as const) {
    const bytes = new IkeProtection(suite, k, true, fixedIv).seal(header, payloads);
    const opener = new IkeProtection(suite, k, false, fixedIv);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: bytes.length * 8 - 1 }), (bit) => {
        const bad = bytes.slice();
        bad[bit >> 3]! ^= 1 << (bit & 7);
        let parsed: EncryptedPayload;
        try {
          parsed = sk(bad);
        } catch {
          return; // the header or SK framing no longer decodes: the codec's WireError, handled before us
        }
        const r = opener.open(bad, parsed);
        assert.equal(r.ok, false);
      }),
    );
  }
});

test('authentic but undecodable plaintext is a syntax failure; a short SK payload is malformed', () => {
  // A 1-byte body announced as a Notify: integrity holds, the payload codec refuses it.
  const junk: IkePayload = { kind: 'unknown', type: PayloadType.NOTIFY, critical: false, data: Uint8Array.of(1) };
  const bytes = new IkeProtection(GCM, keys, true, fixedIv).seal(header, [junk]);
  const opener = new IkeProtection(GCM, keys, false, fixedIv);
  assert.deepEqual(opener.open(bytes, sk(bytes)), { ok: false, reason: 'syntax' });
  const skp = sk(bytes);
  assert.deepEqual(opener.open(bytes, { ...skp, data: skp.data.subarray(0, 10) }), { ok: false, reason: 'malformed' });
});

test('property: seal/open round-trips any payload list in both suites', () => {
  const payloadArb: fc.Arbitrary<IkePayload> = fc.oneof(
    fc.uint8Array({ maxLength: 300 }).map((data) => ({ kind: 'nonce', data }) as IkePayload),
    fc.uint8Array({ maxLength: 40 }).map((data) => ({ kind: 'eap', data }) as IkePayload),
    fc.integer({ min: 0, max: 0xffff }).map(
      (t) =>
        ({
          kind: 'notify',
          protocolId: 0,
          spi: new Uint8Array(0),
          notifyType: t,
          data: new Uint8Array(0),
        }) as IkePayload,
    ),
  );
  fc.assert(
    fc.property(fc.array(payloadArb, { maxLength: 5 }), fc.boolean(), (list, gcm) => {
      const [suite, k] = gcm ? [GCM, keys] : [CBC, cbcKeys];
      const bytes = new IkeProtection(suite, k, true, fixedIv).seal(header, list);
      const r = new IkeProtection(suite, k, false, fixedIv).open(bytes, sk(bytes));
      assert.ok(r.ok);
      assert.deepEqual(r.payloads, list);
    }),
  );
});

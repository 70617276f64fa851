import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { fromHex, toHex } from '../../util/hex.ts';
import { PayloadType } from './constants.ts';
import {
  encryptedDataOffsets,
  joinEncryptedData,
  padIkePlaintext,
  splitEncryptedData,
  stripIkePadding,
} from './encrypted.ts';
import { decodeIkeMessage, encodeIkeMessage } from './message.ts';
import { assertWireError, onlyWireError } from './test-support.ts';
import { IKE_SA_INIT_REQUEST } from './test-vectors.ts';

test('AES-CBC + HMAC-SHA2-256-128 layout: IV 16 | ciphertext | ICV 16', () => {
  const data = fromHex(`${'11'.repeat(16)}${'22'.repeat(32)}${'33'.repeat(16)}`);
  const parts = splitEncryptedData(data, { ivLength: 16, icvLength: 16, blockSize: 16 });
  assert.equal(toHex(parts.iv), '11'.repeat(16));
  assert.equal(toHex(parts.ciphertext), '22'.repeat(32));
  assert.equal(toHex(parts.icv), '33'.repeat(16));
  assert.equal(toHex(joinEncryptedData(parts)), toHex(data));
});

test('AES-GCM-16 layout (RFC 5282): IV 8 | ciphertext | ICV 16, no block alignment', () => {
  const parts = splitEncryptedData(new Uint8Array(8 + 5 + 16), { ivLength: 8, icvLength: 16 });
  assert.equal(parts.ciphertext.length, 5);
});

test('too-short or misaligned encrypted data is BAD_LENGTH', () => {
  assertWireError(() => splitEncryptedData(new Uint8Array(32), { ivLength: 16, icvLength: 16 }), 'BAD_LENGTH', 0);
  assertWireError(() => splitEncryptedData(new Uint8Array(10), { ivLength: 8, icvLength: 16 }), 'BAD_LENGTH', 0);
  assertWireError(
    () => splitEncryptedData(new Uint8Array(16 + 17 + 12), { ivLength: 16, icvLength: 12, blockSize: 16 }),
    'BAD_LENGTH',
    16,
  );
});

test('padding: minimal, block-aligned, and stripped back', () => {
  assert.equal(toHex(padIkePlaintext(fromHex('aabbcc'), 4)), 'aabbcc00');
  assert.equal(toHex(padIkePlaintext(fromHex('aabbccdd'), 4)), 'aabbccdd00000003');
  assert.equal(toHex(padIkePlaintext(fromHex('aa'), 1)), 'aa00');
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 100 }), fc.constantFrom(1, 8, 16), (payloads, blockSize) => {
      const padded = padIkePlaintext(payloads, blockSize);
      assert.equal(padded.length % blockSize, 0);
      assert.ok(padded.length - payloads.length <= blockSize);
      assert.equal(toHex(stripIkePadding(padded)), toHex(payloads));
    }),
  );
  // Any pad length that fits is accepted (RFC 7296 §3.14).
  assert.equal(toHex(stripIkePadding(fromHex('aa ffffffff 04'))), 'aa');
  assertWireError(() => stripIkePadding(fromHex('aa 02')), 'BAD_LENGTH', 1);
  assertWireError(() => stripIkePadding(new Uint8Array(0)), 'TRUNCATED', 0);
  fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), (b) => onlyWireError(() => stripIkePadding(b))));
});

test('SK and SKF data offsets within the encoded message (AAD = bytes before the data, RFC 5282 §5.1)', () => {
  const header = decodeIkeMessage(IKE_SA_INIT_REQUEST).header;
  const data = new Uint8Array(40).fill(7);
  const sk = { kind: 'sk', firstPayload: PayloadType.IDI, data } as const;
  const bytes = encodeIkeMessage({ header, payloads: [{ kind: 'nonce', data: new Uint8Array(16) }, sk] });
  const o = encryptedDataOffsets(bytes.length, sk);
  assert.deepEqual(o, { payloadStart: 28 + 20, dataStart: 28 + 20 + 4 });
  assert.equal(bytes[o.payloadStart], PayloadType.IDI);
  const skf = { kind: 'skf', firstPayload: 0, fragmentNumber: 2, totalFragments: 2, data } as const;
  const fragment = encodeIkeMessage({ header, payloads: [skf] });
  assert.deepEqual(encryptedDataOffsets(fragment.length, skf), { payloadStart: 28, dataStart: 36 });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { fromHex, toHex } from '../../util/hex.ts';
import { assertWireError, onlyWireError } from '../ike/test-support.ts';
import { EspNextHeader } from './constants.ts';
import {
  buildEspPlaintext,
  decodeEspPacket,
  encodeEspPacket,
  espPacketLength,
  parseEspPlaintext,
  splitEspPayload,
} from './esp.ts';

// The worked Binding Update of SPEC-NOTES §1.6 (40 bytes, checksum left 0) as the transport-mode payload.
const BU = fromHex('3b04050000000001d40003841d06800000000000010003102001 0db8000200000000000000000200');
const BU_PLAINTEXT_NULL = fromHex(`${toHex(BU)} 0102 02 87`);

test('ESP header vector: SPI, sequence and the protected remainder', () => {
  const bytes = fromHex(`00000100 00000001 ${toHex(BU_PLAINTEXT_NULL)}`);
  const p = decodeEspPacket(bytes);
  assert.equal(p.spi, 0x100);
  assert.equal(p.sequence, 1);
  assert.equal(toHex(p.payload), toHex(BU_PLAINTEXT_NULL));
  assert.equal(toHex(encodeEspPacket(p)), toHex(bytes));
  assert.equal(espPacketLength(p), bytes.length);
});

test('ESP header: SPI 0 is BAD_VALUE, fewer than 8 bytes TRUNCATED', () => {
  assertWireError(() => decodeEspPacket(fromHex('00000000 00000001 0000')), 'BAD_VALUE', 0);
  assertWireError(() => decodeEspPacket(fromHex('00000100 000000')), 'TRUNCATED', 4);
  assert.throws(() => encodeEspPacket({ spi: 0, sequence: 1, payload: new Uint8Array(0) }), RangeError);
});

test('trailer of a NULL-encrypted MH payload: default padding, pad length, next header 135', () => {
  const t = parseEspPlaintext(BU_PLAINTEXT_NULL);
  assert.equal(toHex(t.data), toHex(BU));
  assert.equal(toHex(t.padding), '0102');
  assert.equal(t.nextHeader, EspNextHeader.MOBILITY_HEADER);
  assert.ok(t.paddingMonotonic);
  assert.equal(toHex(buildEspPlaintext(BU, 135)), toHex(BU_PLAINTEXT_NULL));
});

test('non-default padding is reported, not rejected (RFC 4303 §2.4 SHOULD check)', () => {
  const t = parseEspPlaintext(fromHex('aabb 0000 02 29'));
  assert.equal(t.paddingMonotonic, false);
  assert.equal(toHex(t.data), 'aabb');
  assert.equal(parseEspPlaintext(fromHex('aabb 00 3b')).paddingMonotonic, true);
});

test('malformed trailers', () => {
  assertWireError(() => parseEspPlaintext(fromHex('87')), 'TRUNCATED', 0);
  assertWireError(() => parseEspPlaintext(fromHex('aa 02 87')), 'BAD_LENGTH', 1);
  fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), (b) => onlyWireError(() => parseEspPlaintext(b))));
});

test('buildEspPlaintext right-aligns to 4 bytes and to the block size; parse inverts it', () => {
  assert.equal(buildEspPlaintext(new Uint8Array(14), 41, 16).length, 16);
  assert.equal(buildEspPlaintext(new Uint8Array(15), 41, 16).length, 32);
  assert.equal(buildEspPlaintext(new Uint8Array(2), 41, 1).length, 4);
  assert.equal(buildEspPlaintext(new Uint8Array(3), 41, 8).length, 8);
  assert.equal(buildEspPlaintext(new Uint8Array(3), 41, 3).length, 12);
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 100 }),
      fc.integer({ min: 0, max: 255 }),
      fc.constantFrom(1, 4, 8, 16),
      (data, nh, bs) => {
        const pt = buildEspPlaintext(data, nh, bs);
        assert.equal(pt.length % Math.max(4, bs), 0);
        assert.ok(pt.length - data.length - 2 < Math.max(4, bs));
        const t = parseEspPlaintext(pt);
        assert.equal(toHex(t.data), toHex(data));
        assert.equal(t.nextHeader, nh);
        assert.ok(t.paddingMonotonic);
      },
    ),
  );
});

test('splitEspPayload: IV | ciphertext | ICV for AES-CBC + HMAC-SHA1-96 and NULL', () => {
  const payload = new Uint8Array(16 + 32 + 12).map((_, i) => i);
  const parts = splitEspPayload(payload, { ivLength: 16, icvLength: 12, blockSize: 16 });
  assert.equal(parts.iv[15], 15);
  assert.equal(parts.ciphertext.length, 32);
  assert.equal(parts.icv[0], 48);
  assert.equal(splitEspPayload(BU_PLAINTEXT_NULL, { ivLength: 0, icvLength: 0 }).ciphertext.length, 44);
  assertWireError(() => splitEspPayload(new Uint8Array(16 + 1 + 12), { ivLength: 16, icvLength: 12 }), 'BAD_LENGTH', 8);
  assertWireError(
    () => splitEspPayload(new Uint8Array(16 + 20 + 12), { ivLength: 16, icvLength: 12, blockSize: 16 }),
    'BAD_LENGTH',
    24,
  );
});

test('ESP packets round-trip and arbitrary bytes only raise WireError', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 0xffffffff }),
      fc.integer({ min: 0, max: 0xffffffff }),
      fc.uint8Array({ maxLength: 64 }),
      (spi, sequence, payload) => {
        const p = { spi, sequence, payload };
        assert.deepEqual(decodeEspPacket(encodeEspPacket(p)), p);
      },
    ),
  );
  fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), (b) => onlyWireError(() => decodeEspPacket(b))));
});

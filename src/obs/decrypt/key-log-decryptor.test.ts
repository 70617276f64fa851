import assert from 'node:assert/strict';
import { createCipheriv, createHmac } from 'node:crypto';
import { test } from 'node:test';
import { concatBytes, fromHex } from '../../util/hex.ts';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import type { Opened } from '../../wire/dissect/decryptor.ts';
import { buildEspPlaintext } from '../../wire/esp/esp.ts';
import { padIkePlaintext, stripIkePadding } from '../../wire/ike/encrypted.ts';
import { decodeIkeMessage, decodeIkePayloads, encodeIkePayloads } from '../../wire/ike/message.ts';
import type { EncryptedFragmentPayload, EncryptedPayload } from '../../wire/ike/payload.ts';
import { IpProtocol } from '../../wire/ip/constants.ts';
import { parseEspSaFile } from './esp-sa-table.ts';
import { parseIkev2DecryptionTable } from './ikev2-table.ts';
import { KeyLogDecryptor } from './key-log-decryptor.ts';
import { BU_MH, IKE_AUTH_HEADER, IKE_AUTH_PAYLOADS, sealedEsp, sealedIke } from './test-fixtures.ts';

function decryptor(espLines: string[], ikeLines: string[] = []): KeyLogDecryptor {
  return new KeyLogDecryptor(
    parseEspSaFile(espLines.join('\n'), 'esp_sa'),
    parseIkev2DecryptionTable(ikeLines.join('\n'), 'ike'),
  );
}

function encryptedOf(message: Uint8Array): EncryptedPayload | EncryptedFragmentPayload {
  const last = decodeIkeMessage(message).payloads.at(-1);
  assert.ok(last?.kind === 'sk' || last?.kind === 'skf');
  return last;
}

function openIke(d: KeyLogDecryptor, message: Uint8Array): Opened {
  return d.openIke(message, decodeIkeMessage(message).header, encryptedOf(message));
}

function plaintextOf(o: Opened): Uint8Array {
  assert.equal(o.kind, 'decrypted', JSON.stringify(o));
  return (o as Extract<Opened, { kind: 'decrypted' }>).plaintext;
}

const OUTER6 = {
  version: 6,
  source: Ipv6Address.parse('2001:db8::100'),
  destination: Ipv6Address.parse('2001:db8::1'),
} as const;

test("IKE: our engine's GCM and CBC+HMAC messages decrypt to the payloads sealed", () => {
  for (const suite of ['gcm256', 'cbc256-sha256'] as const) {
    const { message, keyLine } = sealedIke(suite);
    const o = openIke(decryptor([], [keyLine]), message);
    const payloads = decodeIkePayloads(encryptedOf(message).firstPayload, stripIkePadding(plaintextOf(o)));
    assert.deepEqual(payloads, IKE_AUTH_PAYLOADS, suite);
    assert.equal((o as { integrityChecked: boolean }).integrityChecked, true);
  }
});

test("IKE: the I flag picks SK_er for the responder's messages (RFC 7296 §2.14)", () => {
  const header = { ...IKE_AUTH_HEADER, response: true, initiator: false };
  for (const suite of ['gcm256', 'cbc256-sha256'] as const) {
    const { message, keyLine } = sealedIke(suite, header, IKE_AUTH_PAYLOADS.slice(0, 1));
    const o = openIke(decryptor([], [keyLine]), message);
    assert.deepEqual(decodeIkePayloads(35, stripIkePadding(plaintextOf(o))), IKE_AUTH_PAYLOADS.slice(0, 1));
    // The same bytes claiming to come from the initiator are checked with SK_ai/SK_ei and fail.
    const flipped = message.slice();
    flipped[19] = flipped[19]! | 0x08;
    assert.equal(openIke(decryptor([], [keyLine]), flipped).kind, 'integrity-failed', suite);
  }
});

test('IKE: a flipped bit in the header, the SK payload or the ICV fails the integrity check', () => {
  for (const suite of ['gcm256', 'cbc256-sha256'] as const) {
    const { message, keyLine } = sealedIke(suite);
    const d = decryptor([], [keyLine]);
    // Header bytes (AAD / HMAC input; the SPIs select the SA, Length would no longer decode), the SK payload's
    // header, IV, ciphertext and ICV.
    for (const at of [17, 19, 21, 28, 33, 40, message.length - 20, message.length - 1]) {
      const bad = message.slice();
      bad[at]! ^= at === 19 ? 0x20 : 0x01; // flags: flip R, keep I (which picks the keys)
      assert.deepEqual(
        openIke(d, bad),
        {
          kind: 'integrity-failed',
          encryption: suite === 'gcm256' ? 'AES-GCM-256 with 16 octet ICV [RFC5282]' : 'AES-CBC-256 [RFC3602]',
          integrity: suite === 'gcm256' ? 'GCM tag (16 octets)' : 'HMAC_SHA2_256_128 [RFC4868]',
        },
        `${suite} byte ${at}`,
      );
    }
  }
});

test('IKE: no key, an unsupported algorithm, and SK data too short for IV and ICV', () => {
  const { message } = sealedIke('gcm256');
  assert.deepEqual(openIke(decryptor([]), message), {
    kind: 'no-key',
    detail: 'no ikev2_decryption_table line for SPIs 0102030405060708/1112131415161718',
  });
  const spis = '0102030405060708,1112131415161718';
  const ccm = decryptor(
    [],
    [`${spis},${'00'.repeat(19)},${'00'.repeat(19)},"AES-CCM-128 with 16 octet ICV [RFC5282]",,,"NONE [RFC4306]"`],
  );
  assert.deepEqual(openIke(ccm, message), {
    kind: 'unsupported',
    algorithm: 'AES-CCM-128 with 16 octet ICV [RFC5282]',
  });
  const md5 = decryptor(
    [],
    [
      `${spis},${'00'.repeat(16)},${'00'.repeat(16)},"AES-CBC-128 [RFC3602]",,,"ANY 64-bits of Authentication [No Checking]"`,
    ],
  );
  // 8 (IV of GCM) + 16 + ICV: as CBC the ciphertext is not whole blocks; as a wrong-length IV it is malformed.
  const o = openIke(md5, message);
  assert.equal(o.kind, 'malformed');
  assert.equal((o as { error: { code: string } }).error.code, 'BAD_LENGTH');
  // The error offset is within the message: at the ciphertext, after the 28-byte header, 4-byte SK header and IV.
  assert.equal((o as { error: { offset: number } }).error.offset, 28 + 4 + 16);
});

test('IKE SKF (RFC 7383 §2.5): GCM with the fragment header in the associated data; NULL cipher', () => {
  const inner = padIkePlaintext(encodeIkePayloads(IKE_AUTH_PAYLOADS), 1);
  const header = fromHex('0102030405060708 1112131415161718 35 20 23 08 00000002');
  const key = fromHex(`${'33'.repeat(16)}a1a2a3a4`);
  const iv = fromHex('0000000000000009');
  const skfHeader = (bodyLength: number) =>
    fromHex(`23 00 ${(8 + bodyLength).toString(16).padStart(4, '0')} 0001 0002`);
  const total = 28 + 8 + 8 + inner.length + 16;
  const head = concatBytes([header, fromHex(total.toString(16).padStart(8, '0')), skfHeader(8 + inner.length + 16)]);
  const c = createCipheriv('aes-128-gcm', key.subarray(0, 16), concatBytes([key.subarray(16), iv]), {
    authTagLength: 16,
  });
  c.setAAD(head);
  const sealed = concatBytes([c.update(inner), c.final(), c.getAuthTag()]);
  const message = concatBytes([head, iv, sealed]);
  const keyLine = `0102030405060708,1112131415161718,${'33'.repeat(16)}a1a2a3a4,${'44'.repeat(20)},"AES-GCM-128 with 16 octet ICV [RFC5282]",,,"NONE [RFC4306]"`;
  const skf = encryptedOf(message);
  assert.equal(skf.kind, 'skf');
  assert.deepEqual(plaintextOf(openIke(decryptor([], [keyLine]), message)), inner);
  const tampered = message.slice();
  tampered[28 + 5]! ^= 1; // Fragment Number: in the AAD
  assert.equal(openIke(decryptor([], [keyLine]), tampered).kind, 'integrity-failed');
});

test("ESP: our engine's GCM and CBC+HMAC packets decrypt; plaintext = data ‖ padding ‖ Pad Length ‖ Next Header", () => {
  for (const suite of ['gcm128', 'cbc128-sha256', 'cbc256-sha1'] as const) {
    const { packet, keyLine } = sealedEsp(suite, IpProtocol.MH, BU_MH);
    const o = decryptor([keyLine]).openEsp(packet, OUTER6);
    const plain = plaintextOf(o);
    assert.deepEqual(plain.subarray(0, BU_MH.length), BU_MH, suite);
    assert.equal(plain.at(-1), IpProtocol.MH);
    const bad = packet.slice();
    bad[9]! ^= 0x80;
    assert.equal(decryptor([keyLine]).openEsp(bad, OUTER6).kind, 'integrity-failed', suite);
  }
});

test('ESP: lookup by family and addresses as Wireshark does; bare packets by SPI; no key names the packet', () => {
  const { packet, keyLine } = sealedEsp('gcm128', IpProtocol.MH, BU_MH);
  const v4 = {
    version: 4,
    source: Ipv4Address.parse('192.0.2.1'),
    destination: Ipv4Address.parse('192.0.2.2'),
  } as const;
  assert.deepEqual(decryptor([keyLine]).openEsp(packet, v4), {
    kind: 'no-key',
    detail: 'no esp_sa line for SPI 0xc0ffee01 from 192.0.2.1 to 192.0.2.2 (IPv4)',
  });
  assert.equal(decryptor([keyLine]).openEsp(packet, undefined).kind, 'decrypted');
  const pinned = keyLine.replace('"*","*"', '"2001:db8::100","2001:db8::/64"');
  assert.equal(decryptor([pinned]).openEsp(packet, OUTER6).kind, 'decrypted');
  assert.equal(
    decryptor([pinned]).openEsp(packet, { ...OUTER6, destination: Ipv6Address.parse('2001:db9::1') }).kind,
    'no-key',
  );
  assert.equal(decryptor([keyLine]).openEsp(packet.subarray(0, 7), OUTER6).kind, 'malformed');
});

/** ESP by hand per RFC 4303 §2 for the algorithms our engine does not offer. */
function handEsp(o: {
  cipher: 'null' | 'aes-256-cbc' | 'aes-128-gcm';
  key: Uint8Array;
  tag?: number;
  hash?: string;
  integKey?: Uint8Array;
  icv?: number;
}): Uint8Array {
  const header = fromHex('0000abcd00000001');
  const block = o.cipher === 'aes-256-cbc' ? 16 : 4;
  const plain = buildEspPlaintext(BU_MH, IpProtocol.MH, block);
  if (o.cipher === 'aes-128-gcm') {
    const iv = fromHex('0000000000000001');
    const c = createCipheriv('aes-128-gcm', o.key.subarray(0, 16), concatBytes([o.key.subarray(16), iv]), {
      authTagLength: o.tag!,
    });
    c.setAAD(header);
    return concatBytes([header, iv, c.update(plain), c.final(), c.getAuthTag()]);
  }
  const iv = o.cipher === 'null' ? new Uint8Array(0) : new Uint8Array(16).fill(7);
  const body =
    o.cipher === 'null'
      ? plain
      : (() => {
          const c = createCipheriv('aes-256-cbc', o.key, iv).setAutoPadding(false);
          return concatBytes([c.update(plain), c.final()]);
        })();
  const covered = concatBytes([header, iv, body]);
  const icv = o.hash
    ? createHmac(o.hash, o.integKey!).update(covered).digest().subarray(0, o.icv!)
    : new Uint8Array(o.icv ?? 0).fill(0xee);
  return concatBytes([covered, icv]);
}

test('ESP: NULL, GCM-8/12, HMAC-SHA-384/512/MD5 and "no checking" entries', () => {
  const k16s = fromHex(`${'21'.repeat(16)}01020304`);
  const k32 = fromHex('42'.repeat(32));
  const ik = fromHex('17'.repeat(64));
  const line = (encr: string, key: string, auth: string, authKey = '') =>
    `"IPv6","*","*","0x0000abcd","${encr}","${key}","${auth}","${authKey}"`;
  const cases: [string, Uint8Array, boolean][] = [
    [line('NULL', '', 'NULL'), handEsp({ cipher: 'null', key: new Uint8Array(0) }), false],
    [
      line('NULL', '', 'HMAC-SHA-256-128 [RFC4868]', `0x${'17'.repeat(32)}`),
      handEsp({ cipher: 'null', key: new Uint8Array(0), hash: 'sha256', integKey: ik.subarray(0, 32), icv: 16 }),
      true,
    ],
    [
      line('AES-GCM with 8 octet ICV [RFC4106]', `0x${'21'.repeat(16)}01020304`, 'NULL'),
      handEsp({ cipher: 'aes-128-gcm', key: k16s, tag: 8 }),
      true,
    ],
    [
      line('AES-GCM with 12 octet ICV [RFC4106]', `0x${'21'.repeat(16)}01020304`, 'NULL'),
      handEsp({ cipher: 'aes-128-gcm', key: k16s, tag: 12 }),
      true,
    ],
    [
      line('AES-CBC [RFC3602]', `0x${'42'.repeat(32)}`, 'HMAC-SHA-384-192 [RFC4868]', `0x${'17'.repeat(48)}`),
      handEsp({ cipher: 'aes-256-cbc', key: k32, hash: 'sha384', integKey: ik.subarray(0, 48), icv: 24 }),
      true,
    ],
    [
      line('AES-CBC [RFC3602]', `0x${'42'.repeat(32)}`, 'HMAC-SHA-512-256 [RFC4868]', `0x${'17'.repeat(64)}`),
      handEsp({ cipher: 'aes-256-cbc', key: k32, hash: 'sha512', integKey: ik, icv: 32 }),
      true,
    ],
    [
      line('AES-CBC [RFC3602]', `0x${'42'.repeat(32)}`, 'HMAC-MD5-96 [RFC2403]', `0x${'17'.repeat(16)}`),
      handEsp({ cipher: 'aes-256-cbc', key: k32, hash: 'md5', integKey: ik.subarray(0, 16), icv: 12 }),
      true,
    ],
    [
      line('AES-CBC [RFC3602]', `0x${'42'.repeat(32)}`, 'ANY 96 bit authentication [no checking]'),
      handEsp({ cipher: 'aes-256-cbc', key: k32, icv: 12 }),
      false,
    ],
  ];
  for (const [keyLine, packet, checked] of cases) {
    const o = decryptor([keyLine]).openEsp(packet, OUTER6);
    assert.deepEqual(plaintextOf(o).subarray(0, BU_MH.length), BU_MH, keyLine);
    assert.equal((o as { integrityChecked: boolean }).integrityChecked, checked, keyLine);
  }
  const unsupported = decryptor([line('AES-CTR [RFC3686]', '0x00', 'NULL')]).openEsp(cases[0]![1], OUTER6);
  assert.deepEqual(unsupported, { kind: 'unsupported', algorithm: 'AES-CTR [RFC3686]' });
  const ripemd = decryptor([line('NULL', '', 'MAC-RIPEMD-160-96 [RFC2857]')]).openEsp(cases[0]![1], OUTER6);
  assert.deepEqual(ripemd, { kind: 'unsupported', algorithm: 'MAC-RIPEMD-160-96 [RFC2857]' });
  // CBC whose ciphertext is not whole blocks: malformed, offset at the ciphertext (8 header + 16 IV).
  const short = decryptor([cases[4]![0]]).openEsp(cases[4]![1].subarray(0, cases[4]![1].length - 1), OUTER6);
  assert.equal(short.kind, 'malformed');
  assert.deepEqual(
    [
      (short as { error: { code: string; offset: number } }).error.code,
      (short as { error: { offset: number } }).error.offset,
    ],
    ['BAD_LENGTH', 24],
  );
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { fromHex, toHex } from '../../../src/util/hex.ts';
import {
  ikev2DecryptionTableFromLog,
  ikev2DecryptionTableLine,
  parseIkeKeysFromLog,
  wiresharkIkeAlgorithms,
} from './keys-from-log.ts';

// An excerpt of a real HA log (ike = 4, ike_name = yes): IKE_SA_INIT's natd_chunk dumps (the first with SPIr = 0),
// the Sk_* dumps in another thread, plus noise: a SKEYSEED dump cut short, stray dump rows, other groups.
const FIXTURE_PATH = new URL('./fixtures/charon-ha-ike4.log', import.meta.url).pathname;
const FIXTURE = readFileSync(FIXTURE_PATH, 'utf8');

const EXPECTED_LINE =
  '8f13c64c34ec49df,7a244bf481e73f65,86594b334de2f05c62ec8deb98974424,4476acb64fbc2cfa36bef2909ba14c9e,' +
  '"AES-CBC-128 [RFC3602]",' +
  '58f0d1b1b6f3cfd9ad64334492e50f62829ab5880d44aaf4cef7244528e4d43f,' +
  '3d8f4a5ca1735cbdb3cb94dfb82c2885d5cec96b9684919ea9aac3e9b8fc3be3,' +
  '"HMAC_SHA2_256_128 [RFC4868]"';

/** Formats a dump the way charon does: header, then `%4d: ` rows of 16 `%02X ` bytes padded to 48, ASCII. */
function dump(thread: number, sa: string, label: string, bytes: Uint8Array): string[] {
  const prefix = `12:00:00 ${String(thread).padStart(2, '0')}[IKE] ${sa === '' ? '' : `<${sa}> `}`;
  const lines = [`${prefix}${label} => ${bytes.length} bytes @ 0x7f0000001000`];
  for (let at = 0; at < bytes.length; at += 16) {
    const row = bytes.subarray(at, at + 16);
    const hex = Array.from(row, (b) => `${b.toString(16).toUpperCase().padStart(2, '0')} `).join('');
    lines.push(`${prefix}${String(at).padStart(4)}: ${hex.padEnd(48)} ${'.'.repeat(row.length)}`);
  }
  return lines;
}

const bytesOf = (n: number, fill: number): Uint8Array => new Uint8Array(n).fill(fill);

/** The Sk_* dumps of one derivation, in charon's order (no Sk_ai / Sk_ar with an AEAD cipher). */
function keyLog(thread: number, sa: string, fill: number, aead: boolean): string[] {
  const eLen = aead ? 36 : 16; // AES-256 key + 4-byte salt for GCM (RFC 5282 §7.1)
  return [
    ...dump(thread, sa, 'Sk_d secret', bytesOf(32, fill)),
    ...(aead ? [] : dump(thread, sa, 'Sk_ai secret', bytesOf(32, fill + 1))),
    ...(aead ? [] : dump(thread, sa, 'Sk_ar secret', bytesOf(32, fill + 2))),
    ...dump(thread, sa, 'Sk_ei secret', bytesOf(eLen, fill + 3)),
    ...dump(thread, sa, 'Sk_er secret', bytesOf(eLen, fill + 4)),
    ...dump(thread, sa, 'Sk_pi secret', bytesOf(32, fill + 5)),
    ...dump(thread, sa, 'Sk_pr secret', bytesOf(32, fill + 6)),
  ];
}

/** One IKE_SA's log lines: proposal, natd_chunk with the SPIs, and its keys. */
function saLog(o: {
  thread: number;
  sa: string;
  spiI: string;
  spiR: string;
  proposal: string;
  fill: number;
}): string[] {
  return [
    `12:00:00 0${o.thread}[CFG] ${o.sa === '' ? '' : `<${o.sa}> `}selected proposal: ${o.proposal}`,
    ...dump(o.thread, o.sa, 'natd_chunk', fromHex(`${o.spiI}${o.spiR}7f000001c059`)),
    ...keyLog(o.thread, o.sa, o.fill, /GCM|CCM/.test(o.proposal)),
  ];
}

test('the captured HA log excerpt gives one key set and the exact ikev2_decryption_table line', () => {
  const [k, ...rest] = parseIkeKeysFromLog(FIXTURE);
  assert.equal(rest.length, 0);
  assert.ok(k);
  assert.equal(k.ikeSaId, '1');
  assert.equal(k.proposal, 'IKE:AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/CURVE_25519');
  assert.equal(toHex(k.keys.Sk_d), 'd15f70a42256ecfc983d357d64d685ad' + '342d475cc11921366056a5053d2cfa34');
  assert.equal(toHex(k.keys.Sk_pr), '553e9cfba20180cee572f28753195358' + '08006a0f9f6d043572cf39f703d5c141');
  assert.equal(ikev2DecryptionTableLine(k), EXPECTED_LINE);
  assert.equal(ikev2DecryptionTableFromLog(FIXTURE), `${EXPECTED_LINE}\n`);
});

test('a log without ike_name still pairs the SPIs and proposal with the keys that follow them', () => {
  const plain = FIXTURE.replace(/<(?:[^|>]*\|)?\d+> /g, '');
  const [k] = parseIkeKeysFromLog(plain);
  assert.equal(k?.ikeSaId, undefined);
  assert.equal(ikev2DecryptionTableFromLog(plain), `${EXPECTED_LINE}\n`);
});

test('interleaved IKE_SAs are told apart by their unique id; AEAD keys come without Sk_a and integrity NONE', () => {
  const a = saLog({
    thread: 5,
    sa: 'ha|1',
    spiI: '1111111111111111',
    spiR: '2222222222222222',
    proposal: 'IKE:AES_GCM_16_256/PRF_HMAC_SHA2_256/ECP_256',
    fill: 0x10,
  });
  const b = saLog({
    thread: 6,
    sa: 'ha|2',
    spiI: '3333333333333333',
    spiR: '4444444444444444',
    proposal: 'IKE:AES_CBC_256/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_2048',
    fill: 0x20,
  });
  const lines: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) lines.push(...(a[i] ? [a[i]!] : []), ...(b[i] ? [b[i]!] : []));
  const keys = parseIkeKeysFromLog(lines.join('\n'));
  assert.deepEqual(
    keys.map((k) => k.ikeSaId),
    ['1', '2'],
  );
  const [gcm, cbc] = keys;
  assert.equal(gcm?.keys.Sk_ai.length, 0);
  assert.equal(toHex(gcm!.keys.Sk_ei), '13'.repeat(36));
  assert.equal(
    ikev2DecryptionTableLine(gcm!),
    `1111111111111111,2222222222222222,${'13'.repeat(36)},${'14'.repeat(36)},"AES-GCM-256 with 16 octet ICV [RFC5282]",,,"NONE [RFC4306]"`,
  );
  assert.equal(
    ikev2DecryptionTableLine(cbc!),
    `3333333333333333,4444444444444444,${'23'.repeat(16)},${'24'.repeat(16)},"AES-CBC-256 [RFC3602]",${'21'.repeat(32)},${'22'.repeat(32)},"HMAC_SHA1_96 [RFC2404]"`,
  );
});

test('a second derivation in one context (IKE rekey) is its own key set, without SPIs until given', () => {
  const first = saLog({
    thread: 5,
    sa: 'ue|1',
    spiI: '1111111111111111',
    spiR: '2222222222222222',
    proposal: 'IKE:AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/CURVE_25519',
    fill: 0x10,
  });
  const text = [...first, ...keyLog(7, 'ue|1', 0x30, false)].join('\n');
  const [k1, k2, ...rest] = parseIkeKeysFromLog(text);
  assert.equal(rest.length, 0);
  assert.equal(toHex(k1!.initiatorSpi!), '1111111111111111');
  assert.equal(k2?.initiatorSpi, undefined);
  assert.equal(toHex(k2!.keys.Sk_d), '30'.repeat(32));
  assert.equal(ikev2DecryptionTableFromLog(text).split('\n').length, 2); // one line and the final newline
  assert.throws(() => ikev2DecryptionTableLine(k2!), RangeError);
  const line = ikev2DecryptionTableLine(k2!, {
    initiatorSpi: fromHex('5555555555555555'),
    responderSpi: fromHex('6666666666666666'),
  });
  assert.ok(line.startsWith(`5555555555555555,6666666666666666,${'33'.repeat(16)},`));
});

test('incomplete dumps are ignored rather than guessed', () => {
  const lines = FIXTURE.split('\n');
  const cut = lines.filter((l) => !l.includes('<1>   16: 08 00 6A 0F')); // Sk_pr loses its second row
  assert.deepEqual(parseIkeKeysFromLog(cut.join('\n')), []);
  assert.equal(ikev2DecryptionTableFromLog(''), '');
});

test('charon proposal names map to Wireshark 4.0 UAT names; unknown algorithms are a RangeError', () => {
  const cases: [string, string, string][] = [
    [
      'IKE:AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048',
      'AES-CBC-128 [RFC3602]',
      'HMAC_SHA2_256_128 [RFC4868]',
    ],
    [
      'IKE:AES_CBC_256/HMAC_SHA2_512_256/PRF_HMAC_SHA2_512/ECP_521',
      'AES-CBC-256 [RFC3602]',
      'HMAC_SHA2_512_256 [RFC4868]',
    ],
    [
      'IKE:AES_CTR_192/HMAC_SHA2_384_192/PRF_HMAC_SHA2_384/CURVE_25519',
      'AES-CTR-192 [RFC5930]',
      'HMAC_SHA2_384_192 [RFC4868]',
    ],
    ['IKE:AES_GCM_16_128/PRF_HMAC_SHA2_256/ECP_256', 'AES-GCM-128 with 16 octet ICV [RFC5282]', 'NONE [RFC4306]'],
    ['IKE:AES_CCM_8_256/PRF_HMAC_SHA2_256/ECP_256', 'AES-CCM-256 with 8 octet ICV [RFC5282]', 'NONE [RFC4306]'],
    ['IKE:3DES_CBC/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1024', '3DES [RFC2451]', 'HMAC_SHA1_96 [RFC2404]'],
  ];
  for (const [proposal, encryption, integrity] of cases) {
    assert.deepEqual(wiresharkIkeAlgorithms(proposal), { encryption, integrity }, proposal);
  }
  assert.throws(
    () => wiresharkIkeAlgorithms('IKE:CAMELLIA_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048'),
    RangeError,
  );
  assert.throws(() => wiresharkIkeAlgorithms('IKE:AES_CBC_128/AES_XCBC_96/PRF_AES128_XCBC/MODP_2048'), RangeError);
});

test('any text, including mangled log lines, parses without throwing', () => {
  const lines = FIXTURE.split('\n');
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.constantFrom(...lines), fc.string(), fc.constant('12:00:00 07[IKE] <1>    0: ZZ'))),
      (picked) => {
        for (const k of parseIkeKeysFromLog(picked.join('\n'))) {
          assert.ok(k.keys.Sk_d.length > 0 && k.keys.Sk_pr.length > 0);
        }
      },
    ),
    { numRuns: 300 },
  );
});

test('the command line prints the table for a log file', () => {
  const script = new URL('./keys-from-log.ts', import.meta.url).pathname;
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, FIXTURE_PATH], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, `${EXPECTED_LINE}\n`);
});

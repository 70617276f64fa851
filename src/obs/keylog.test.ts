import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ENCR_ID, INTEG_ID } from '../crypto/transforms.ts';
import type { EspSaParams } from '../ipsec/sa-params.ts';
import { fromHex } from '../util/hex.ts';
import { Ipv4Address, Ipv6Address } from '../util/ip-address.ts';
import {
  espAuthenticationName,
  espEncryptionName,
  formatEspSaLine,
  formatIkev2DecryptionLine,
  ikeEncryptionName,
  ikeIntegrityName,
  KeyLogWriter,
} from './keylog.ts';
import { FullDisk } from './test-sinks.ts';

// The lines of /work/shared/peers/wireshark/*.example, which tshark 4.0 was shown to use.
const ESP_SA_EXAMPLE =
  '"IPv6","2001:db8:1:2::100","2001:db8:0:1::1","0x11223344","AES-CBC [RFC3602]","0x00112233445566778899aabbccddeeff",' +
  '"HMAC-SHA-256-128 [RFC4868]","0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20"';
const IKEV2_EXAMPLE =
  '819f58af3599aaf4,3b2c5d4ec227a151,19a5c3037e22b7255eaf8a41a9a8533a,c2f26a2db3304afdb5303c8e8e77884d,' +
  '"AES-CBC-128 [RFC3602]",047c4bbcc732e9bf5d9bee3b07d0070d4d8bd52fa30c1bc3906c304ff5dd5bf7,' +
  'f0e90da32eee8ace6df189605940c93dce7d279672fed3798543fdf762809a3d,"HMAC_SHA2_256_128 [RFC4868]"';

const BU_SA: EspSaParams = {
  spi: 0x11223344,
  direction: 'outbound',
  mode: 'transport',
  encr: { id: ENCR_ID.AES_CBC, keyLengthBits: 128 },
  integ: INTEG_ID.HMAC_SHA2_256_128,
  encrKey: fromHex('00112233445566778899aabbccddeeff'),
  integKey: Uint8Array.from({ length: 32 }, (_, i) => i + 1),
  localAddress: Ipv6Address.parse('2001:db8:1:2::100'),
  remoteAddress: Ipv6Address.parse('2001:db8:0:1::1'),
};

test('esp_sa line reproduces the example file, addresses in packet direction', () => {
  assert.equal(formatEspSaLine(BU_SA, { addresses: true }), ESP_SA_EXAMPLE);
  const inbound = formatEspSaLine({ ...BU_SA, direction: 'inbound' }, { addresses: true });
  assert.ok(inbound.startsWith('"IPv6","2001:db8:0:1::1","2001:db8:1:2::100",'));
  assert.ok(formatEspSaLine(BU_SA).startsWith('"IPv6","*","*","0x11223344",'), 'wildcards by default');
});

test('esp_sa GCM line: key with salt, authentication NULL, family from the caller', () => {
  const gcm: EspSaParams = {
    spi: 0xc0ffee01,
    direction: 'inbound',
    mode: 'tunnel',
    encr: { id: ENCR_ID.AES_GCM_16, keyLengthBits: 128 },
    encrKey: fromHex('000102030405060708090a0b0c0d0e0f cafebabe'),
  };
  assert.equal(
    formatEspSaLine(gcm, { family: 4 }),
    '"IPv4","*","*","0xc0ffee01","AES-GCM with 16 octet ICV [RFC4106]","0x000102030405060708090a0b0c0d0e0fcafebabe","NULL",""',
  );
  assert.throws(() => formatEspSaLine(gcm), RangeError);
  const v4 = formatEspSaLine({ ...gcm, localAddress: Ipv4Address.parse('192.0.2.1') }, { addresses: true });
  assert.ok(v4.startsWith('"IPv4","*","192.0.2.1",'));
});

test('ikev2_decryption_table line reproduces the example file; GCM takes NONE', () => {
  const line = formatIkev2DecryptionLine({
    initiatorSpi: fromHex('819f58af3599aaf4'),
    responderSpi: fromHex('3b2c5d4ec227a151'),
    encr: { id: ENCR_ID.AES_CBC, keyLengthBits: 128 },
    integ: INTEG_ID.HMAC_SHA2_256_128,
    skEi: fromHex('19a5c3037e22b7255eaf8a41a9a8533a'),
    skEr: fromHex('c2f26a2db3304afdb5303c8e8e77884d'),
    skAi: fromHex('047c4bbcc732e9bf5d9bee3b07d0070d4d8bd52fa30c1bc3906c304ff5dd5bf7'),
    skAr: fromHex('f0e90da32eee8ace6df189605940c93dce7d279672fed3798543fdf762809a3d'),
  });
  assert.equal(line, IKEV2_EXAMPLE);
  const gcm = formatIkev2DecryptionLine({
    initiatorSpi: fromHex('0102030405060708'),
    responderSpi: fromHex('1112131415161718'),
    encr: { id: ENCR_ID.AES_GCM_16, keyLengthBits: 256 },
    skEi: new Uint8Array(36).fill(0xaa),
    skEr: new Uint8Array(36).fill(0xbb),
  });
  assert.equal(
    gcm,
    `0102030405060708,1112131415161718,${'aa'.repeat(36)},${'bb'.repeat(36)},"AES-GCM-256 with 16 octet ICV [RFC5282]",,,"NONE [RFC4306]"`,
  );
  assert.throws(
    () =>
      formatIkev2DecryptionLine({
        initiatorSpi: new Uint8Array(4),
        responderSpi: new Uint8Array(8),
        encr: { id: 12, keyLengthBits: 128 },
        skEi: new Uint8Array(16),
        skEr: new Uint8Array(16),
      }),
    RangeError,
  );
});

test('Wireshark algorithm names (packet-ipsec.c, packet-isakmp.c)', () => {
  assert.equal(espEncryptionName({ id: 12, keyLengthBits: 256 }), 'AES-CBC [RFC3602]');
  assert.equal(espAuthenticationName(2), 'HMAC-SHA-1-96 [RFC2404]');
  assert.equal(espAuthenticationName(undefined), 'NULL');
  assert.equal(ikeEncryptionName({ id: 12, keyLengthBits: 256 }), 'AES-CBC-256 [RFC3602]');
  assert.equal(ikeEncryptionName({ id: 20, keyLengthBits: 128 }), 'AES-GCM-128 with 16 octet ICV [RFC5282]');
  assert.equal(ikeIntegrityName(2), 'HMAC_SHA1_96 [RFC2404]');
  assert.equal(ikeIntegrityName(0), 'NONE [RFC4306]');
  assert.throws(() => espEncryptionName({ id: 3, keyLengthBits: 192 }), RangeError);
  assert.throws(() => espAuthenticationName(5), RangeError);
  assert.throws(() => ikeEncryptionName({ id: 12, keyLengthBits: 64 }), RangeError);
  assert.throws(() => ikeIntegrityName(14), RangeError);
});

test('KeyLogWriter appends lines and adds the ESP preferences once, keeping other preferences', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dsmip-keylog-'));
  try {
    writeFileSync(join(dir, 'preferences'), 'gui.column.format: "No.", "%m"');
    new KeyLogWriter(dir).logEspSa(BU_SA, { addresses: true });
    const again = new KeyLogWriter(dir, { family: 6 });
    again.logEspSa({ ...BU_SA, spi: 2, localAddress: undefined, remoteAddress: undefined });
    again.logIkeSa({
      initiatorSpi: new Uint8Array(8).fill(1),
      responderSpi: new Uint8Array(8).fill(2),
      encr: { id: 20, keyLengthBits: 128 },
      skEi: new Uint8Array(20),
      skEr: new Uint8Array(20),
    });
    assert.equal(
      readFileSync(join(dir, 'preferences'), 'utf8'),
      'gui.column.format: "No.", "%m"\nesp.enable_encryption_decode: TRUE\nesp.enable_authentication_check: TRUE\n',
    );
    const esp = readFileSync(join(dir, 'esp_sa'), 'utf8').split('\n');
    assert.equal(esp[0], ESP_SA_EXAMPLE);
    assert.ok(esp[1]!.startsWith('"IPv6","*","*","0x00000002",'));
    assert.equal(esp[2], '');
    assert.equal(readFileSync(join(dir, 'ikev2_decryption_table'), 'utf8').split('\n').length, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('key log files are created 0600 and the directory 0700 when the writer creates it', () => {
  const parent = mkdtempSync(join(tmpdir(), 'dsmip-keylog-'));
  try {
    const dir = join(parent, 'keys');
    const w = new KeyLogWriter(dir);
    w.logEspSa(BU_SA);
    w.logIkeSa({
      initiatorSpi: new Uint8Array(8).fill(1),
      responderSpi: new Uint8Array(8).fill(2),
      encr: { id: 20, keyLengthBits: 128 },
      skEi: new Uint8Array(20),
      skEr: new Uint8Array(20),
    });
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    for (const f of ['esp_sa', 'ikev2_decryption_table', 'preferences']) {
      assert.equal(statSync(join(dir, f)).mode & 0o777, 0o600, f);
    }
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
});

test('a full disk stops the key log without throwing; whole lines only; it resumes after the back-off', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dsmip-keylog-'));
  try {
    const line = `${formatEspSaLine(BU_SA)}\n`.length;
    const disk = new FullDisk(line + 10);
    let now = 0;
    const failures: Error[] = [];
    const w = new KeyLogWriter(
      dir,
      {},
      {
        openSink: disk.open,
        guard: { nowMs: () => now, retryAfterMs: 500, onFailure: (e) => failures.push(e) },
      },
    );
    w.logEspSa(BU_SA);
    w.logEspSa(BU_SA); // ENOSPC half-way
    w.logEspSa(BU_SA); // not attempted
    assert.equal(failures.length, 1);
    assert.deepEqual([w.health.failures, w.health.dropped, w.health.suspended], [1, 2, true]);
    const file = join(dir, 'esp_sa');
    assert.equal(new TextDecoder().decode(disk.files.get(file)), `${formatEspSaLine(BU_SA)}\n`);
    now = 500;
    disk.capacity += line;
    w.logEspSa(BU_SA);
    assert.equal(w.health.suspended, false);
    assert.equal(new TextDecoder().decode(disk.files.get(file)).split('\n').length, 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

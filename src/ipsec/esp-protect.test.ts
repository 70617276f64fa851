import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { CryptoError } from '../crypto/errors.ts';
import { fromHex, toHex } from '../util/hex.ts';
import { EspNextHeader } from '../wire/esp/constants.ts';
import { openEsp, sealEsp } from './esp-protect.ts';
import { EspSad } from './sad.ts';
import { BU, countingRandom, fixedRandom, SUITES, saPair, saParams } from './test-support.ts';

// Vectors from scapy 2.5's SecurityAssociation (an independent implementation): the BU above sealed in
// transport mode, SPI 0x11223344, with the IV given and the keys of test-support.ts.
const SCAPY_CBC128_SHA256_SEQ1 = fromHex(
  '1122334400000001000102030405060708090a0b0c0d0e0fa463cee3d89cb690370f63fef5d70e11578b6fe9750cd73242c0ea92d5c60d31' +
    '0010f1ab752368cfe51034aac2812b95b7c732cb283f15e30ba810a15a82bf7d',
);
const SCAPY_CBC256_SHA1_SEQ7 = fromHex(
  '1122334400000007101112131415161718191a1b1c1d1e1f82baf517dced3a14137689f16d01a1585e394728be21942307a3d37581ca9400' +
    'd88794d094f6174704e83a6f6cebd96fd63ed5d1735f91a1c28103d4',
);
const SCAPY_GCM128_SEQ1 = fromHex(
  '1122334400000001000000000000000105228df4575d83cac9ac2fa3f1b344f9432045575a0d580f68be7f7593104365c93b2c76487d63f9' +
    '6714281224b1a18165a02539cc2f1f42858faee6',
);
/** ESN: high half 1, low half 5, IV = the 64-bit counter; AAD = SPI ‖ ESN high ‖ ESN low (RFC 4106 §5). */
const SCAPY_GCM128_ESN_1_5 = fromHex(
  '1122334400000005000000010000000569aa22b4dd8b7bf3e4da7c3f3adf28a79f3a2449f04c54d5a4de3b567b4eaba19380c252b110ba39' +
    '4d06180e3b50973d09ba1c42396026ee8846d78e',
);

test('sealing the BU reproduces scapy byte for byte (CBC + HMAC with the same IV, GCM with the counter IV)', () => {
  const cbc = new EspSad({ random: fixedRandom(Uint8Array.from({ length: 16 }, (_, i) => i)) });
  const r1 = sealEsp(cbc.install(saParams('cbc128-sha256', 'outbound')), 135, BU);
  assert.ok(r1.ok);
  assert.equal(toHex(r1.packet), toHex(SCAPY_CBC128_SHA256_SEQ1));
  const cbc256 = new EspSad({ random: fixedRandom(Uint8Array.from({ length: 16 }, (_, i) => i + 16)) });
  const r2 = sealEsp(cbc256.install(saParams('cbc256-sha1', 'outbound', { initialSequence: 6 })), 135, BU);
  assert.ok(r2.ok);
  assert.equal(toHex(r2.packet), toHex(SCAPY_CBC256_SHA1_SEQ7));
  const gcm = new EspSad({ random: countingRandom() });
  const r3 = sealEsp(gcm.install(saParams('gcm128', 'outbound')), 135, BU);
  assert.ok(r3.ok);
  assert.equal(toHex(r3.packet), toHex(SCAPY_GCM128_SEQ1));
  const esn = new EspSad({ random: countingRandom() });
  const r4 = sealEsp(esn.install(saParams('gcm128', 'outbound', { esn: true, initialSequence: 2 ** 32 + 4 })), 135, BU);
  assert.ok(r4.ok);
  assert.equal(r4.sequence, 2 ** 32 + 5);
  assert.equal(toHex(r4.packet), toHex(SCAPY_GCM128_ESN_1_5));
});

test('opening the scapy vectors yields the BU, Next Header 135 and the default padding removed', () => {
  const vectors = [
    ['cbc128-sha256', SCAPY_CBC128_SHA256_SEQ1, 1],
    ['cbc256-sha1', SCAPY_CBC256_SHA1_SEQ7, 7],
    ['gcm128', SCAPY_GCM128_SEQ1, 1],
  ] as const;
  for (const [name, packet, sequence] of vectors) {
    const sad = new EspSad({ random: countingRandom() });
    sad.install(saParams(name, 'inbound'));
    const r = sad.open(packet);
    assert.ok(r.ok, name);
    assert.equal(toHex(r.data), toHex(BU), name);
    assert.equal(r.nextHeader, EspNextHeader.MOBILITY_HEADER);
    assert.equal(r.sequence, sequence);
  }
  const sad = new EspSad({ random: countingRandom() });
  const esn = sad.install(saParams('gcm128', 'inbound', { esn: true }));
  esn.replay.accept(2 ** 32 + 1); // the receiver has already seen the start of subspace 1
  const r = sad.open(SCAPY_GCM128_ESN_1_5);
  assert.ok(r.ok);
  assert.equal(r.sequence, 2 ** 32 + 5);
});

test('seal/open round trip for every suite, both modes, with and without ESN, any payload length', () => {
  for (const name of SUITES) {
    for (const esn of [false, true]) {
      const { out, inb } = saPair(name, { esn });
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom(135, 58, 17), (data, nh) => {
          const s = sealEsp(out, nh, data);
          assert.ok(s.ok);
          const plainLength = s.packet.length - 8 - out.ivLength - out.icvLength;
          assert.equal(plainLength % out.alignment, 0, 'RFC 4303 §2.4 alignment');
          assert.ok(plainLength - data.length - 2 < out.alignment, 'minimal padding');
          const o = openEsp(inb, s.packet);
          assert.ok(o.ok, `${name} esn=${esn}: ${o.ok ? '' : o.reason}`);
          assert.deepEqual(o.data, data);
          assert.equal(o.nextHeader, nh);
          assert.equal(o.sequence, s.sequence);
        }),
        { numRuns: 40 },
      );
    }
  }
  const tunnel = saPair('gcm256', { mode: 'tunnel' });
  const inner = fromHex('4500001c0000000040110000c0000201c6336401 00350035000800 00');
  const s = sealEsp(tunnel.out, EspNextHeader.IPV4, inner);
  assert.ok(s.ok);
  const o = openEsp(tunnel.inb, s.packet);
  assert.ok(o.ok);
  assert.equal(o.nextHeader, 4);
  assert.equal(toHex(o.data), toHex(inner));
});

test('anti-replay through the SA: duplicate and too old are dropped, reordering inside the window is fine', () => {
  const { out, inb } = saPair('gcm128', { replayWindow: 32 });
  const packets = Array.from({ length: 40 }, () => {
    const s = sealEsp(out, 135, BU);
    assert.ok(s.ok);
    return s.packet;
  });
  assert.ok(openEsp(inb, packets[0]!).ok);
  assert.ok(openEsp(inb, packets[39]!).ok, 'ahead');
  assert.ok(openEsp(inb, packets[20]!).ok, 'late but inside the window');
  assert.deepEqual(openEsp(inb, packets[20]!), { ok: false, reason: 'replay', spi: inb.spi, sequence: 21 });
  assert.deepEqual(openEsp(inb, packets[5]!), { ok: false, reason: 'replay', spi: inb.spi, sequence: 6 }, 'too old');
  assert.equal(inb.drops.replay, 2);
});

test('a forged packet fails integrity and does not move the window (RFC 4303 §3.4.3)', () => {
  for (const name of SUITES) {
    const { out, inb } = saPair(name);
    const s = sealEsp(out, 135, BU);
    assert.ok(s.ok);
    const forged = s.packet.slice();
    forged[forged.length - 1]! ^= 1;
    assert.equal(openEsp(inb, forged).ok, false);
    assert.deepEqual(openEsp(inb, forged), { ok: false, reason: 'auth-failed', spi: inb.spi, sequence: 1 });
    const flippedCiphertext = s.packet.slice();
    flippedCiphertext[8 + inb.ivLength]! ^= 0x80;
    assert.equal((openEsp(inb, flippedCiphertext) as { reason: string }).reason, 'auth-failed', name);
    assert.ok(openEsp(inb, s.packet).ok, `${name}: the genuine packet still passes`);
    assert.equal(inb.drops['auth-failed'], 3);
  }
});

test('the ESN high half is authenticated: a receiver in another subspace fails the ICV', () => {
  for (const name of ['cbc128-sha256', 'gcm128'] as const) {
    const { out, inb } = saPair(name, { esn: true, initialSequence: 2 ** 32 + 9 });
    const s = sealEsp(out, 135, BU);
    assert.ok(s.ok);
    assert.equal(s.sequence, 2 ** 32 + 10);
    inb.replay.accept(2 * 2 ** 32 + 5); // the receiver believes it is in subspace 2
    assert.deepEqual(openEsp(inb, s.packet), {
      ok: false,
      reason: 'auth-failed',
      spi: inb.spi,
      sequence: 2 * 2 ** 32 + 10,
    });
    const { inb: right } = saPair(name, { esn: true });
    right.replay.accept(2 ** 32 + 1);
    assert.ok(openEsp(right, s.packet).ok);
  }
});

test('sequence overflow: the 2^32-1st packet is the last, then sends are refused (RFC 4303 §3.3.3)', () => {
  for (const name of ['cbc128-sha256', 'gcm256'] as const) {
    const sad = new EspSad({ random: countingRandom() });
    const out = sad.install(saParams(name, 'outbound', { initialSequence: 0xfffffffe }));
    const last = sealEsp(out, 135, BU);
    assert.ok(last.ok);
    assert.equal(last.sequence, 0xffffffff);
    assert.deepEqual(sealEsp(out, 135, BU), { ok: false, reason: 'sequence-exhausted' });
    assert.deepEqual(sealEsp(out, 135, BU), { ok: false, reason: 'sequence-exhausted' });
    assert.equal(out.refusals['sequence-exhausted'], 2);
    assert.deepEqual(sad.pollEvent(), {
      kind: 'lifetime-soft',
      spi: out.spi,
      direction: 'outbound',
      limit: 'sequence',
    });
    assert.deepEqual(sad.pollEvent(), { kind: 'sequence-exhausted', spi: out.spi });
    assert.equal(sad.pollEvent(), undefined, 'exhaustion is reported once');
  }
});

test('malformed, truncated and unknown-SPI packets are typed drops', () => {
  const { out, inb } = saPair('cbc128-sha256');
  const s = sealEsp(out, 135, BU);
  assert.ok(s.ok);
  const reason = (p: Uint8Array) => {
    const r = openEsp(inb, p);
    return r.ok ? 'ok' : r.reason;
  };
  assert.equal(reason(s.packet.subarray(0, 7)), 'malformed');
  assert.equal(reason(s.packet.subarray(0, 8 + 16 + 16 + 1)), 'malformed', 'no room for a trailer');
  assert.equal(reason(s.packet.subarray(0, s.packet.length - 3)), 'malformed', 'ciphertext not whole blocks');
  const otherSpi = s.packet.slice();
  otherSpi[3] = 0x45;
  assert.equal(reason(otherSpi), 'unknown-spi');
  const gcm = saPair('gcm128');
  const g = sealEsp(gcm.out, 135, BU);
  assert.ok(g.ok);
  assert.equal(openEsp(gcm.inb, g.packet.subarray(0, 8 + 8 + 1 + 16)).ok, false);
  assert.equal(
    (openEsp(gcm.inb, g.packet.subarray(0, g.packet.length - 1)) as { reason: string }).reason,
    'auth-failed',
  );
});

test('dummy packets (Next Header 59) are authenticated, counted and dropped (RFC 4303 §2.6)', () => {
  const { out, inb } = saPair('gcm128');
  const s = sealEsp(out, EspNextHeader.NO_NEXT_HEADER, new Uint8Array(0));
  assert.ok(s.ok);
  assert.deepEqual(openEsp(inb, s.packet), { ok: false, reason: 'dummy-packet', spi: inb.spi, sequence: 1 });
  assert.equal(inb.packets, 1);
  assert.equal(openEsp(inb, s.packet).ok, false, 'and its sequence number is used up');
});

test('lifetimes by packets and bytes: soft then hard events, then refusal (RFC 4301 §4.4.2.1)', () => {
  const sad = new EspSad({ random: countingRandom() });
  const out = sad.install(saParams('gcm128', 'outbound', { lifetime: { softPackets: 2, hardPackets: 3 } }));
  for (let i = 0; i < 3; i++) assert.ok(sealEsp(out, 135, BU).ok);
  assert.deepEqual(sealEsp(out, 135, BU), { ok: false, reason: 'sa-expired' });
  assert.equal(out.usable, false);
  assert.deepEqual(sad.pollEvent(), { kind: 'lifetime-soft', spi: out.spi, direction: 'outbound', limit: 'packets' });
  assert.deepEqual(sad.pollEvent(), { kind: 'lifetime-hard', spi: out.spi, direction: 'outbound', limit: 'packets' });
  assert.equal(sad.pollEvent(), undefined);

  const rx = new EspSad({ random: countingRandom() });
  const tx = new EspSad({ random: countingRandom() });
  const bytes = { softBytes: 50, hardBytes: 100 };
  const o2 = tx.install(saParams('cbc128-sha256', 'outbound'));
  const i2 = rx.install(saParams('cbc128-sha256', 'inbound', { lifetime: bytes }));
  const seal = () => {
    const s = sealEsp(o2, 135, BU);
    assert.ok(s.ok);
    return s.packet;
  };
  assert.ok(openEsp(i2, seal()).ok);
  assert.equal(rx.pollEvent(), undefined, '40 bytes: below the soft limit');
  assert.ok(openEsp(i2, seal()).ok);
  assert.deepEqual(rx.pollEvent(), { kind: 'lifetime-soft', spi: i2.spi, direction: 'inbound', limit: 'bytes' });
  assert.ok(openEsp(i2, seal()).ok);
  assert.deepEqual(rx.pollEvent(), { kind: 'lifetime-hard', spi: i2.spi, direction: 'inbound', limit: 'bytes' });
  assert.equal((openEsp(i2, seal()) as { reason: string }).reason, 'sa-expired');
  assert.equal(i2.bytes, 120);
  assert.equal(i2.packets, 3);
});

test('integrity failures are reported once per run of bad packets', () => {
  const { out, inb, rx } = saPair('gcm128');
  const good = sealEsp(out, 135, BU);
  assert.ok(good.ok);
  const bad = good.packet.slice();
  bad[20]! ^= 1;
  openEsp(inb, bad);
  openEsp(inb, bad);
  assert.deepEqual(rx.pollEvent(), { kind: 'integrity-failure', spi: inb.spi, sequence: 1 });
  assert.equal(rx.pollEvent(), undefined);
  assert.ok(openEsp(inb, good.packet).ok);
  openEsp(inb, bad);
  assert.equal(rx.pollEvent(), undefined, 'sequence 1 is now a replay, caught before integrity');
});

test('SA parameters the ESP layer cannot use are rejected at install', () => {
  const sad = new EspSad({ random: countingRandom() });
  const code = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      return e instanceof CryptoError ? e.code : e instanceof RangeError ? 'RangeError' : String(e);
    }
    return 'none';
  };
  assert.equal(
    code(() => sad.install(saParams('gcm128', 'inbound', { encrKey: new Uint8Array(16) }))),
    'BAD_KEY_LENGTH',
  );
  assert.equal(
    code(() => sad.install(saParams('gcm128', 'inbound', { integ: 12 }))),
    'UNSUPPORTED',
  );
  assert.equal(
    code(() => sad.install(saParams('cbc128-sha256', 'inbound', { integ: undefined }))),
    'UNSUPPORTED',
  );
  assert.equal(
    code(() => sad.install(saParams('cbc128-sha256', 'inbound', { integKey: new Uint8Array(20) }))),
    'BAD_KEY_LENGTH',
  );
  assert.equal(
    code(() => sad.install(saParams('cbc128-sha256', 'inbound', { encr: { id: 3, keyLengthBits: 192 } }))),
    'UNSUPPORTED',
  );
  assert.equal(
    code(() => sad.install(saParams('gcm128', 'inbound', { spi: 0 }))),
    'RangeError',
  );
  assert.equal(
    code(() => sad.install(saParams('gcm128', 'inbound', { replayWindow: 40 }))),
    'RangeError',
  );
  assert.equal(
    code(() => sad.install(saParams('gcm128', 'outbound', { initialSequence: 2 ** 32 }))),
    'RangeError',
  );
  const out = sad.install(saParams('gcm128', 'outbound'));
  const inb = sad.install(saParams('gcm128', 'inbound'));
  assert.equal(
    code(() => sad.install(saParams('gcm128', 'inbound'))),
    'RangeError',
  );
  assert.throws(() => sealEsp(inb, 135, BU), RangeError);
  assert.throws(() => openEsp(out, BU), RangeError);
  assert.throws(() => sealEsp(out, 256, BU), RangeError);
  const tunnel = sad.install(saParams('gcm128', 'outbound', { spi: 9, mode: 'tunnel' }));
  assert.throws(() => sealEsp(tunnel, 135, BU), RangeError);
});

test('any bytes into open give a typed failure, never a throw; any mutation of a sealed packet fails', () => {
  for (const name of SUITES) {
    const { out, inb, rx } = saPair(name);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => {
        const withSpi = bytes.length >= 4 ? Uint8Array.from([0x11, 0x22, 0x33, 0x44, ...bytes.subarray(4)]) : bytes;
        for (const p of [bytes, withSpi]) {
          const r = rx.open(p);
          assert.equal(r.ok, false);
        }
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), (at, xor) => {
        const s = sealEsp(out, 135, BU);
        assert.ok(s.ok);
        const p = s.packet.slice();
        p[at % p.length]! ^= xor;
        assert.equal(openEsp(inb, p).ok, false);
        assert.ok(openEsp(inb, s.packet).ok);
      }),
      { numRuns: 100 },
    );
  }
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { fromHex } from '../util/hex.ts';
import { Ipv4Address, Ipv6Address } from '../util/ip-address.ts';
import { COOKIE_LENGTH, computeCookie, verifyCookie } from './cookie.ts';
import { checkNatDetection, natDetectionHash } from './nat-detection.ts';

const SPI_I = fromHex('0102030405060708');
const SPI_R = fromHex('1112131415161718');
const ZERO = new Uint8Array(8);

test('NAT_DETECTION hashes: SHA-1(SPIi ‖ SPIr ‖ IP ‖ port), vectors computed with Python hashlib', () => {
  const v4 = natDetectionHash(SPI_I, ZERO, Ipv4Address.parse('192.0.2.10'), 500);
  assert.deepEqual(v4, fromHex('9cdaf8713cea81e287d3c0bacb7db468691dfe58'));
  const v6 = natDetectionHash(SPI_I, SPI_R, Ipv6Address.parse('2001:db8::1'), 4500);
  assert.deepEqual(v6, fromHex('1ee24423bf8f59515e0265c6d0f08be3d038f7e5'));
});

test('NAT detection tells which side is behind the NAT (RFC 7296 §2.23)', () => {
  const ue = Ipv4Address.parse('192.168.1.10');
  const pub = Ipv4Address.parse('203.0.113.5');
  const ha = Ipv4Address.parse('198.51.100.1');
  // The UE hashes its private address; the HA sees the public one.
  const src = natDetectionHash(SPI_I, ZERO, ue, 500);
  const dst = natDetectionHash(SPI_I, ZERO, ha, 500);
  const atHa = checkNatDetection(SPI_I, ZERO, [src], dst, {
    localAddr: ha,
    localPort: 500,
    remoteAddr: pub,
    remotePort: 40000,
  });
  assert.deepEqual(atHa, { localBehindNat: false, remoteBehindNat: true });
  const direct = checkNatDetection(SPI_I, ZERO, [src], dst, {
    localAddr: ha,
    localPort: 500,
    remoteAddr: ue,
    remotePort: 500,
  });
  assert.deepEqual(direct, { localBehindNat: false, remoteBehindNat: false });
  // Several source hashes (a multihomed sender): one match is enough.
  const other = natDetectionHash(SPI_I, ZERO, Ipv4Address.parse('10.0.0.1'), 500);
  assert.equal(
    checkNatDetection(SPI_I, ZERO, [other, src], dst, {
      localAddr: ha,
      localPort: 500,
      remoteAddr: ue,
      remotePort: 500,
    }).remoteBehindNat,
    false,
  );
});

test('cookies: version byte + SHA-256, bound to Ni, the address and SPIi; the previous secret still works', () => {
  const s1 = { version: 1, secret: new Uint8Array(16).fill(1) };
  const s2 = { version: 2, secret: new Uint8Array(16).fill(2) };
  const ni = new Uint8Array(32).fill(9);
  const addr = Ipv4Address.parse('192.0.2.10');
  const c = computeCookie(s1, ni, addr, SPI_I);
  assert.equal(c.length, COOKIE_LENGTH);
  assert.equal(c[0], 1);
  assert.ok(verifyCookie([s2, s1], c, ni, addr, SPI_I));
  assert.ok(!verifyCookie([s2], c, ni, addr, SPI_I));
  assert.ok(!verifyCookie([s1], c, ni, Ipv4Address.parse('192.0.2.11'), SPI_I));
  assert.ok(!verifyCookie([s1], c, new Uint8Array(32), addr, SPI_I));
  assert.ok(!verifyCookie([s1], c, ni, addr, SPI_R));
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (junk) => {
      assert.equal(verifyCookie([s1, s2], junk, ni, addr, SPI_I), false);
    }),
  );
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ConfigError } from '../util/errors.ts';
import {
  buildRootNai,
  homeNetworkRealm,
  imsiMatchesPlmn,
  parsePermanentIdentity,
  parseRootNai,
  rootNaiRealm,
} from './identity.ts';

test('root NAI of SPEC-NOTES §9 (MNC 01 padded to 001) and a 3-digit MNC', () => {
  assert.equal(
    buildRootNai({ imsi: '001010000000001', mcc: '001', mnc: '01' }),
    '0001010000000001@nai.epc.mnc001.mcc001.3gppnetwork.org',
  );
  // TS 23.003 §19.3.2's example as recalled: IMSI 234150999999999, MCC 234, MNC 15.
  assert.equal(
    buildRootNai({ imsi: '234150999999999', mcc: '234', mnc: '15' }),
    '0234150999999999@nai.epc.mnc015.mcc234.3gppnetwork.org',
  );
  assert.equal(
    buildRootNai({ imsi: '310260123456789', mcc: '310', mnc: '260' }),
    '0310260123456789@nai.epc.mnc260.mcc310.3gppnetwork.org',
  );
  assert.equal(homeNetworkRealm('345', '12'), 'epc.mnc012.mcc345.3gppnetwork.org');
  assert.equal(rootNaiRealm('345', '12'), 'nai.epc.mnc012.mcc345.3gppnetwork.org');
});

test('invalid IMSI, MCC or MNC is a ConfigError naming the field', () => {
  const cases: [{ imsi: string; mcc: string; mnc: string }, string][] = [
    [{ imsi: '00101', mcc: '001', mnc: '01' }, 'imsi'], // 5 digits
    [{ imsi: '0010100000000012', mcc: '001', mnc: '01' }, 'imsi'], // 16 digits
    [{ imsi: '00101000000000a', mcc: '001', mnc: '01' }, 'imsi'],
    [{ imsi: '001010000000001', mcc: '01', mnc: '01' }, 'mcc'],
    [{ imsi: '001010000000001', mcc: '001', mnc: '1' }, 'mnc'],
    [{ imsi: '001010000000001', mcc: '001', mnc: '0101' }, 'mnc'],
    [{ imsi: '001020000000001', mcc: '001', mnc: '01' }, 'imsi'], // another PLMN
  ];
  for (const [id, path] of cases) {
    assert.throws(
      () => buildRootNai(id),
      (e: unknown) => e instanceof ConfigError && e.code === 'INVALID' && e.path === path,
      JSON.stringify(id),
    );
  }
});

test('a 3-digit MNC with a leading zero also matches the 2-digit form in the IMSI', () => {
  assert.ok(imsiMatchesPlmn('001010000000001', '001', '001'));
  assert.ok(imsiMatchesPlmn('001001000000001', '001', '001'));
  assert.ok(!imsiMatchesPlmn('001010000000001', '001', '110'));
  assert.ok(!imsiMatchesPlmn('001010000000001', '001', '002'));
  assert.ok(!imsiMatchesPlmn('001010000000001', '002', '01'));
});

test('parseRootNai: strict form, realm case-insensitive, undefined otherwise', () => {
  assert.deepEqual(parseRootNai('0001010000000001@NAI.EPC.mnc001.mcc001.3gppnetwork.org'), {
    imsi: '001010000000001',
    mcc: '001',
    mnc: '001',
  });
  for (const bad of [
    '6001010000000001@nai.epc.mnc001.mcc001.3gppnetwork.org', // EAP-AKA' prefix
    '0001010000000001',
    '0001010000000001@wlan.mnc001.mcc001.3gppnetwork.org',
    '0001020000000001@nai.epc.mnc001.mcc001.3gppnetwork.org', // IMSI of another PLMN
    '0001010000000001@nai.epc.mnc01.mcc001.3gppnetwork.org',
  ]) {
    assert.equal(parseRootNai(bad), undefined, bad);
  }
  assert.equal(parseRootNai(Uint8Array.of(0x30, 0xff)), undefined); // not UTF-8
});

test('parsePermanentIdentity: "0" + IMSI with any realm or none (RFC 4187 §4.1.1.6)', () => {
  assert.deepEqual(parsePermanentIdentity('0001010000000001'), { imsi: '001010000000001' });
  assert.deepEqual(parsePermanentIdentity(new TextEncoder().encode('0001010000000001@example.org')), {
    imsi: '001010000000001',
    realm: 'example.org',
  });
  for (const bad of ['2001010000000001@x', '000101@x', '0001010000000001@a@b', '0001010000000001@', '', 'x']) {
    assert.equal(parsePermanentIdentity(bad), undefined, bad);
  }
});

test('property: parseRootNai(buildRootNai(x)) gives back IMSI, MCC and the padded MNC', () => {
  const digits = (min: number, max: number) =>
    fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((d) => d.join(''));
  fc.assert(
    fc.property(digits(3, 3), digits(2, 3), digits(1, 10), (mcc, mnc, msin) => {
      const imsi = (mcc + mnc + msin).slice(0, 15);
      fc.pre(imsi.length >= mcc.length + mnc.length + 1);
      const nai = buildRootNai({ imsi, mcc, mnc });
      assert.deepEqual(parseRootNai(nai), { imsi, mcc, mnc: mnc.padStart(3, '0') });
      assert.deepEqual(parsePermanentIdentity(nai)?.imsi, imsi);
    }),
  );
});

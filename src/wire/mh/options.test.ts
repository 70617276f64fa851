// Every mobility option's bytes (RFC 6275 §6.2, RFC 3963 §4.3, RFC 5026 §8.1, RFC 5555 §3, RFC 5648 §4.3),
// parsed and emitted one at a time, plus the DNS name helpers for the DNS Update option.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromHex, toHex } from '../../util/hex.ts';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { Reader } from '../../util/reader.ts';
import { Writer } from '../../util/writer.ts';
import { dnsNameToFqdn, fqdnToDnsName } from './dns-name.ts';
import { parseMobilityOptions } from './option-list.ts';
import { emitMobilityOption, type MobilityOption, mobilityOptionLength } from './options.ts';

const COA6 = Ipv6Address.parse('2001:db8:2::200');
const COA6_HEX = '20010db8000200000000000000000200';

const optionVectors: [string, MobilityOption, string][] = [
  ['Binding Refresh Advice 600 s = 150 units', { kind: 'binding-refresh-advice', refreshIntervalSec: 600 }, '02020096'],
  ['Alternate Care-of Address', { kind: 'alternate-care-of-address', careOfAddress: COA6 }, `0310${COA6_HEX}`],
  ['Nonce Indices', { kind: 'nonce-indices', homeNonceIndex: 0x1234, careOfNonceIndex: 0x5678 }, '040412345678'],
  [
    'Binding Authorization Data, 96-bit authenticator',
    { kind: 'binding-authorization-data', authenticator: fromHex('a0a1a2a3a4a5a6a7a8a9aaab') },
    '050ca0a1a2a3a4a5a6a7a8a9aaab',
  ],
  [
    'Mobile Network Prefix 2001:db8:100::/56',
    { kind: 'mobile-network-prefix', prefixLength: 56, prefix: Ipv6Address.parse('2001:db8:100::') },
    '0612003820010db8010000000000000000000000',
  ],
  [
    'DNS Update, R set, MN identity mn.example.com as DNS labels',
    { kind: 'dns-update', status: 0, removeEntry: true, mnIdentity: fqdnToDnsName('mn.example.com') },
    '11120080026d6e076578616d706c6503636f6d00',
  ],
  [
    'DNS Update in a BA: status 130 DNS update failed, text identity',
    { kind: 'dns-update', status: 130, removeEntry: false, mnIdentity: new TextEncoder().encode('mn.ex') },
    '110782006d6e2e6578',
  ],
  [
    'IPv4 Home Address: request 0.0.0.0/32 (TS 24.303 A.2.1)',
    { kind: 'ipv4-home-address', prefixLength: 32, requestMobileNetworkPrefix: false, homeAddress: Ipv4Address.ANY },
    '1d06800000000000',
  ],
  [
    'IPv4 Home Address: /24 with P (prefix request)',
    {
      kind: 'ipv4-home-address',
      prefixLength: 24,
      requestMobileNetworkPrefix: true,
      homeAddress: Ipv4Address.parse('192.0.2.0'),
    },
    '1d066200c0000200',
  ],
  [
    'IPv4 Address Acknowledgement: success /32',
    { kind: 'ipv4-address-acknowledgement', status: 0, prefixLength: 32, homeAddress: Ipv4Address.parse('10.0.0.7') },
    '1e0600800a000007',
  ],
  [
    'IPv4 Address Acknowledgement: 132 dynamic assignment not available (pref-len 0)',
    { kind: 'ipv4-address-acknowledgement', status: 132, prefixLength: 0, homeAddress: Ipv4Address.ANY },
    '1e06840000000000',
  ],
  [
    'NAT Detection: F set, no keepalives needed (all ones)',
    { kind: 'nat-detection', udpEncapsulationRequired: true, refreshTimeSec: 0xffffffff },
    '1f068000ffffffff',
  ],
  [
    'NAT Detection: NATKATIMEOUT 110 s',
    { kind: 'nat-detection', udpEncapsulationRequired: false, refreshTimeSec: 110 },
    '1f0600000000006e',
  ],
  [
    'IPv4 Care-of Address',
    { kind: 'ipv4-care-of-address', careOfAddress: Ipv4Address.parse('198.51.100.7') },
    '20060000c6336407',
  ],
  [
    'Binding Identifier without CoA (length 4)',
    { kind: 'binding-identifier', bindingId: 1, status: 0, simultaneousHomeAndForeign: false },
    '230400010000',
  ],
  [
    'Binding Identifier with IPv4 CoA (length 8), H set',
    {
      kind: 'binding-identifier',
      bindingId: 2,
      status: 0,
      simultaneousHomeAndForeign: true,
      careOfAddress: Ipv4Address.parse('192.0.2.1'),
    },
    '230800020080c0000201',
  ],
  [
    'Binding Identifier with IPv6 CoA (length 20), status 164',
    { kind: 'binding-identifier', bindingId: 3, status: 164, simultaneousHomeAndForeign: false, careOfAddress: COA6 },
    `23140003a400${COA6_HEX}`,
  ],
  [
    'unknown type 8 (MN Identifier, RFC 4283) kept raw',
    { kind: 'unknown', type: 8, data: fromHex('01616263') },
    '080401616263',
  ],
  ['unknown type 200 with no data', { kind: 'unknown', type: 200, data: new Uint8Array(0) }, 'c800'],
];

for (const [name, option, hex] of optionVectors) {
  test(`mobility option: ${name}`, () => {
    const bytes = fromHex(hex);
    assert.equal(mobilityOptionLength(option), bytes.length);
    const w = Writer.alloc(bytes.length);
    emitMobilityOption(option, w);
    assert.equal(toHex(w.finish()), hex);
    assert.deepEqual(parseMobilityOptions(Reader.of(bytes, 'mh')), [option]);
  });
}

test('Pad1 and PadN are framing: skipped, never returned, PadN content ignored (RFC 6275 §6.2.3)', () => {
  const area = fromHex('00' + '0100' + '0103ffeedd' + '02020001' + '00');
  assert.deepEqual(parseMobilityOptions(Reader.of(area, 'mh')), [
    { kind: 'binding-refresh-advice', refreshIntervalSec: 4 },
  ]);
  assert.deepEqual(parseMobilityOptions(Reader.of(new Uint8Array(0), 'mh')), []);
});

test('options need no alignment to be read: a misaligned Alternate CoA still parses', () => {
  const area = fromHex(`0310${COA6_HEX}`);
  assert.deepEqual(parseMobilityOptions(Reader.of(area, 'mh', 13)), [
    { kind: 'alternate-care-of-address', careOfAddress: COA6 },
  ]);
});

test('DNS names: FQDN ↔ labels, and what is not a single uncompressed name', () => {
  assert.equal(toHex(fqdnToDnsName('mn.example.com.')), '026d6e076578616d706c6503636f6d00');
  assert.equal(
    dnsNameToFqdn(fqdnToDnsName('ue1.ims.mnc001.mcc001.3gppnetwork.org')),
    'ue1.ims.mnc001.mcc001.3gppnetwork.org',
  );
  assert.equal(toHex(fqdnToDnsName('.')), '00');
  assert.equal(dnsNameToFqdn(fromHex('00')), '');
  for (const bad of ['', '03616263', '0361626300ff', 'c00c', `40${'61'.repeat(64)}00`, '0261']) {
    assert.equal(dnsNameToFqdn(fromHex(bad)), undefined, bad);
  }
  for (const bad of ['a..b', 'x'.repeat(64), `${'abcdefgh.'.repeat(29)}com`, 'caf\u00e9.example']) {
    assert.throws(() => fqdnToDnsName(bad), RangeError, bad);
  }
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { fromHex } from '../../util/hex.ts';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { AuthMethod, DhGroup, EncrId, IntegId, PrfId, ProtocolId, TransformType } from '../../wire/ike/constants.ts';
import type { IkePayload } from '../../wire/ike/payload.ts';
import type { Proposal } from '../../wire/ike/sa.ts';
import { payloadChainArb } from '../../wire/ike/test-arbitraries.ts';
import type { TrafficSelector } from '../../wire/ike/traffic-selector.ts';
import { payloadDetail, payloadText, selectorText } from './ike-payload-text.ts';
import { transformName } from './names.ts';

const v6 = (s: string) => Ipv6Address.parse(s);
const v4 = (s: string) => Ipv4Address.parse(s);

function range(start: string, end: string, ipProtocol = 0, startPort = 0, endPort = 65535): TrafficSelector {
  const kind = start.includes(':') ? 'ipv6-range' : 'ipv4-range';
  const at = (a: string) => (kind === 'ipv6-range' ? v6(a) : v4(a));
  return { kind, ipProtocol, startPort, endPort, startAddress: at(start), endAddress: at(end) } as TrafficSelector;
}

test('selectors: a single address, a prefix, any, a plain range, ports, and MH types in the port high byte', () => {
  const cases: [TrafficSelector, string][] = [
    [range('::', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'), '::/0'],
    [range('0.0.0.0', '255.255.255.255'), '0.0.0.0/0'],
    [range('2001:db8:100:1::', '2001:db8:100:1:ffff:ffff:ffff:ffff'), '2001:db8:100:1::/64'],
    [range('10.0.0.1', '10.0.0.9', 17, 67, 68), '10.0.0.1-10.0.0.9 proto 17 ports 67-68'],
    [range('10.0.0.0', '10.0.0.255', 6), '10.0.0.0/24 proto 6'],
    // RFC 4877 §7.3: BU = 5, BA = 6 in the high byte; one type, a range of types, any type.
    [range('2001:db8::5', '2001:db8::5', 135, 0x0500, 0x0500), '2001:db8::5 MH 5'],
    [range('2001:db8::5', '2001:db8::5', 135, 0x0500, 0x0600), '2001:db8::5 MH 5-6'],
    [range('2001:db8::5', '2001:db8::5', 135), '2001:db8::5 MH'],
    [{ kind: 'unknown', type: 13, ipProtocol: 0, data: new Uint8Array(2) }, 'TS type 13'],
  ];
  for (const [s, text] of cases) assert.equal(selectorText(s), text);
});

const esp = (transforms: Proposal['transforms'], number = 1): Proposal => ({
  number,
  protocolId: ProtocolId.ESP,
  spi: fromHex('c0ffee01'),
  transforms,
});
const t = (type: number, id: number, bits?: number) => ({
  type,
  id,
  attributes: bits === undefined ? [] : [{ kind: 'key-length' as const, bits }],
});

test('payload key fields: IDs as text, AUTH method, a chosen SA in full, an offer as a count, KE group', () => {
  const gcm = esp([t(TransformType.ENCR, EncrId.AES_GCM_16, 256), t(TransformType.ESN, 0)]);
  const cbc = esp(
    [t(TransformType.ENCR, EncrId.AES_CBC, 128), t(TransformType.INTEG, IntegId.HMAC_SHA2_256_128), t(5, 1)],
    2,
  );
  const ike: Proposal = {
    number: 1,
    protocolId: ProtocolId.IKE,
    spi: new Uint8Array(0),
    transforms: [t(1, EncrId.AES_GCM_16, 128), t(2, PrfId.HMAC_SHA2_256), t(4, DhGroup.CURVE25519)],
  };
  const cases: [IkePayload, boolean, string][] = [
    [{ kind: 'idi', idType: 3, data: new TextEncoder().encode('0001@nai.example') }, true, 'IDi(0001@nai.example)'],
    [{ kind: 'idr', idType: 2, data: new TextEncoder().encode('internet') }, false, 'IDr(internet)'],
    [{ kind: 'idr', idType: 1, data: fromHex('c0000201') }, false, 'IDr(192.0.2.1)'],
    [{ kind: 'idi', idType: 11, data: fromHex('0102') }, true, 'IDi(0102)'],
    // Identities the wire layer refuses (RFC 7296 §3.5: non-ASCII FQDN, a short address) are shown as their bytes.
    [{ kind: 'idr', idType: 2, data: fromHex('ff41') }, false, 'IDr(ff41)'],
    [{ kind: 'idr', idType: 1, data: fromHex('c00002') }, false, 'IDr(c00002)'],
    [{ kind: 'auth', method: AuthMethod.SHARED_KEY_MIC, data: new Uint8Array(32) }, true, 'AUTH(SHARED_KEY_MIC)'],
    [{ kind: 'auth', method: 9, data: new Uint8Array(64) }, false, 'AUTH(METHOD(9))'],
    [{ kind: 'sa', proposals: [gcm] }, false, 'SA(ESP AES_GCM_16-256 NO_ESN)'],
    [{ kind: 'sa', proposals: [gcm, cbc] }, true, 'SA(ESP, 2 proposals)'],
    [{ kind: 'sa', proposals: [ike] }, false, 'SA(IKE AES_GCM_16-128 PRF_HMAC_SHA2_256 CURVE25519)'],
    [{ kind: 'sa', proposals: [] }, false, 'SA()'],
    [{ kind: 'ke', dhGroup: DhGroup.ECP_256, data: new Uint8Array(64) }, true, 'KE(ECP_256)'],
    [{ kind: 'nonce', data: new Uint8Array(32) }, false, 'Nr'],
  ];
  for (const [p, initiator, text] of cases) assert.equal(payloadText(p, initiator), text);
  assert.equal(
    payloadDetail({ kind: 'sa', proposals: [gcm, cbc] }),
    'SA: #1 ESP AES_GCM_16-256 NO_ESN | #2 ESP AES_CBC-128 HMAC_SHA2_256_128 ESN',
  );
  assert.equal(payloadDetail({ kind: 'auth', method: 14, data: new Uint8Array(70) }), 'AUTH: method 14, 70 bytes');
  assert.deepEqual(
    [transformName(2, 99), transformName(5, 7), transformName(9, 1), transformName(1, 99)],
    ['PRF(99)', 'ESN(7)', 'T9(1)', 'ENCR(99)'],
  );
});

test('any payload chain gets a text and maybe a detail line, never an exception', () => {
  fc.assert(
    fc.property(payloadChainArb, fc.boolean(), (chain, initiator) => {
      for (const p of chain) {
        assert.equal(typeof payloadText(p, initiator), 'string');
        const d = payloadDetail(p);
        assert.ok(d === undefined || typeof d === 'string');
      }
    }),
    { numRuns: 200 },
  );
});

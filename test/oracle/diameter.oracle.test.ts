/**
 * Diameter against tshark's dissector (its dictionary knows the base protocol, RFC 4072, RFC 5778 and 3GPP AVPs):
 * every message this project builds for S6b — CER/CEA, DWR, DPR, DER, DEA (multi-round, success with the MSK,
 * Experimental-Result), STR/STA, ASR/ASA, RAA — plus an unknown vendor AVP, each in its own IPv4/TCP segment to
 * port 3868. tshark must flag nothing as malformed, and read back lengths, flags, codes and values as we wrote them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  answer,
  buildAsr,
  buildCea,
  buildCer,
  buildDea,
  buildDer,
  buildDpr,
  buildDwr,
  buildStr,
} from '../../src/aaa/diameter/index.ts';
import { aaaIdentity, HA_IDENTITY } from '../../src/aaa/diameter/test-link.ts';
import { Writer } from '../../src/util/writer.ts';
import {
  ApplicationId,
  avpLengthField,
  type DiameterMessage,
  diameterLength,
  encodeDiameter,
  RatType,
  ResultCode,
} from '../../src/wire/diameter/index.ts';
import { findField, hasMalformed, tsharkDecode } from './tshark.ts';

/** IPv4 + TCP (PSH|ACK, 20-byte header) around one Diameter message; tshark does not verify checksums. */
function segment(payload: Uint8Array, seq: number, toServer: boolean): Uint8Array {
  const w = Writer.alloc(40 + payload.length);
  w.u8(0x45)
    .u8(0)
    .u16(40 + payload.length)
    .u16(0)
    .u16(0x4000)
    .u8(64)
    .u8(6)
    .u16(0);
  w.bytes(Uint8Array.of(127, 0, 0, toServer ? 1 : 2)).bytes(Uint8Array.of(127, 0, 0, toServer ? 2 : 1));
  w.u16(toServer ? 40000 : 3868)
    .u16(toServer ? 3868 : 40000)
    .u32(seq)
    .u32(1)
    .u8(0x50)
    .u8(0x18)
    .u16(65535);
  w.u16(0).u16(0).bytes(payload);
  return w.finish();
}

const ids = (n: number) => ({ hopByHop: 0x1000 + n, endToEnd: 0x2000 + n });
const AAA = aaaIdentity(1);
const MSK = Uint8Array.from({ length: 64 }, (_, i) => 0x40 + i);
const EAP_CHALLENGE = Uint8Array.of(1, 7, 0, 8, 23, 1, 0, 0);
const der = buildDer(HA_IDENTITY, ids(3), {
  sessionId: 'pgw.epc.example;1;1',
  applicationId: ApplicationId.S6B,
  destinationRealm: 'aaa.example',
  userName: '0001010000000001@nai.epc.mnc001.mcc001.3gppnetwork.org',
  eap: Uint8Array.of(2, 0, 0, 6, 1, 0x30),
  apn: 'internet',
  ratType: RatType.WLAN,
  mip6FeatureVector: 0x200_0000_0000n,
});
const cer = buildCer(HA_IDENTITY, ids(1));
const rar: DiameterMessage = {
  ...buildStr(AAA, ids(9), {
    sessionId: 'pgw.epc.example;1;1',
    applicationId: ApplicationId.S6B,
    destinationRealm: 'epc.example',
    terminationCause: 1,
  }),
  commandCode: 258,
};
const MESSAGES: [string, DiameterMessage, boolean][] = [
  ['CER', cer, true],
  ['CEA', buildCea(cer, AAA, ResultCode.DIAMETER_SUCCESS), false],
  ['DWR', buildDwr(HA_IDENTITY, ids(2)), true],
  ['DER', der, true],
  ['DEA multi-round', buildDea(der, AAA, { resultCode: 1001 }, { eap: EAP_CHALLENGE }), false],
  [
    'DEA success',
    buildDea(
      der,
      AAA,
      { resultCode: 2001 },
      { eap: Uint8Array.of(3, 7, 0, 4), msk: MSK, userName: 'u', mobileNodeIdentifier: '001010000000001' },
    ),
    false,
  ],
  ['DEA user unknown', buildDea(der, AAA, { experimentalResultCode: 5001 }, { eap: Uint8Array.of(4, 0, 0, 4) }), false],
  [
    'STR',
    buildStr(HA_IDENTITY, ids(4), {
      sessionId: 'pgw.epc.example;1;1',
      applicationId: ApplicationId.S6B,
      destinationRealm: 'aaa.example',
      userName: 'u',
      terminationCause: 1,
    }),
    true,
  ],
  [
    'ASR',
    buildAsr(AAA, ids(5), {
      sessionId: 'pgw.epc.example;1;1',
      applicationId: ApplicationId.S6B,
      destinationRealm: 'epc.example',
      destinationHost: 'pgw.epc.example',
    }),
    false,
  ],
  ['RAA', answer(rar, HA_IDENTITY, 2001), true],
  ['DPR', buildDpr(HA_IDENTITY, ids(6), 0), true],
  [
    'unknown vendor AVP',
    {
      ...buildDwr(HA_IDENTITY, ids(7)),
      avps: [
        ...buildDwr(HA_IDENTITY, ids(7)).avps,
        { code: 4242, flags: 0x80, vendorId: 99999, data: Uint8Array.of(1, 2, 3) },
      ],
    },
    true,
  ],
];

test('tshark dissects every S6b message we build: no malformed AVP, lengths, flags and values as written', async () => {
  let seqUp = 1;
  let seqDown = 1;
  const packets = MESSAGES.map(([, m, up]) => {
    const bytes = encodeDiameter(m);
    const p = segment(bytes, up ? seqUp : seqDown, up);
    if (up) seqUp += bytes.length;
    else seqDown += bytes.length;
    return p;
  });
  const decoded = await tsharkDecode(packets);
  for (const [i, layers] of decoded.entries()) {
    const [name, m] = MESSAGES[i]!;
    assert.ok(!hasMalformed(layers), `${name}: malformed`);
    const d = layers.diameter as Record<string, unknown>;
    assert.ok(d, `${name}: no Diameter layer`);
    // The only expert items allowed: the unknown AVP/vendor of the last message, which tshark names as such.
    const experts = [...JSON.stringify(d).matchAll(/"_ws\.expert\.message":"([^"]*)"/g)].map((x) => x[1]!);
    if (name === 'unknown vendor AVP') {
      assert.deepEqual(
        experts.map((e) => e.split(',')[0]),
        ['Unknown AVP 4242 (vendor=Unknown)', 'Unknown Vendor'],
      );
    } else assert.deepEqual(experts, [], name);
    assert.equal(Number(findField(d, 'diameter.length')), diameterLength(m), name);
    assert.equal(Number(findField(d, 'diameter.cmd.code')), m.commandCode, name);
    assert.equal(Number(findField(d, 'diameter.applicationId')), m.applicationId, name);
    assert.equal(Number(findField(d, 'diameter.flags')), m.flags, name);
    assert.equal(Number(findField(d, 'diameter.hopbyhopid')), m.hopByHop, name);
    // The top-level AVPs tshark read: codes, flags and AVP Length fields as we wrote them (RFC 6733 §4.1).
    const tree = d['diameter.avp_tree'];
    const avps = (Array.isArray(tree) ? tree : [tree]) as Record<string, unknown>[];
    assert.deepEqual(
      avps.map((a) => [Number(a['diameter.avp.code']), Number(a['diameter.avp.flags']), Number(a['diameter.avp.len'])]),
      m.avps.map((a) => [a.code, a.flags, avpLengthField(a)]),
      name,
    );
  }
  const byName = (n: string) => decoded[MESSAGES.findIndex(([x]) => x === n)]!.diameter;
  const derD = byName('DER');
  assert.equal(findField(derD, 'diameter.Session-Id'), 'pgw.epc.example;1;1');
  assert.equal(findField(derD, 'diameter.Service-Selection'), 'internet');
  assert.equal(findField(derD, 'diameter.RAT-Type'), '0');
  assert.equal(findField(derD, 'diameter.avp.vendorId'), '10415'); // RAT-Type is the one vendor AVP
  assert.equal(findField(derD, 'diameter.MIP6-Feature-Vector'), String(0x200_0000_0000n));
  assert.equal(findField(derD, 'diameter.Auth-Request-Type'), '3');
  assert.equal(
    findField(byName('DEA success'), 'diameter.EAP-Master-Session-Key')?.toString().replaceAll(':', '').length,
    128,
  );
  assert.equal(findField(byName('DEA user unknown'), 'diameter.Experimental-Result-Code'), '5001');
  assert.equal(findField(byName('CER'), 'diameter.Host-IP-Address'), '00:01:7f:00:00:01'); // family 1 + 127.0.0.1
  assert.equal(findField(byName('unknown vendor AVP'), 'diameter.avp.vendorId'), '99999');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CfgType, NotifyType } from '../wire/ike/constants.ts';
import { IkeInitiator } from './initiator.ts';
import { IkeResponder } from './responder.ts';
import { EXCHANGE, FakeLink } from './test-link.ts';
import { APN, haConfig, NAI, ueConfig, validNow } from './test-support.ts';

const N = (t: number) => `N(${t})`;

test('full attach: IKE_SA_INIT, IKE_AUTH with EAP and CP, then the BU/BA CREATE_CHILD_SA', () => {
  const ue = new IkeInitiator(ueConfig());
  const ha = new IkeResponder(haConfig());
  const link = new FakeLink(ue, ha, validNow());
  ue.connect(link.now);

  // IKE_SA_INIT { SA, KE, Ni, N(NAT_DETECTION_SOURCE_IP), N(NAT_DETECTION_DESTINATION_IP), N(SIGNATURE_HASH_ALGORITHMS) } -->
  let m = link.step();
  assert.equal(m.exchangeType, EXCHANGE.INIT);
  assert.deepEqual(m.names, ['SA', 'KE', 'N', N(16388), N(16389), N(16431)]);
  // <-- IKE_SA_INIT { SA, KE, Nr, N(NAT-D) x2, N(MULTIPLE_AUTH_SUPPORTED), N(SIGNATURE_HASH_ALGORITHMS),
  //                   N(CHILDLESS_IKEV2_SUPPORTED) (RFC 6023 §3) }
  m = link.step();
  assert.ok(m.response);
  assert.deepEqual(m.names, ['SA', 'KE', 'N', N(16388), N(16389), N(16404), N(16431), N(16418)]);

  // IKE_AUTH { IDi, CERTREQ, IDr, N(MULTIPLE_AUTH_SUPPORTED), CP(CFG_REQUEST), SA, TSi, TSr } -->
  m = link.step();
  assert.equal(m.exchangeType, EXCHANGE.AUTH);
  assert.equal(m.messageId, 1);
  assert.deepEqual(m.names, ['IDi', 'CERTREQ', 'IDr', N(16404), 'CP', 'SA', 'TSi', 'TSr']);
  const cp = m.payloads.find((p) => p.kind === 'cp');
  assert.ok(cp && cp.kind === 'cp' && cp.cfgType === CfgType.REQUEST);
  assert.deepEqual(
    cp.attributes.map((a) => a.kind),
    ['mip6-home-prefix', 'ipv6', 'ipv4'],
  );
  // <-- IKE_AUTH { IDr, CERT, AUTH, EAP(Request) }
  m = link.step();
  assert.deepEqual(m.names, ['IDr', 'CERT', 'AUTH', 'EAP']);
  const idr = m.payloads.find((p) => p.kind === 'idr');
  // TS 24.303 §5.1.3.1: the HA answers with the IDr the UE sent (the APN).
  assert.equal(idr && idr.kind === 'idr' ? new TextDecoder().decode(idr.data) : '', APN);

  // IKE_AUTH { EAP(Response) } -->
  assert.deepEqual(link.step().names, ['EAP']);
  // <-- IKE_AUTH { EAP(Success) }
  m = link.step();
  assert.deepEqual(m.names, ['EAP']);
  assert.equal(m.payloads[0]?.kind === 'eap' && m.payloads[0].data[0], 3);
  // IKE_AUTH { AUTH } -->
  assert.deepEqual(link.step().names, ['AUTH']);
  // <-- IKE_AUTH { AUTH, CP(CFG_REPLY), N(ESP_TFC_PADDING_NOT_SUPPORTED) (RFC 7296 §3.10.1), SA, TSi, TSr }
  m = link.step();
  assert.deepEqual(m.names, ['AUTH', 'CP', N(NotifyType.ESP_TFC_PADDING_NOT_SUPPORTED), 'SA', 'TSi', 'TSr']);
  const reply = m.payloads.find((p) => p.kind === 'cp');
  assert.ok(reply && reply.kind === 'cp' && reply.cfgType === CfgType.REPLY);
  assert.deepEqual(
    reply.attributes.map((a) => a.kind),
    ['mip6-home-prefix', 'ipv6', 'ipv4'],
  );

  // CREATE_CHILD_SA { N(USE_TRANSPORT_MODE), SA, Ni, TSi(HoA, MH, BU..BA), TSr(HA) } -->
  m = link.step();
  assert.equal(m.exchangeType, EXCHANGE.CHILD);
  assert.deepEqual(m.names, [N(NotifyType.USE_TRANSPORT_MODE), 'SA', 'N', 'TSi', 'TSr']);
  const tsi = m.payloads.find((p) => p.kind === 'tsi');
  assert.ok(tsi && tsi.kind === 'tsi');
  const sel = tsi.selectors[0];
  assert.ok(sel && sel.kind === 'ipv6-range');
  assert.equal(sel.startAddress.toString(), '2001:db8:1::42');
  assert.equal(sel.ipProtocol, 135);
  assert.deepEqual([sel.startPort, sel.endPort], [0x0500, 0x0600]);
  // <-- CREATE_CHILD_SA { N(USE_TRANSPORT_MODE), N(ESP_TFC_PADDING_NOT_SUPPORTED), SA, Nr, TSi, TSr }
  m = link.step();
  assert.deepEqual(m.names, [
    N(NotifyType.USE_TRANSPORT_MODE),
    N(NotifyType.ESP_TFC_PADDING_NOT_SUPPORTED),
    'SA',
    'N',
    'TSi',
    'TSr',
  ]);
  assert.equal(link.next(), undefined);

  const kinds = (side: 'ue' | 'ha') => (side === 'ue' ? link.ueEvents : link.haEvents).map((e) => e.kind);
  assert.deepEqual(kinds('ue'), [
    'key-log',
    'eap-success',
    'ike-sa-established',
    'home-prefix-assigned',
    'child-sa-established',
    'child-sa-established',
  ]);
  assert.deepEqual(kinds('ha'), [
    'key-log',
    'eap-success',
    'ike-sa-established',
    'home-prefix-assigned',
    'child-sa-established',
    'child-sa-established',
  ]);
  const ueChildren = link.eventsOf('ue', 'child-sa-established');
  const haChildren = link.eventsOf('ha', 'child-sa-established');
  for (let i = 0; i < 2; i++) {
    const u = ueChildren[i]!;
    const h = haChildren[i]!;
    assert.ok(u.kind === 'child-sa-established' && h.kind === 'child-sa-established');
    assert.equal(u.spiIn, h.spiOut);
    assert.equal(u.spiOut, h.spiIn);
    assert.deepEqual(u.keysIn, h.keysOut);
    assert.deepEqual(u.keysOut, h.keysIn);
  }
  const mip = ueChildren[1]!;
  assert.ok(mip.kind === 'child-sa-established');
  assert.equal(mip.mode, 'transport');
  assert.equal(mip.homeAddress?.toString(), '2001:db8:1::42');
  const haMip = haChildren[1]!;
  assert.ok(haMip.kind === 'child-sa-established');
  assert.equal(haMip.homeAddress?.toString(), '2001:db8:1::42');
  const session = ha.sessionByChildSpi(haMip.spiIn);
  assert.equal(session?.subscriber, NAI);
  assert.equal(session?.homePrefix?.prefix.toString(), '2001:db8:1::');
});

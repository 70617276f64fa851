import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuthMethod, DhGroup, EncrId, IntegId, PrfId } from '../wire/ike/constants.ts';
import type { EspProposalConfig, IkeProposalConfig } from './config.ts';
import { IkeInitiator } from './initiator.ts';
import { IkeResponder } from './responder.ts';
import { AUTH_METHOD_ECDSA_SHA256_P256 } from './signature.ts';
import { FakeLink } from './test-link.ts';
import { credentials, haConfig, ueConfig, validNow } from './test-support.ts';

const CBC_IKE: IkeProposalConfig[] = [
  {
    encr: [{ id: EncrId.AES_CBC, keyLengthBits: 256 }],
    integ: [IntegId.HMAC_SHA2_256_128],
    prf: [PrfId.HMAC_SHA2_256],
    dh: [DhGroup.ECP_256],
  },
];
const SHA1_IKE: IkeProposalConfig[] = [
  {
    encr: [{ id: EncrId.AES_CBC, keyLengthBits: 128 }],
    integ: [IntegId.HMAC_SHA1_96],
    prf: [PrfId.HMAC_SHA1],
    dh: [DhGroup.MODP_2048],
  },
];
const CBC_ESP: EspProposalConfig[] = [
  { encr: [{ id: EncrId.AES_CBC, keyLengthBits: 128 }], integ: [IntegId.HMAC_SHA1_96], dh: [], esn: [false] },
];

/** Runs an attach, returning the AUTH method the HA signed with and the negotiated algorithms. */
function attach(ue: IkeInitiator, ha: IkeResponder) {
  const link = new FakeLink(ue, ha, validNow());
  const ueSa = ue.connect(link.now);
  link.step(); // IKE_SA_INIT request -->
  link.step(); // <-- IKE_SA_INIT response
  link.step(); // IKE_AUTH { IDi, CERTREQ, IDr, N, CP, SA, TSi, TSr } -->
  const first = link.step(); // <-- IKE_AUTH { IDr, CERT, AUTH, EAP }
  const auth = first.payloads.find((p) => p.kind === 'auth');
  link.runUntil(() => link.eventsOf('ue', 'child-sa-established').length >= 2);
  const keyLog = link.eventsOf('ue', 'key-log')[0];
  const child = link.eventsOf('ha', 'child-sa-established')[1];
  assert.ok(keyLog?.kind === 'key-log' && child?.kind === 'child-sa-established');
  return { link, ueSa, method: auth?.kind === 'auth' ? auth.method : -1, keyLog, child };
}

test('ECDSA P-256 (method 9), X25519, AES-GCM-16-256: the defaults', () => {
  const r = attach(new IkeInitiator(ueConfig()), new IkeResponder(haConfig()));
  assert.equal(r.method, AUTH_METHOD_ECDSA_SHA256_P256);
  assert.equal(r.keyLog.encrId, EncrId.AES_GCM_16);
  assert.equal(r.keyLog.integId, undefined);
  assert.equal(r.keyLog.skEi.length, 36); // 32-byte key + 4-byte salt (RFC 5282 §7.1)
  assert.equal(r.child.encrId, EncrId.AES_GCM_16);
});

test('RSA-2048 certificate (method 1, SHA-1) with AES-CBC-256 + HMAC-SHA2-256-128 and ECP-256', () => {
  const ue = new IkeInitiator(ueConfig({ ca: 'ca-rsa', ikeProposals: CBC_IKE }));
  const ha = new IkeResponder(haConfig({ credentials: credentials('ha-rsa'), ikeProposals: CBC_IKE }));
  const r = attach(ue, ha);
  assert.equal(r.method, AuthMethod.RSA_SIGNATURE);
  assert.equal(r.keyLog.encrId, EncrId.AES_CBC);
  assert.equal(r.keyLog.integId, IntegId.HMAC_SHA2_256_128);
  assert.equal(r.keyLog.skAi.length, 32);
});

test('RFC 7427 digital signatures (method 14) with ECDSA and with RSA', () => {
  for (const [name, ca] of [
    ['ha-ecdsa', 'ca-ecdsa'],
    ['ha-rsa', 'ca-rsa'],
  ] as const) {
    const ue = new IkeInitiator(ueConfig({ ca }));
    const ha = new IkeResponder(haConfig({ credentials: credentials(name, [], true) }));
    assert.equal(attach(ue, ha).method, AuthMethod.DIGITAL_SIGNATURE, name);
  }
});

test('a chain through an intermediate CA, sent as two CERT payloads', () => {
  const ue = new IkeInitiator(ueConfig());
  const ha = new IkeResponder(haConfig({ credentials: credentials('ha-ecdsa-chain', ['intermediate-ecdsa']) }));
  assert.equal(attach(ue, ha).method, AUTH_METHOD_ECDSA_SHA256_P256);
});

test('AES-CBC-128 + HMAC-SHA1-96 with PRF-HMAC-SHA1 and MODP-2048, ESP CBC + SHA1-96', () => {
  const ue = new IkeInitiator(ueConfig({ ikeProposals: SHA1_IKE, espProposals: CBC_ESP }));
  const ha = new IkeResponder(haConfig({ ikeProposals: SHA1_IKE, espProposals: CBC_ESP }));
  const r = attach(ue, ha);
  assert.equal(r.keyLog.integId, IntegId.HMAC_SHA1_96);
  assert.equal(r.child.integId, IntegId.HMAC_SHA1_96);
  assert.equal(r.child.keysIn.encrKey.length, 16);
  assert.equal(r.child.keysIn.integKey.length, 20);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ipv4Address } from '../util/ip-address.ts';
import { DhGroup, EncrId, IntegId, NotifyType, PrfId } from '../wire/ike/constants.ts';
import type { IkeProposalConfig } from './config.ts';
import { IkeInitiator } from './initiator.ts';
import { IkeResponder } from './responder.ts';
import { EXCHANGE, FakeLink } from './test-link.ts';
import { haConfig, TEST_TIMING, ueConfig, validNow } from './test-support.ts';

const N = (t: number) => `N(${t})`;
const gcm = (dh: number[]): IkeProposalConfig[] => [
  { encr: [{ id: EncrId.AES_GCM_16, keyLengthBits: 256 }], integ: [], prf: [PrfId.HMAC_SHA2_256], dh },
];

test('INVALID_KE_PAYLOAD: the UE retries IKE_SA_INIT (Message ID 0) with the group the HA asks for', () => {
  const ue = new IkeInitiator(ueConfig({ ikeProposals: gcm([DhGroup.ECP_256, DhGroup.CURVE25519]) }));
  const ha = new IkeResponder(haConfig({ ikeProposals: gcm([DhGroup.CURVE25519]) }));
  const link = new FakeLink(ue, ha, validNow());
  ue.connect(link.now);
  // IKE_SA_INIT { SA, KE(19), Ni, ... } -->
  let m = link.step();
  assert.equal(
    m.payloads.find((p) => p.kind === 'ke')?.kind === 'ke' &&
      (m.payloads.find((p) => p.kind === 'ke') as { dhGroup: number }).dhGroup,
    19,
  );
  // <-- IKE_SA_INIT { N(INVALID_KE_PAYLOAD, 31) }
  m = link.step();
  assert.deepEqual(m.names, [N(NotifyType.INVALID_KE_PAYLOAD)]);
  assert.equal(ha.ikeSaCount, 0); // no state kept for a refusal
  // IKE_SA_INIT { SA, KE(31), Ni, ... } -->   (same Message ID 0)
  m = link.step();
  assert.equal(m.messageId, 0);
  const ke = m.payloads.find((p) => p.kind === 'ke');
  assert.equal(ke?.kind === 'ke' ? ke.dhGroup : 0, DhGroup.CURVE25519);
  link.runUntil(() => link.eventsOf('ue', 'child-sa-established').length >= 2);
  assert.equal(link.eventsOf('ue', 'error-notify').length, 1);
  // The HA reports what it sent; a refused IKE_SA_INIT is not an SA that failed.
  assert.deepEqual(
    link.haEvents.filter((e) => e.kind === 'error-notify' || e.kind === 'ike-sa-failed').map((e) => e.kind),
    ['error-notify'],
  );
});

test('NO_PROPOSAL_CHOSEN: unauthenticated, so the UE waits out the grace time, then fails', () => {
  const cbc: IkeProposalConfig[] = [
    {
      encr: [{ id: EncrId.AES_CBC, keyLengthBits: 256 }],
      integ: [IntegId.HMAC_SHA2_256_128],
      prf: [PrfId.HMAC_SHA2_256],
      dh: [DhGroup.CURVE25519],
    },
  ];
  const ue = new IkeInitiator(ueConfig({ ikeProposals: cbc }));
  const ha = new IkeResponder(haConfig({ ikeProposals: gcm([DhGroup.CURVE25519]) }));
  const link = new FakeLink(ue, ha, validNow());
  const id = ue.connect(link.now);
  link.step(); // IKE_SA_INIT { SA(CBC), KE, Ni } -->
  assert.deepEqual(link.step().names, [N(NotifyType.NO_PROPOSAL_CHOSEN)]); // <-- IKE_SA_INIT { N(NO_PROPOSAL_CHOSEN) }
  assert.equal(link.eventsOf('ue', 'ike-sa-failed').length, 0);
  const start = link.now;
  link.advance();
  assert.equal(link.now - start, TEST_TIMING.initErrorGraceMs);
  assert.equal(link.next(), undefined, 'no retransmission while waiting');
  const failed = link.eventsOf('ue', 'ike-sa-failed');
  assert.deepEqual(failed, [
    { kind: 'ike-sa-failed', ikeSaId: id, reason: 'no-proposal-chosen', notifyType: NotifyType.NO_PROPOSAL_CHOSEN },
  ]);
  assert.equal(ha.ikeSaCount, 0);
  assert.equal(ue.pollTimeout(), undefined);
});

test('COOKIE: above the half-open threshold the HA answers statelessly and admits the retry', () => {
  const ue = new IkeInitiator(ueConfig());
  const ha = new IkeResponder(
    haConfig({ cookies: { threshold: 0, secret: { version: 7, secret: new Uint8Array(16) } } }),
  );
  const link = new FakeLink(ue, ha, validNow());
  ue.connect(link.now);
  link.step(); // IKE_SA_INIT { SA, KE, Ni } -->
  // <-- IKE_SA_INIT { N(COOKIE) }
  const cookie = link.step();
  assert.deepEqual(cookie.names, [N(NotifyType.COOKIE)]);
  assert.equal(ha.ikeSaCount, 0);
  // IKE_SA_INIT { N(COOKIE), SA, KE, Ni, ... } -->
  const retry = link.step();
  assert.equal(retry.names[0], N(NotifyType.COOKIE));
  assert.equal(retry.messageId, 0);
  assert.equal(ha.ikeSaCount, 1);
  link.runUntil(() => link.eventsOf('ue', 'child-sa-established').length >= 2);
  assert.equal(ha.counters.cookiesSent, 1);
  assert.equal(ha.halfOpenCount, 0);
});

test('COOKIE: a forged or stale cookie is refused with a fresh one', () => {
  const ha = new IkeResponder(
    haConfig({ cookies: { threshold: 0, secret: { version: 1, secret: new Uint8Array(16) } } }),
  );
  const ue = new IkeInitiator(ueConfig());
  const link = new FakeLink(ue, ha, validNow());
  ue.connect(link.now);
  link.step();
  link.step(); // <-- N(COOKIE)
  ha.rotateCookieSecret({ version: 2, secret: new Uint8Array(16).fill(1) });
  ha.rotateCookieSecret({ version: 3, secret: new Uint8Array(16).fill(2) }); // version 1 is now forgotten
  link.step(); // IKE_SA_INIT { N(COOKIE v1), ... } -->
  assert.equal(ha.counters.invalidCookies, 1);
  assert.deepEqual(link.step().names, [N(NotifyType.COOKIE)]); // <-- a fresh cookie
  link.runUntil(() => link.eventsOf('ue', 'child-sa-established').length >= 2);
});

test('NAT detected: the UE floats to 4500 with the non-ESP marker, the HA follows the NAT mapping', () => {
  const ue = new IkeInitiator(ueConfig());
  const ha = new IkeResponder(haConfig());
  const nat = { publicAddr: Ipv4Address.parse('203.0.113.5'), portBase: 40000 };
  const link = new FakeLink(ue, ha, validNow(), nat);
  ue.connect(link.now);
  const init = link.next()!;
  assert.equal(init.t.localPort, 500);
  assert.equal(init.t.nonEspMarker, false);
  link.step(); // IKE_SA_INIT -->
  link.step(); // <-- IKE_SA_INIT
  const auth = link.next()!; // IKE_AUTH --> on 4500
  assert.equal(auth.from, 'ue');
  assert.deepEqual([auth.t.localPort, auth.t.remotePort, auth.t.nonEspMarker], [4500, 4500, true]);
  link.runUntil(() => link.eventsOf('ue', 'child-sa-established').length >= 2);
  const ueNat = link.eventsOf('ue', 'nat-detected')[0];
  const haNat = link.eventsOf('ha', 'nat-detected')[0];
  assert.ok(ueNat?.kind === 'nat-detected' && haNat?.kind === 'nat-detected');
  assert.deepEqual([ueNat.localBehindNat, ueNat.remoteBehindNat], [true, false]);
  assert.deepEqual([haNat.localBehindNat, haNat.remoteBehindNat], [false, true]);
  const child = link.eventsOf('ha', 'child-sa-established')[0];
  assert.ok(child?.kind === 'child-sa-established' && child.udpEncapsulation);
  // The HA learnt the NAT's 4500 mapping from the authenticated IKE_AUTH request (RFC 7296 §2.23).
  const session = ha.session(link.eventsOf('ha', 'ike-sa-established')[0]!.ikeSaId as number);
  assert.equal(session?.path.remoteAddr.toString(), '203.0.113.5');
  assert.equal(session?.path.remotePort, 40001);
  assert.equal(session?.path.localPort, 4500);
});

test('no NAT: everything stays on port 500 and no nat-detected event is raised', () => {
  const link = new FakeLink(new IkeInitiator(ueConfig()), new IkeResponder(haConfig()), validNow());
  link.ue.connect(link.now);
  const seen = [];
  for (;;) {
    const d = link.next();
    if (!d) break;
    seen.push(d.t.localPort);
    link.step();
  }
  assert.ok(seen.every((p) => p === 500));
  assert.equal(link.eventsOf('ue', 'nat-detected').length, 0);
  assert.equal(link.eventsOf('ue', 'child-sa-established').length, 2);
  assert.equal(EXCHANGE.INIT, 34);
});

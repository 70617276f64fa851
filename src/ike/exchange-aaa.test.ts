/**
 * IKE_AUTH with an external AAA (the HA as EAP pass-through authenticator, RFC 3748 §2.3): each EAP Response is
 * handed out as `eap-pending` and the IKE response waits for `completeEap`, in virtual time.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NotifyType } from '../wire/ike/constants.ts';
import { identityData } from '../wire/ike/identity.ts';
import { type EapAnswer, type EapServer, type EapServerFactory, eapSuccessFor } from './eap.ts';
import type { IkeEvent } from './events.ts';
import { IkeInitiator } from './initiator.ts';
import { IkeResponder } from './responder.ts';
import { FakeLink } from './test-link.ts';
import { fakeEapPeer, fakeEapServer, haConfig, NAI, ueConfig, validNow } from './test-support.ts';

type Pending = Extract<IkeEvent, { kind: 'eap-pending' }>;
const N = (t: number) => `N(${t})`;
const SECOND = 'user@pdn.example';

/** An AAA server in the test: the fake EAP method behind the `eap-pending` / `completeEap` boundary. */
class FakeAaa {
  private readonly servers = new Map<string, EapServer>();
  private seen = 0;
  readonly rounds: number[] = [];

  constructor(private readonly factory: EapServerFactory) {}

  answer(e: Pending): EapAnswer {
    this.rounds.push(e.round);
    const key = `${e.ikeSaId}/${e.round}`;
    if (e.eap[4] === 1) {
      // EAP-Response/Identity opens the round (RFC 3579 §2.1); the identity is the round's IDi.
      assert.equal(new TextDecoder().decode(e.eap.subarray(5)), e.identity);
      const server = this.factory({ ikeIdentity: e.identity, round: e.round });
      this.servers.set(key, server);
      return { kind: 'continue', eap: server.start() };
    }
    const step = this.servers.get(key)!.handle(e.eap);
    const r = step.result;
    if (r?.ok) return { kind: 'success', eap: r.eapSuccess ?? eapSuccessFor(e.eap), identity: r.identity, msk: r.msk! };
    if (r) return { kind: 'failure', reason: 'rejected', detail: 'wrong secret', eap: r.eapFailure };
    return { kind: 'continue', eap: step.request! };
  }

  /** Pending rounds not handed to `answer` yet. */
  take(link: FakeLink): Pending[] {
    const all = link.eventsOf('ha', 'eap-pending') as Pending[];
    const fresh = all.slice(this.seen);
    this.seen = all.length;
    return fresh;
  }

  /** Delivers and answers at once until the link is quiet. */
  drive(link: FakeLink, limit = 50): void {
    for (let i = 0; i < limit; i++) {
      link.flush();
      const fresh = this.take(link);
      if (fresh.length === 0) return;
      for (const e of fresh) assert.ok(link.ha.completeEap(link.now, e.ikeSaId, e.token, this.answer(e)));
    }
    throw new Error('AAA loop did not settle');
  }
}

const external = (timeoutMs = 10_000) => ({ kind: 'external', timeoutMs }) as const;
const secrets = { [NAI]: 'subscriber-secret', [SECOND]: 'pdn secret' };

function twoRoundUe(secondSecret = 'pdn secret'): IkeInitiator {
  const base = ueConfig();
  const round2 = {
    identity: identityData({ kind: 'rfc822', address: SECOND }),
    eapPeer: () => fakeEapPeer(secondSecret),
  };
  return new IkeInitiator({ ...base, auth: { ...base.auth, rounds: [...base.auth.rounds, round2] } });
}

test('pending EAP: a retransmitted IKE_AUTH is dropped while the AAA works, the answer releases the response', () => {
  const ha = new IkeResponder(haConfig({ eapServer: external() }));
  const link = new FakeLink(new IkeInitiator(ueConfig()), ha, validNow());
  const aaa = new FakeAaa(fakeEapServer(secrets));
  link.ue.connect(link.now);
  link.step(); // IKE_SA_INIT -->
  link.step(); // <-- IKE_SA_INIT
  link.step(); // IKE_AUTH { IDi, CERTREQ, IDr, N, CP, SA, TSi, TSr } -->
  assert.equal(link.next(), undefined); // the HA waits for the AAA: nothing goes out
  const [first] = aaa.take(link);
  assert.ok(first);
  assert.equal(first.round, 0);
  assert.equal(first.identity, NAI);
  assert.equal(first.token, 1); // the Message ID of the request it answers
  // The UE retransmits (RFC 7296 §2.1); the HA neither answers nor forwards it again.
  link.advance(link.now + 500);
  link.step(); // IKE_AUTH { IDi, ... } --> (retransmission)
  assert.equal(link.next(), undefined);
  assert.equal(ha.counters.droppedInProgress, 1);
  assert.deepEqual(aaa.take(link), []);
  const answer = aaa.answer(first);
  assert.ok(ha.completeEap(link.now, first.ikeSaId, first.token, answer));
  assert.deepEqual(link.step().names, ['IDr', 'CERT', 'AUTH', 'EAP']); // <-- IKE_AUTH
  assert.equal(ha.completeEap(link.now, first.ikeSaId, first.token, answer), false); // twice: discarded
  aaa.drive(link);
  assert.equal(link.eventsOf('ue', 'child-sa-established').length, 2);
  assert.deepEqual(aaa.rounds, [0, 0]);
  assert.equal(ha.counters.eapAnswersDiscarded, 1);
});

test('pending EAP: an answer after the IKE SA was deleted is discarded', () => {
  const ha = new IkeResponder(haConfig({ eapServer: external() }));
  const link = new FakeLink(new IkeInitiator(ueConfig()), ha, validNow());
  const aaa = new FakeAaa(fakeEapServer(secrets));
  link.ue.connect(link.now);
  link.flush();
  const [pending] = aaa.take(link);
  assert.ok(pending);
  assert.ok(ha.removeIkeSa(link.now, pending.ikeSaId));
  const sent = ha.counters.sent;
  assert.equal(ha.completeEap(link.now, pending.ikeSaId, pending.token, aaa.answer(pending)), false);
  assert.equal(ha.counters.eapAnswersDiscarded, 1);
  assert.equal(ha.counters.sent, sent);
});

test('pending EAP: no answer before the deadline fails the round with EAP-Failure and AUTHENTICATION_FAILED', () => {
  const ha = new IkeResponder(haConfig({ eapServer: external(3000) }));
  const link = new FakeLink(new IkeInitiator(ueConfig()), ha, validNow());
  const aaa = new FakeAaa(fakeEapServer(secrets));
  link.ue.connect(link.now);
  link.flush();
  const [pending] = aaa.take(link);
  assert.ok(pending);
  assert.equal(pending.deadline, link.now + 3000);
  // The UE retransmits at +500, +1500 (back-off); each is dropped; at +3000 the round fails.
  let seen: string[] = [];
  while (seen.length === 0) {
    link.advance();
    for (const m of link.flush()) if (m.from === 'ha') seen = [...m.names];
  }
  assert.deepEqual(seen, ['EAP', N(NotifyType.AUTHENTICATION_FAILED)]); // <-- IKE_AUTH { EAP(Failure), N(24) }
  assert.equal(link.now, pending.deadline);
  const failed = link.eventsOf('ha', 'auth-failed')[0];
  assert.ok(failed?.kind === 'auth-failed');
  assert.equal(failed.aaaReason, 'timeout');
  assert.equal(ha.ikeSaCount + link.ue.ikeSaCount, 0);
  assert.equal(ha.completeEap(link.now, pending.ikeSaId, pending.token, aaa.answer(pending)), false);
});

test('pending EAP: an AAA rejection becomes EAP-Failure + AUTHENTICATION_FAILED with the reason in the event', () => {
  const ha = new IkeResponder(haConfig({ eapServer: external() }));
  const link = new FakeLink(new IkeInitiator(ueConfig({ secret: 'wrong' })), ha, validNow());
  link.ue.connect(link.now);
  new FakeAaa(fakeEapServer(secrets)).drive(link);
  const failed = link.eventsOf('ha', 'auth-failed')[0];
  assert.ok(failed?.kind === 'auth-failed');
  assert.deepEqual([failed.reason, failed.aaaReason], ['aaa-failure', 'rejected']);
  const ueFailed = link.eventsOf('ue', 'auth-failed')[0];
  assert.ok(ueFailed?.kind === 'auth-failed');
  assert.equal(ueFailed.reason, 'eap-failure');
  assert.equal(ha.ikeSaCount + link.ue.ikeSaCount, 0);
});

test('RFC 4739: both rounds pending on the external AAA; the Child SAs come after the second', () => {
  const ha = new IkeResponder(haConfig({ eapServer: external(), requiredAuthRounds: 2 }));
  const link = new FakeLink(twoRoundUe(), ha, validNow());
  const aaa = new FakeAaa(fakeEapServer(secrets));
  link.ue.connect(link.now);
  aaa.drive(link);
  // Round 1: Identity, one challenge; round 2 likewise (fake method, one challenge per round).
  assert.deepEqual(aaa.rounds, [0, 0, 1, 1]);
  const est = link.eventsOf('ha', 'ike-sa-established')[0];
  assert.ok(est?.kind === 'ike-sa-established');
  assert.deepEqual(est.eapIdentities, [NAI, SECOND]);
  assert.equal(link.eventsOf('ue', 'child-sa-established').length, 2);
});

test('RFC 4739: a failed second round leaves no IKE SA and no Child SA', () => {
  const ha = new IkeResponder(haConfig({ eapServer: external(), requiredAuthRounds: 2 }));
  const link = new FakeLink(twoRoundUe('wrong'), ha, validNow());
  link.ue.connect(link.now);
  new FakeAaa(fakeEapServer(secrets)).drive(link);
  assert.equal(link.eventsOf('ha', 'eap-success').length, 1);
  assert.equal(
    link.eventsOf('ue', 'child-sa-established').length + link.eventsOf('ha', 'child-sa-established').length,
    0,
  );
  assert.equal(ha.ikeSaCount + link.ue.ikeSaCount, 0);
});

test('an HA that requires a second round refuses a UE that announces none (AUTHENTICATION_FAILED)', () => {
  const ha = new IkeResponder(haConfig({ eapServer: fakeEapServer(secrets, 1), requiredAuthRounds: 2 }));
  const link = new FakeLink(new IkeInitiator(ueConfig()), ha, validNow());
  link.ue.connect(link.now);
  const seen = link.flush();
  assert.deepEqual(seen.at(-1)?.names, [N(NotifyType.AUTHENTICATION_FAILED)]); // <-- IKE_AUTH { N(24) }
  const failed = link.eventsOf('ha', 'auth-failed')[0];
  assert.ok(failed?.kind === 'auth-failed');
  assert.equal(failed.reason, 'second-round-required');
  assert.equal(link.eventsOf('ue', 'child-sa-established').length, 0);
  assert.equal(ha.ikeSaCount + link.ue.ikeSaCount, 0);
});

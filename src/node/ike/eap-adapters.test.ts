/**
 * EAP-AKA through the IKEv2 engine: a UE and a HA on the simulated link with the real EAP-AKA peer and server
 * (TS 35.208 set 1), each IKE_AUTH message commented with its EAP content.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initialHeSqnState, initialUsimSqnState, type UsimSqnState } from '../../crypto/index.ts';
import { IMSI, ROOT_NAI, SET1, seededRandom, set1Store, set1Subscriber } from '../../eap/aka-test-support.ts';
import type { AkaPeerEvent, AkaServerEvent } from '../../eap/index.ts';
import { InMemorySubscriberStore } from '../../eap/subscriber.ts';
import type { IkeEvent } from '../../ike/events.ts';
import { IkeInitiator } from '../../ike/initiator.ts';
import { IkeResponder } from '../../ike/responder.ts';
import { attached, FakeLink } from '../../ike/test-link.ts';
import { haConfig, testPool, ueConfig, validNow } from '../../ike/test-support.ts';
import { fromHex } from '../../util/hex.ts';
import { decodeEap } from '../../wire/eap/index.ts';
import { identityData } from '../../wire/ike/identity.ts';
import { eapAkaPeerFactory, eapAkaServerFactory } from './eap-adapters.ts';

interface Setup {
  readonly k?: Uint8Array;
  readonly store?: InMemorySubscriberStore;
  readonly usimSqnState?: UsimSqnState;
}

function pair(s: Setup = {}) {
  const usimUpdates: UsimSqnState[] = [];
  const peerEvents: AkaPeerEvent[] = [];
  const serverEvents: AkaServerEvent[] = [];
  const peer = eapAkaPeerFactory({
    imsi: IMSI,
    mcc: '001',
    mnc: '01',
    k: s.k ?? SET1.k,
    opc: SET1.opc,
    usimSqnState: s.usimSqnState ?? initialUsimSqnState(),
    onUsimSqnUpdated: (state) => usimUpdates.push(state),
    onEvent: (e) => peerEvents.push(e),
  });
  const base = ueConfig();
  const store = s.store ?? set1Store();
  const pool = testPool();
  const newUe = () =>
    new IkeInitiator({
      ...base,
      auth: {
        ...base.auth,
        rounds: [{ identity: identityData({ kind: 'rfc822', address: ROOT_NAI }), eapPeer: peer }],
      },
    });
  const ha = new IkeResponder(
    haConfig({
      pool,
      eapServer: eapAkaServerFactory({ store, random: seededRandom(7), onEvent: (e) => serverEvents.push(e) }),
    }),
  );
  return { newUe, ha, store, pool, usimUpdates, peerEvents, serverEvents };
}

const kinds = (events: readonly { kind: string }[]) => events.map((e) => e.kind);
const eapCode = (seen: { payloads: readonly { kind: string; data?: Uint8Array }[] }) => {
  const eap = seen.payloads.find((p) => p.kind === 'eap');
  return eap?.data ? decodeEap(eap.data) : undefined;
};

test('set 1 attach: AKA-Challenge, MSK AUTH on both sides, the HA keys the session and prefix on the IMSI', () => {
  const p = pair();
  const link = new FakeLink(p.newUe(), p.ha, validNow());
  link.ue.connect(link.now);
  link.step(); // IKE_SA_INIT -->
  link.step(); // <-- IKE_SA_INIT
  link.step(); // IKE_AUTH { IDi = root NAI, IDr, CP, SA, TSi, TSr } -->
  // <-- IKE_AUTH { IDr, CERT, AUTH, EAP-Request/AKA-Challenge }: the root NAI in IDi is a permanent identity,
  //     so no AKA-Identity round (RFC 4187 §4.1.4; RFC 7296 §2.16: IDi stands in for EAP-Response/Identity)
  let eap = eapCode(link.step());
  assert.ok(eap?.kind === 'request' && eap.body.kind === 'aka' && eap.body.subtype === 1);
  eap = eapCode(link.step()); // IKE_AUTH { EAP-Response/AKA-Challenge (AT_RES, AT_MAC) } -->
  assert.ok(eap?.kind === 'response' && eap.body.kind === 'aka' && eap.body.subtype === 1);
  assert.equal(eapCode(link.step())?.kind, 'success'); // <-- IKE_AUTH { EAP-Success }
  link.runUntil(() => link.eventsOf('ue', 'child-sa-established').length === 2);

  const haSuccess = link.eventsOf('ha', 'eap-success')[0];
  assert.ok(haSuccess?.kind === 'eap-success');
  assert.equal(haSuccess.identity, IMSI);
  const ueSuccess = link.eventsOf('ue', 'eap-success')[0];
  assert.equal(ueSuccess?.kind === 'eap-success' && ueSuccess.identity, ROOT_NAI);
  const established = link.eventsOf('ha', 'ike-sa-established')[0];
  assert.ok(established?.kind === 'ike-sa-established');
  assert.equal(established.peerId, ROOT_NAI);
  assert.deepEqual(established.eapIdentities, [IMSI]);
  assert.deepEqual([...p.pool.allocated.keys()], [`${IMSI}/${established.ikeSaId}`]);

  // SQN: the server stored SEQ_HE 1 before the vector left; the USIM accepted it and reported it once.
  assert.deepEqual(kinds(p.serverEvents), ['sqn-updated', 'success']);
  assert.equal(p.store.get(IMSI)?.sqn.seqHe, 1);
  assert.deepEqual(kinds(p.peerEvents), ['usim-sqn-updated', 'success']);
  assert.equal(p.usimUpdates.length, 1);
  assert.ok(p.usimUpdates[0]!.seqMs.includes(1));
});

test('the factory carries SEQ_MS over: after the HA lost its SQN, the next attach resynchronises with AUTS', () => {
  const p = pair();
  attached(new FakeLink(p.newUe(), p.ha, validNow()));
  attached(new FakeLink(p.newUe(), p.ha, validNow()));
  assert.equal(p.usimUpdates.length, 2);
  // The AuC is restored from an old backup: SEQ_HE back to 0, so its next SQN (SEQ 1) is stale for a USIM at 2.
  p.store.updateSqn(IMSI, initialHeSqnState());
  p.serverEvents.length = 0;
  p.peerEvents.length = 0;
  const link = new FakeLink(p.newUe(), p.ha, validNow());
  attached(link);
  // AKA-Challenge (SEQ 1) → AKA-Synchronization-Failure (AUTS) → SEQ_HE from SQN_MS → AKA-Challenge → success
  assert.deepEqual(kinds(p.peerEvents), ['sync-failure', 'usim-sqn-updated', 'success']);
  assert.deepEqual(
    p.serverEvents.map((e) => (e.kind === 'sqn-updated' ? `${e.kind}/${e.cause}` : e.kind)),
    ['sqn-updated/vector', 'sqn-updated/resync', 'sqn-updated/vector', 'success'],
  );
  assert.equal(p.store.get(IMSI)?.sqn.seqHe, 3);
  assert.equal(link.eventsOf('ue', 'ike-sa-established').length, 1);
});

function failures(events: readonly IkeEvent[]): string[] {
  return events.flatMap((e) =>
    e.kind === 'auth-failed' || e.kind === 'ike-sa-failed' ? [`${e.kind}:${e.reason}`] : [],
  );
}

test('a USIM with another K rejects AUTN: Authentication-Reject, EAP-Failure, the attach fails on both sides', () => {
  const p = pair({ k: fromHex('00112233445566778899aabbccddeeff') });
  const link = new FakeLink(p.newUe(), p.ha, validNow());
  link.ue.connect(link.now);
  link.flush();
  // The failure is reported once, with the reject; the EAP-Failure that follows only ends the conversation.
  assert.deepEqual(
    p.peerEvents.map((e) => (e.kind === 'failure' ? e.reason : e.kind)),
    ['AUTN_REJECTED'],
  );
  assert.deepEqual(
    p.serverEvents.map((e) => (e.kind === 'failure' ? e.reason : e.kind)),
    ['sqn-updated', 'AUTHENTICATION_REJECT'],
  );
  assert.deepEqual(failures(link.ueEvents), ['auth-failed:eap-failure', 'ike-sa-failed:eap-failure']);
  assert.deepEqual(failures(link.haEvents), ['auth-failed:eap-failure', 'ike-sa-failed:eap-failure']);
  assert.equal(p.usimUpdates.length, 0);
});

test('an unknown subscriber gets a failure Notification, then EAP-Failure; no prefix is allocated', () => {
  const other = { ...set1Subscriber(), imsi: '001010000000002' };
  const p = pair({ store: new InMemorySubscriberStore([other]) });
  const link = new FakeLink(p.newUe(), p.ha, validNow());
  link.ue.connect(link.now);
  link.flush();
  assert.deepEqual(
    p.serverEvents.map((e) => (e.kind === 'failure' ? e.reason : e.kind)),
    ['UNKNOWN_SUBSCRIBER'],
  );
  assert.deepEqual(
    p.peerEvents.map((e) => (e.kind === 'failure' ? e.reason : e.kind)),
    ['notification', 'FAILURE_NOTIFICATION'],
  );
  assert.deepEqual(failures(link.ueEvents), ['auth-failed:eap-failure', 'ike-sa-failed:eap-failure']);
  assert.equal(p.pool.allocated.size, 0);
});

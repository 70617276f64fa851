/**
 * EAP-AKA peer and server joined directly, message by message (RFC 4187 §3 figures), with TS 35.208 set 1 keys.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { initialHeSqnState, initialUsimSqnState, type UsimSqnState } from '../crypto/index.ts';
import { SubscriberFileStore } from '../node/aaa/subscriber-file-store.ts';
import { fromHex } from '../util/hex.ts';
import type { AkaPeerEvent } from './aka-peer.ts';
import type { AkaServerEvent } from './aka-server.ts';
import { IMSI, makePeer, makeServer, ROOT_NAI, set1Store, summarize } from './aka-test-support.ts';
import { formatSubscriberFile, InMemorySubscriberStore, lastSqnOf } from './subscriber.ts';

function only<E extends { kind: string }, K extends E['kind']>(events: readonly E[], kind: K): Extract<E, { kind: K }> {
  const found = events.filter((e) => e.kind === kind);
  assert.equal(found.length, 1, `exactly one ${kind} event in ${JSON.stringify(events.map((e) => e.kind))}`);
  return found[0] as Extract<E, { kind: K }>;
}

test('full authentication with the AKA-Identity round: both sides derive the same MSK', () => {
  const server = makeServer();
  const peer = makePeer();
  // EAP-Request/AKA-Identity { AT_PERMANENT_ID_REQ } -->
  const s1 = server.start();
  assert.equal(summarize(s1.send), 'EAP-Request/AKA-Identity { permanent-id-req }');
  // <-- EAP-Response/AKA-Identity { AT_IDENTITY = root NAI }
  const p1 = peer.handleRequest(s1.send!);
  assert.equal(summarize(p1.send), 'EAP-Response/AKA-Identity { identity }');
  // EAP-Request/AKA-Challenge { AT_RAND, AT_AUTN, AT_CHECKCODE, AT_MAC } -->
  const s2 = server.handleResponse(p1.send!);
  assert.equal(summarize(s2.send), 'EAP-Request/AKA-Challenge { rand, autn, checkcode, mac }');
  assert.equal(only(s2.events, 'sqn-updated').cause, 'vector');
  // <-- EAP-Response/AKA-Challenge { AT_RES, AT_CHECKCODE, AT_MAC }
  const p2 = peer.handleRequest(s2.send!);
  assert.equal(summarize(p2.send), 'EAP-Response/AKA-Challenge { res, checkcode, mac }');
  only(p2.events, 'usim-sqn-updated');
  assert.equal(peer.phase, 'challenge-answered');
  // EAP-Success -->
  const s3 = server.handleResponse(p2.send!);
  assert.equal(summarize(s3.send), 'EAP-Success');
  const p3 = peer.handleRequest(s3.send!);
  assert.equal(p3.send, undefined);
  const atServer = only(s3.events, 'success');
  const atPeer = only(p3.events, 'success');
  assert.deepEqual(atPeer.msk, atServer.msk);
  assert.deepEqual(atPeer.emsk, atServer.emsk);
  assert.equal(atServer.msk.length, 64);
  assert.equal(atServer.imsi, IMSI);
  assert.equal(new TextDecoder().decode(atServer.identity), ROOT_NAI);
  assert.equal(server.phase, 'success');
  assert.equal(peer.phase, 'success');
});

test('full authentication without the identity round: the IKE IDi is the identity in MK (RFC 7296 §2.16)', () => {
  const server = makeServer({ ikeIdentity: ROOT_NAI });
  const peer = makePeer();
  // EAP-Request/AKA-Challenge { AT_RAND, AT_AUTN, AT_MAC } -->   (no AT_CHECKCODE: no identity round to protect)
  const s1 = server.start();
  assert.equal(summarize(s1.send), 'EAP-Request/AKA-Challenge { rand, autn, mac }');
  // <-- EAP-Response/AKA-Challenge { AT_RES, AT_MAC }
  const p1 = peer.handleRequest(s1.send!);
  assert.equal(summarize(p1.send), 'EAP-Response/AKA-Challenge { res, mac }');
  // EAP-Success -->
  const s2 = server.handleResponse(p1.send!);
  assert.equal(summarize(s2.send), 'EAP-Success');
  assert.deepEqual(only(peer.handleRequest(s2.send!).events, 'success').msk, only(s2.events, 'success').msk);
});

test('an EAP-Request/Identity first is answered with the root NAI, which then keys MK', () => {
  const peer = makePeer();
  // EAP-Request/Identity -->   (built by hand: the server core itself never sends one)
  const p0 = peer.handleRequest(fromHex('01000005 01'));
  assert.equal(summarize(p0.send), 'EAP-Response/Identity');
  assert.equal(new TextDecoder().decode(p0.send!.subarray(5)), ROOT_NAI);
  const server = makeServer({ ikeIdentity: p0.send!.subarray(5) });
  const p1 = peer.handleRequest(server.start().send!);
  const s2 = server.handleResponse(p1.send!);
  assert.equal(summarize(s2.send), 'EAP-Success');
});

test('wrong K on the UE: AUTN fails its MAC, AKA-Authentication-Reject, EAP-Failure (RFC 4187 Figure 3)', () => {
  const server = makeServer({ ikeIdentity: ROOT_NAI });
  const peer = makePeer({ k: fromHex('000102030405060708090a0b0c0d0e0f') });
  // EAP-Request/AKA-Challenge { AT_RAND, AT_AUTN, AT_MAC } -->
  const s1 = server.start();
  // <-- EAP-Response/AKA-Authentication-Reject
  const p1 = peer.handleRequest(s1.send!);
  assert.equal(summarize(p1.send), 'EAP-Response/AKA-Authentication-Reject');
  assert.deepEqual(only(p1.events, 'failure'), { kind: 'failure', reason: 'AUTN_REJECTED' });
  // EAP-Failure -->
  const s2 = server.handleResponse(p1.send!);
  assert.equal(summarize(s2.send), 'EAP-Failure');
  assert.equal(only(s2.events, 'failure').reason, 'AUTHENTICATION_REJECT');
  assert.deepEqual(peer.handleRequest(s2.send!).events, []); // already failed, not reported twice
  assert.equal(peer.stats.discarded, 0);
});

function runResync(usim: UsimSqnState, heSeq: number): { peerEvents: AkaPeerEvent[]; serverEvents: AkaServerEvent[] } {
  const store = set1Store({ seqHe: heSeq, ind: 31 });
  const server = makeServer({ store, ikeIdentity: ROOT_NAI });
  const peer = makePeer({ usimSqnState: usim });
  // EAP-Request/AKA-Challenge { AT_RAND, AT_AUTN, AT_MAC } -->
  const s1 = server.start();
  // <-- EAP-Response/AKA-Synchronization-Failure { AT_AUTS }
  const p1 = peer.handleRequest(s1.send!);
  assert.equal(summarize(p1.send), 'EAP-Response/AKA-Synchronization-Failure { auts }');
  assert.equal(peer.phase, 'start');
  // EAP-Request/AKA-Challenge { AT_RAND, AT_AUTN, AT_MAC } -->   (after resynchronisation with AUTS)
  const s2 = server.handleResponse(p1.send!);
  assert.equal(summarize(s2.send), 'EAP-Request/AKA-Challenge { rand, autn, mac }');
  // <-- EAP-Response/AKA-Challenge { AT_RES, AT_MAC }
  const p2 = peer.handleRequest(s2.send!);
  assert.equal(summarize(p2.send), 'EAP-Response/AKA-Challenge { res, mac }');
  // EAP-Success -->
  const s3 = server.handleResponse(p2.send!);
  assert.equal(summarize(s3.send), 'EAP-Success');
  const p3 = peer.handleRequest(s3.send!);
  assert.deepEqual(only(p3.events, 'success').msk, only(s3.events, 'success').msk);
  return { peerEvents: [...p1.events, ...p2.events], serverEvents: [...s1.events, ...s2.events] };
}

test('USIM ahead of the AuC: Synchronization-Failure, AUTS, resync, a fresh Challenge, success', () => {
  const usim = { seqMs: new Array<number>(32).fill(1000) };
  const { peerEvents, serverEvents } = runResync(usim, 5);
  assert.equal(only(peerEvents, 'sync-failure').sqnReason, 'NOT_FRESH');
  const sqns = serverEvents.filter((e) => e.kind === 'sqn-updated');
  assert.deepEqual(
    sqns.map((e) => [e.cause, e.sqn.seqHe]),
    [
      ['vector', 6],
      ['resync', 1000], // SQN_HE := SQN_MS (TS 33.102 §6.3.5)
      ['vector', 1001],
    ],
  );
});

test('AuC too far ahead of the USIM (more than Δ): the resync brings SQN_HE back', () => {
  const { peerEvents, serverEvents } = runResync(initialUsimSqnState(), 2 ** 28 + 10);
  assert.equal(only(peerEvents, 'sync-failure').sqnReason, 'TOO_FAR_AHEAD');
  const last = serverEvents.filter((e) => e.kind === 'sqn-updated').at(-1)!;
  assert.equal(last.sqn.seqHe, 1);
});

test('a tampered AT_RES makes the peer response MAC invalid: Notification 16384, then EAP-Failure (Figure 2)', () => {
  const server = makeServer({ ikeIdentity: ROOT_NAI });
  const peer = makePeer();
  const s1 = server.start();
  const p1 = peer.handleRequest(s1.send!);
  const tampered = p1.send!.slice();
  tampered[12]! ^= 0x01; // first RES byte: 02 id len | 17 01 0000 | 03 03 0040 | RES...
  // EAP-Request/AKA-Notification { AT_NOTIFICATION = General failure } -->
  const s2 = server.handleResponse(tampered);
  assert.equal(summarize(s2.send), 'EAP-Request/AKA-Notification { notification }');
  // <-- EAP-Response/AKA-Notification
  const p2 = peer.handleRequest(s2.send!);
  assert.equal(summarize(p2.send), 'EAP-Response/AKA-Notification');
  assert.deepEqual(only(p2.events, 'failure'), { kind: 'failure', reason: 'FAILURE_NOTIFICATION', code: 16384 });
  // EAP-Failure -->
  const s3 = server.handleResponse(p2.send!);
  assert.equal(summarize(s3.send), 'EAP-Failure');
  assert.deepEqual(only(s3.events, 'failure'), { kind: 'failure', reason: 'BAD_MAC', imsi: IMSI });
  assert.deepEqual(peer.handleRequest(s3.send!).events, []);
});

test('unknown IMSI: General failure notification after AT_IDENTITY, then EAP-Failure (RFC 4187 §4.1.7)', () => {
  const server = makeServer({ store: new InMemorySubscriberStore() });
  const peer = makePeer();
  const p1 = peer.handleRequest(server.start().send!);
  // EAP-Request/AKA-Notification { AT_NOTIFICATION = 16384 } -->
  const s2 = server.handleResponse(p1.send!);
  assert.equal(summarize(s2.send), 'EAP-Request/AKA-Notification { notification }');
  // <-- EAP-Response/AKA-Notification
  const p2 = peer.handleRequest(s2.send!);
  only(p2.events, 'failure');
  // EAP-Failure -->
  const s3 = server.handleResponse(p2.send!);
  assert.equal(summarize(s3.send), 'EAP-Failure');
  assert.deepEqual(only(s3.events, 'failure'), { kind: 'failure', reason: 'UNKNOWN_SUBSCRIBER' });
});

test('a lost Response: the server retransmits its Challenge, the peer replays its answer without a new SQN', () => {
  const server = makeServer();
  const peer = makePeer();
  const p1 = peer.handleRequest(server.start().send!);
  const s2 = server.handleResponse(p1.send!);
  const p2 = peer.handleRequest(s2.send!);
  // <-- EAP-Response/AKA-Challenge   (lost)
  // EAP-Request/AKA-Challenge -->    (the lower layer retransmits the outstanding Request, RFC 3748 §4.1)
  assert.deepEqual(server.pendingRequest, s2.send);
  const again = peer.handleRequest(server.pendingRequest!);
  assert.deepEqual(again.send, p2.send);
  assert.deepEqual(again.events, []); // no second usim-sqn-updated
  assert.equal(peer.stats.duplicates, 1);
  // <-- EAP-Response/AKA-Challenge (the replay)
  const s3 = server.handleResponse(again.send!);
  assert.equal(summarize(s3.send), 'EAP-Success');
  // <-- the first copy arrives late: silently discarded, its Identifier is no longer outstanding
  assert.deepEqual(server.handleResponse(p2.send!), { events: [] });
  assert.equal(server.stats.discarded, 1);
  only(peer.handleRequest(s3.send!).events, 'success');
});

test('a duplicated AKA-Identity Response is discarded by the server (RFC 3748 §4.1)', () => {
  const server = makeServer();
  const peer = makePeer();
  const p1 = peer.handleRequest(server.start().send!);
  const s2 = server.handleResponse(p1.send!);
  assert.deepEqual(server.handleResponse(p1.send!), { events: [] });
  const s3 = server.handleResponse(peer.handleRequest(s2.send!).send!);
  assert.equal(summarize(s3.send), 'EAP-Success');
});

test('an unknown non-skippable attribute in AKA-Identity: peer Client-Error, server EAP-Failure', () => {
  const server = makeServer();
  const peer = makePeer();
  const s1 = server.start().send!;
  // Append attribute type 99, length 1 (non-skippable, RFC 4187 §8.1) and fix the EAP Length.
  const withUnknown = new Uint8Array([...s1, 99, 1, 0, 0]);
  withUnknown[3] = withUnknown.length;
  // <-- EAP-Response/AKA-Client-Error { AT_CLIENT_ERROR_CODE }
  const p1 = peer.handleRequest(withUnknown);
  assert.equal(summarize(p1.send), 'EAP-Response/AKA-Client-Error { client-error-code }');
  assert.deepEqual(only(p1.events, 'failure'), {
    kind: 'failure',
    reason: 'CLIENT_ERROR',
    cause: 'UNKNOWN_NON_SKIPPABLE',
  });
  // EAP-Failure -->
  const s2 = server.handleResponse(p1.send!);
  assert.equal(summarize(s2.send), 'EAP-Failure');
  assert.equal(only(s2.events, 'failure').reason, 'CLIENT_ERROR');
});

test('an unknown non-skippable attribute from the peer: Notification, then EAP-Failure (RFC 4187 §8.1)', () => {
  const server = makeServer();
  const peer = makePeer();
  const p1 = peer.handleRequest(server.start().send!).send!;
  const withUnknown = new Uint8Array([...p1, 99, 1, 0, 0]);
  withUnknown[3] = withUnknown.length;
  const s2 = server.handleResponse(withUnknown);
  assert.equal(summarize(s2.send), 'EAP-Request/AKA-Notification { notification }');
  const s3 = server.handleResponse(peer.handleRequest(s2.send!).send!);
  assert.equal(only(s3.events, 'failure').reason, 'UNKNOWN_NON_SKIPPABLE');
});

for (const crash of [false, true]) {
  test(`SQN keeps increasing across a server ${crash ? 'crash' : 'restart'} with the file store`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'dsmip-aaa-'));
    try {
      const file = join(dir, 'subscribers.json');
      const text = formatSubscriberFile(set1Store().list());
      writeFileSync(file, text);
      let usim = initialUsimSqnState();
      const seen: number[] = [];
      for (let run = 0; run < 3; run++) {
        // A new server process each time: the store is loaded from its files.
        const store = SubscriberFileStore.open(file);
        const server = makeServer({ store, ikeIdentity: ROOT_NAI });
        const peer = makePeer({ usimSqnState: usim });
        const s1 = server.start();
        const p1 = peer.handleRequest(s1.send!);
        assert.equal(summarize(p1.send), 'EAP-Response/AKA-Challenge { res, mac }'); // never a sync failure
        only(server.handleResponse(p1.send!).events, 'success');
        usim = only(p1.events, 'usim-sqn-updated').state;
        seen.push(lastSqnOf(only(s1.events, 'sqn-updated').sqn));
        if (!crash) store.close();
      }
      // SEQ 1, 2, 3 with IND 0, 1, 2; after a crash SQN_HE resumes above the reserved range of 1000 SEQs.
      assert.deepEqual(seen, crash ? [32, 1001 * 32, 2001 * 32] : [32, 65, 98]);
      assert.equal(readFileSync(file, 'utf8'), text, 'the subscriber file is never written');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('property: any subscriber authenticates with equal MSKs on both sides', () => {
  const key = fc.uint8Array({ minLength: 16, maxLength: 16 });
  fc.assert(
    fc.property(key, key, fc.uint8Array({ minLength: 2, maxLength: 2 }), fc.boolean(), (k, opc, amf, withIdentity) => {
      const store = new InMemorySubscriberStore([{ imsi: IMSI, k, opc, amf, sqn: initialHeSqnState() }]);
      const server = makeServer({ store, ...(withIdentity ? {} : { ikeIdentity: ROOT_NAI }) });
      const peer = makePeer({ k, opc });
      let toPeer = server.start().send;
      for (let step = 0; step < 4 && toPeer; step++) {
        const p = peer.handleRequest(toPeer);
        if (!p.send) break;
        const s = server.handleResponse(p.send);
        toPeer = s.send;
        const done = s.events.find((e) => e.kind === 'success');
        if (done) {
          assert.deepEqual(only(peer.handleRequest(s.send!).events, 'success').msk, done.msk);
          return;
        }
      }
      assert.fail('no success within 4 round trips');
    }),
    { numRuns: 40 },
  );
});

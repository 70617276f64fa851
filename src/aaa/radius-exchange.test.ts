/**
 * The RADIUS client core and the RADIUS server core joined by a simulated link with virtual time, an EAP-AKA
 * peer (TS 35.208 set 1) on the far side of the client, and the embedded EAP-AKA server behind the server.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { initialUsimSqnState } from '../crypto/index.ts';
import { IMSI, ROOT_NAI, SET1, seededRandom, set1Store } from '../eap/aka-test-support.ts';
import type { EapPeer } from '../ike/eap.ts';
import { eapAkaPeerFactory, eapAkaServerFactory } from '../node/ike/eap-adapters.ts';
import { bytesEqual } from '../util/hex.ts';
import {
  decodeRadius,
  eapMessageAttributes,
  encodeRadius,
  RadiusAttributeType as T,
  verifyResponseAuthenticator,
} from '../wire/radius/index.ts';
import { RadiusClient } from './radius-client.ts';
import type { RadiusClientConfig, RadiusOutcome } from './radius-client-types.ts';
import { RadiusServer } from './radius-server.ts';

const SECRET = new TextEncoder().encode('s3cr3t');
const NAS = { address: '192.0.2.1', port: 50000 };

function identityResponse(nai: string, id = 0): Uint8Array {
  const n = new TextEncoder().encode(nai);
  return Uint8Array.of(2, id, (5 + n.length) >> 8, (5 + n.length) & 0xff, 1, ...n);
}

/** Two AAA servers (index 0 and 1), each a RadiusServer core; `lose(i)` makes server i silent. */
function world(clientConfig: Partial<RadiusClientConfig> = {}, store = set1Store(), akaPrime = false) {
  const random = seededRandom(7);
  const servers = [0, 1].map(
    () =>
      new RadiusServer({
        clients: [{ address: NAS.address, secret: SECRET }],
        eapServerFactory: eapAkaServerFactory({
          store,
          random,
          requestIdentity: false,
          ...(akaPrime ? { akaPrime: { networkName: 'WLAN' } } : {}),
        }),
        random,
        sessionTimeoutSec: 3600,
      }),
  );
  const client = new RadiusClient({
    servers: [
      { address: 'aaa0', secret: SECRET },
      { address: 'aaa1', secret: SECRET },
    ],
    nasIdentifier: 'ha-test',
    random: seededRandom(11),
    ...clientConfig,
  });
  const silent = new Set<number>();
  const sent: { server: number; bytes: Uint8Array }[] = [];
  let now = 0;
  /** Delivers everything in flight, both ways, at `now`; `tamper` may rewrite answers. */
  const pump = (tamper?: (b: Uint8Array) => Uint8Array | undefined) => {
    for (let t = client.pollTransmit(); t; t = client.pollTransmit()) {
      sent.push(t);
      if (silent.has(t.server)) continue;
      const s = servers[t.server]!;
      s.handleDatagram(now, NAS, t.bytes);
      for (let a = s.pollTransmit(); a; a = s.pollTransmit()) {
        const b = tamper ? tamper(a.bytes) : a.bytes;
        if (b) client.handleDatagram(now, t.server, b);
      }
    }
  };
  /** Runs one round to its outcome, advancing virtual time through the client's timers. */
  const round = (eap: Uint8Array, deadlineMs = now + 10_000, tamper?: (b: Uint8Array) => Uint8Array | undefined) => {
    const id = client.startRound(now, {
      sessionKey: 'ue-1',
      identity: ROOT_NAI,
      eap,
      deadlineMs,
      callingStationId: '198.51.100.7[4500]',
    });
    for (let guard = 0; guard < 100; guard++) {
      pump(tamper);
      for (let e = client.pollEvent(); e; e = client.pollEvent()) {
        if (e.kind === 'outcome' && e.round === id) return e.outcome;
      }
      const next = client.pollTimeout();
      assert.ok(next !== undefined && next <= deadlineMs, 'a timer never runs past the deadline');
      now = next;
      client.handleTimeout(now);
    }
    throw new Error('round did not settle');
  };
  return { client, servers, silent, sent, round, now: () => now };
}

function peer(): EapPeer {
  return eapAkaPeerFactory({
    imsi: IMSI,
    mcc: '001',
    mnc: '01',
    k: SET1.k,
    opc: SET1.opc,
    usimSqnState: initialUsimSqnState(),
  })();
}

/** Drives the peer until success or failure; returns the last outcome and the peer's MSK. */
function attach(w: ReturnType<typeof world>, p = peer()) {
  let outcome: RadiusOutcome = w.round(identityResponse(ROOT_NAI));
  let peerMsk: Uint8Array | undefined;
  while (outcome.kind === 'continue') {
    const step = p.handle(outcome.eap);
    assert.ok(step.response, 'the peer answers each EAP Request');
    outcome = w.round(step.response);
  }
  if (outcome.kind === 'success') {
    const step = p.handle(outcome.eap);
    if (step.result?.ok) peerMsk = step.result.msk;
  }
  return { outcome, peerMsk };
}

test("EAP-AKA through RADIUS: Access-Challenge with State, Access-Accept whose MPPE keys give the peer's MSK", () => {
  const w = world();
  const { outcome, peerMsk } = attach(w);
  assert.equal(outcome.kind, 'success');
  if (outcome.kind !== 'success') return;
  assert.equal(outcome.msk?.length, 64);
  assert.ok(peerMsk && outcome.msk && bytesEqual(outcome.msk, peerMsk));
  assert.equal(outcome.identity, IMSI);
  assert.equal(outcome.sessionTimeoutSec, 3600);
  // The second Access-Request carried the State of the Challenge, and every request a Message-Authenticator.
  const requests = w.sent.map((s) => decodeRadius(s.bytes));
  assert.equal(requests.length, 2);
  const state = requests[1]!.attributes.find((a) => a.kind === 'attribute' && a.type === T.STATE);
  assert.ok(state);
  for (const r of requests) {
    assert.equal(r.attributes[0]?.kind === 'attribute' && r.attributes[0].type, T.MESSAGE_AUTHENTICATOR);
  }
  assert.equal(w.client.counters.challenges, 1);
  assert.equal(w.client.counters.accepts, 1);
  assert.equal(w.servers[0]!.sessionCount, 0);
});

/** Recomputes only the Response Authenticator (RFC 2865 §3), leaving any Message-Authenticator as it is. */
function withResponseAuthenticator(bytes: Uint8Array, requestAuthenticator: Uint8Array): Uint8Array {
  const out = bytes.slice();
  out.set(requestAuthenticator, 4);
  out.set(createHash('md5').update(out).update(SECRET).digest(), 4);
  return out;
}

test('an answer without Message-Authenticator, or with a bad one, is dropped and counted (BlastRADIUS)', () => {
  for (const why of ['missing-message-authenticator', 'bad-message-authenticator'] as const) {
    const w = world({ triesPerServer: 1, initialTimeoutMs: 500 });
    const outcome = w.round(identityResponse(ROOT_NAI), 3000, (b) => {
      const p = decodeRadius(b);
      const attributes =
        why === 'missing-message-authenticator'
          ? p.attributes.filter((a) => !(a.kind === 'attribute' && a.type === T.MESSAGE_AUTHENTICATOR))
          : p.attributes.map((a) =>
              a.kind === 'attribute' && a.type === T.MESSAGE_AUTHENTICATOR
                ? { ...a, value: new Uint8Array(16).fill(1) }
                : a,
            );
      const ra = decodeRadius(w.sent.at(-1)!.bytes).authenticator;
      const forged = withResponseAuthenticator(encodeRadius({ ...p, attributes }), ra);
      assert.equal(verifyResponseAuthenticator(forged, ra, SECRET), true); // only the Message-Authenticator can tell
      return forged;
    });
    assert.equal(outcome.kind, 'failure');
    assert.equal(outcome.kind === 'failure' && outcome.reason, 'no-server');
    assert.equal(w.client.counters.drops[why], 2, why); // one per server tried
    assert.equal(w.client.counters.challenges, 0);
  }
});

test('a lost answer: the client resends the same packet, the server answers from its cache (RFC 5080 §2.2.2)', () => {
  const w = world();
  let lost = 0;
  const outcome = w.round(identityResponse(ROOT_NAI), 10_000, (b) => (lost++ === 0 ? undefined : b));
  assert.equal(outcome.kind, 'continue');
  assert.equal(w.sent.length, 2);
  assert.ok(bytesEqual(w.sent[0]!.bytes, w.sent[1]!.bytes), 'same Identifier and Request Authenticator');
  assert.equal(w.client.counters.retransmissions, 1);
  assert.equal(w.servers[0]!.counters.duplicates, 1);
  assert.equal(w.servers[0]!.counters.challenges, 1, 'the EAP server saw the request once');
  assert.equal(w.now(), 1000);
});

test('failover: server 0 silent → after its tries, server 1 with a new Identifier and Authenticator', () => {
  const w = world({ initialTimeoutMs: 1000, triesPerServer: 2 });
  w.silent.add(0);
  const { outcome } = attach(w);
  assert.equal(outcome.kind, 'success');
  assert.deepEqual(
    w.sent.map((s) => s.server),
    [0, 0, 1, 1],
    'two tries to server 0, then server 1 for both rounds (server 0 is marked dead)',
  );
  assert.notDeepEqual(decodeRadius(w.sent[1]!.bytes).authenticator, decodeRadius(w.sent[2]!.bytes).authenticator);
  assert.equal(w.client.counters.failovers, 1);
});

test('the budget: no answer → timeout exactly at the deadline, never later', () => {
  const w = world({ initialTimeoutMs: 1000, triesPerServer: 3 });
  w.silent.add(0);
  w.silent.add(1);
  const outcome = w.round(identityResponse(ROOT_NAI), 2500);
  assert.equal(outcome.kind === 'failure' && outcome.reason, 'timeout');
  assert.equal(w.now(), 2500);
  assert.equal(w.sent.length, 2); // at 0 and 1000; the next wait (2000) would end past 2500
  assert.equal(w.client.counters.timeouts, 1);
});

test('unknown subscriber → Access-Reject with EAP-Failure → failure "rejected"', () => {
  const w = world({}, set1Store());
  const outcome = w.round(identityResponse('0001010000000099@nai.epc.mnc001.mcc001.3gppnetwork.org'));
  // The embedded server answers an unknown IMSI with a failure AKA-Notification or EAP-Failure.
  let o = outcome;
  const p = peer();
  while (o.kind === 'continue') {
    const step = p.handle(o.eap);
    if (!step.response) break;
    o = w.round(step.response);
  }
  assert.equal(o.kind === 'failure' && o.reason, 'rejected');
  assert.equal(o.kind === 'failure' && o.eap?.[0], 4); // EAP-Failure
  assert.equal(w.client.counters.rejects, 1);
});

test('endSession aborts the round in flight and forgets State; the server drops unknown clients', () => {
  const w = world();
  w.silent.add(0);
  w.silent.add(1);
  const id = w.client.startRound(0, {
    sessionKey: 'ue-1',
    identity: ROOT_NAI,
    eap: identityResponse(ROOT_NAI),
    deadlineMs: 5000,
  });
  w.client.endSession('ue-1');
  let got: RadiusOutcome | undefined;
  for (let e = w.client.pollEvent(); e; e = w.client.pollEvent())
    if (e.kind === 'outcome' && e.round === id) got = e.outcome;
  assert.equal(got?.kind === 'failure' && got.reason, 'aborted');
  assert.equal(w.client.pollTimeout(), undefined);
  const s = w.servers[0]!;
  s.handleDatagram(0, { address: '203.0.113.9', port: 1 }, w.client.pollTransmit()!.bytes);
  assert.equal(s.counters.drops['unknown-client'], 1);
  assert.equal(s.pollTransmit(), undefined);
});

test('EAP-AKA′ through RADIUS to our server (network name "WLAN"): MSK from the MPPE keys equals the peer\'s', () => {
  const w = world({}, set1Store(), true);
  const nai = `6${IMSI}@nai.epc.mnc001.mcc001.3gppnetwork.org`;
  const p = eapAkaPeerFactory({
    identity: nai,
    akaPrime: true,
    k: SET1.k,
    opc: SET1.opc,
    usimSqnState: initialUsimSqnState(),
  })();
  let o: RadiusOutcome = w.round(identityResponse(nai));
  assert.equal(o.kind === 'continue' && o.eap[4], 50);
  while (o.kind === 'continue') o = w.round(p.handle(o.eap).response!);
  assert.equal(o.kind, 'success');
  const fin = p.handle(o.kind === 'success' ? o.eap : new Uint8Array());
  assert.ok(
    o.kind === 'success' &&
      fin.result?.ok &&
      o.msk !== undefined &&
      fin.result.msk !== undefined &&
      bytesEqual(o.msk, fin.result.msk),
  );
});

test('the server drops an Access-Request without Message-Authenticator and reassembles a 300-octet EAP-Message', () => {
  const w = world();
  const s = w.servers[0]!;
  const unsigned = encodeRadius({
    code: 1,
    identifier: 3,
    authenticator: new Uint8Array(16).fill(5),
    attributes: [...eapMessageAttributes(identityResponse(ROOT_NAI))],
  });
  s.handleDatagram(0, NAS, unsigned);
  assert.equal(s.counters.drops['missing-message-authenticator'], 1);
  assert.equal(s.pollTransmit(), undefined);
  // A 300-octet EAP-Response/Identity needs two EAP-Message attributes; the server joins them and answers.
  const longNai = `0${'1'.repeat(240)}@nai.epc.mnc001.mcc001.3gppnetwork.org`;
  const outcome = w.round(identityResponse(longNai));
  const request = decodeRadius(w.sent.at(-1)!.bytes);
  assert.equal(request.attributes.filter((a) => a.kind === 'attribute' && a.type === T.EAP_MESSAGE).length, 2);
  assert.equal(s.counters.drops.malformed, 0);
  assert.ok(outcome.kind === 'continue' || outcome.kind === 'failure'); // answered: AKA-Identity or a reject
  assert.equal(s.counters.requests, 1);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { buildAuts, initialHeSqnState, Milenage, SEQ_MAX, sqnToBytes } from '../crypto/index.ts';
import { fromHex, toHex } from '../util/hex.ts';
import { type AkaAttribute, AkaSubtype, decodeEap, encodeEap, encodeEapAka } from '../wire/eap/index.ts';
import { deriveAkaSessionKeys, encodeAkaWithMac } from './aka-protect.ts';
import type { AkaServerStep } from './aka-server.ts';
import { IMSI, makePeer, makeServer, ROOT_NAI, SET1, seededRandom, set1Store, summarize } from './aka-test-support.ts';

const NAI = new TextEncoder().encode(ROOT_NAI);
const milenage = Milenage.fromOpc(SET1.k, SET1.opc);

function akaResponse(identifier: number, subtype: number, attributes: AkaAttribute[]): Uint8Array {
  return encodeEapAka({ kind: 'response', identifier, subtype, attributes });
}

/** The RAND of an AKA-Challenge the server sent. */
function randOf(challenge: Uint8Array): Uint8Array {
  const p = decodeEap(challenge);
  assert.ok(p.kind === 'request' && p.body.kind === 'aka');
  const rand = p.body.attributes.find((a) => a.kind === 'rand');
  assert.ok(rand);
  return rand.rand;
}

/** Drives a server that has sent a failure Notification to its end; returns the failure reason. */
function failureAfterNotification(server: ReturnType<typeof makeServer>, step: AkaServerStep): string | undefined {
  assert.equal(summarize(step.send), 'EAP-Request/AKA-Notification { notification }');
  assert.equal(toHex(step.send!).slice(16), '0c014000'); // AT_NOTIFICATION, General failure 16384 (P = 1, no MAC)
  const id = step.send![1]!;
  const end = server.handleResponse(akaResponse(id, AkaSubtype.NOTIFICATION, []));
  assert.equal(toHex(end.send!), toHex(Uint8Array.of(4, id, 0, 4)));
  const failure = end.events.find((e) => e.kind === 'failure');
  return failure?.reason;
}

test('start: AKA-Identity with AT_PERMANENT_ID_REQ unless the IKE IDi is a permanent identity', () => {
  assert.equal(toHex(makeServer().start().send!), toHex(fromHex('0107000c 17050000 0a010000')));
  assert.equal(
    summarize(makeServer({ ikeIdentity: ROOT_NAI }).start().send),
    'EAP-Request/AKA-Challenge { rand, autn, mac }',
  );
  const forced = makeServer({ ikeIdentity: ROOT_NAI, requestIdentity: true }).start();
  assert.equal(summarize(forced.send), 'EAP-Request/AKA-Identity { permanent-id-req }');
  // §4.1.4: an IDi that is no EAP-AKA identity cannot stand in for one, whatever the configuration says.
  const notAka = makeServer({ ikeIdentity: 'ue@example.org', requestIdentity: false }).start();
  assert.equal(summarize(notAka.send), 'EAP-Request/AKA-Identity { permanent-id-req }');
  const server = makeServer();
  server.start();
  assert.throws(() => server.start(), RangeError);
});

test('Identifiers: random by default, +1 per new Request, wrapping at 255', () => {
  const random = seededRandom(99);
  const expected = seededRandom(99)(1)[0]!;
  assert.equal(makeServer({ random, initialIdentifier: undefined }).start().send![1], expected);
  const server = makeServer({ initialIdentifier: 255 });
  assert.equal(server.start().send![1], 255);
  const challenge = server.handleResponse(makePeer().handleRequest(server.pendingRequest!).send!);
  assert.equal(challenge.send![1], 0);
});

test('responses that are not for the outstanding Request are silently discarded (RFC 3748 §4)', () => {
  const server = makeServer();
  assert.deepEqual(server.handleResponse(fromHex('02070004')), { events: [] }); // before start
  server.start();
  const good = makePeer().handleRequest(server.pendingRequest!).send!;
  const wrongId = good.slice();
  wrongId[1] = 8;
  assert.deepEqual(server.handleResponse(wrongId), { events: [] });
  assert.deepEqual(server.handleResponse(fromHex('01070005 01')), { events: [] }); // a Request
  assert.deepEqual(server.handleResponse(good.subarray(0, 10)), { events: [] }); // truncated
  assert.deepEqual(server.handleResponse(fromHex('02070006 0100')), { events: [] }); // Type mismatch (Identity)
  assert.equal(server.stats.discarded, 5);
  assert.equal(summarize(server.handleResponse(good).send), 'EAP-Request/AKA-Challenge { rand, autn, checkcode, mac }');
});

test('Client-Error and Authentication-Reject end at once with EAP-Failure (RFC 4187 §6.3.3 cases 1, 2)', () => {
  const s1 = makeServer();
  s1.start();
  const clientError = s1.handleResponse(
    akaResponse(7, AkaSubtype.CLIENT_ERROR, [{ kind: 'client-error-code', clientErrorCode: 0 }]),
  );
  assert.equal(toHex(clientError.send!), '04070004');
  assert.deepEqual(clientError.events, [{ kind: 'failure', reason: 'CLIENT_ERROR' }]);
  const s2 = makeServer({ ikeIdentity: ROOT_NAI });
  s2.start();
  const reject = s2.handleResponse(akaResponse(7, AkaSubtype.AUTHENTICATION_REJECT, []));
  assert.equal(summarize(reject.send), 'EAP-Failure');
  assert.deepEqual(reject.events, [{ kind: 'failure', reason: 'AUTHENTICATION_REJECT', imsi: IMSI }]);
  assert.equal(s2.pendingRequest, undefined);
});

test('a Nak to the first Request ends in EAP-Failure; after an EAP-AKA Response it is discarded', () => {
  const s1 = makeServer();
  s1.start();
  assert.deepEqual(s1.handleResponse(fromHex('02070006 0304')).events, [{ kind: 'failure', reason: 'NAK' }]);
  const s2 = makeServer();
  const peer = makePeer();
  const challenge = s2.handleResponse(peer.handleRequest(s2.start().send!).send!).send!;
  assert.deepEqual(s2.handleResponse(Uint8Array.of(2, challenge[1]!, 0, 6, 3, 4)), { events: [] });
});

test('identity errors: a pseudonym and an unknown IMSI get General failure (RFC 4187 §4.1.7)', () => {
  const s1 = makeServer();
  s1.start();
  const pseudonym = akaResponse(7, AkaSubtype.IDENTITY, [
    { kind: 'identity', identity: new TextEncoder().encode('2abc@x') },
  ]);
  assert.equal(failureAfterNotification(s1, s1.handleResponse(pseudonym)), 'INVALID_IDENTITY');
  const s2 = makeServer({ ikeIdentity: '0001019999999999@nai.epc.mnc001.mcc001.3gppnetwork.org' });
  assert.equal(failureAfterNotification(s2, s2.start()), 'UNKNOWN_SUBSCRIBER');
  const s3 = makeServer();
  s3.start();
  const missing = akaResponse(7, AkaSubtype.IDENTITY, []);
  assert.equal(failureAfterNotification(s3, s3.handleResponse(missing)), 'MISSING_ATTRIBUTE');
});

test('Challenge response errors: wrong RES under a valid MAC, missing AT_MAC, malformed, wrong subtype', () => {
  const challengeServer = () => {
    const server = makeServer({ ikeIdentity: ROOT_NAI });
    const rand = randOf(server.start().send!);
    const v = milenage.f2345(rand);
    return { server, keys: deriveAkaSessionKeys(NAI, v.ck, v.ik), res: v.res };
  };
  const a = challengeServer();
  const wrongRes = a.res.slice();
  wrongRes[0]! ^= 1;
  const resp = encodeAkaWithMac(
    {
      kind: 'response',
      identifier: 7,
      subtype: AkaSubtype.CHALLENGE,
      attributes: [{ kind: 'res', resLengthBits: 64, res: wrongRes }],
    },
    a.keys.kAut,
  );
  assert.equal(failureAfterNotification(a.server, a.server.handleResponse(resp)), 'BAD_RES');
  const b = challengeServer();
  const shortRes = akaResponse(7, AkaSubtype.CHALLENGE, [
    { kind: 'res', resLengthBits: 32, res: b.res.subarray(0, 4) },
  ]);
  assert.equal(failureAfterNotification(b.server, b.server.handleResponse(shortRes)), 'MISSING_ATTRIBUTE');
  const c = challengeServer();
  assert.equal(
    failureAfterNotification(c.server, c.server.handleResponse(fromHex('0207000c 17010000 03000000'))),
    'MALFORMED_RESPONSE',
  );
  const d = challengeServer();
  assert.equal(
    failureAfterNotification(d.server, d.server.handleResponse(akaResponse(7, AkaSubtype.IDENTITY, []))),
    'UNEXPECTED_SUBTYPE',
  );
});

test('Synchronization-Failure: a forged AUTS and a second resync end in failure', () => {
  const s1 = makeServer({ ikeIdentity: ROOT_NAI });
  s1.start();
  const forged = akaResponse(7, AkaSubtype.SYNCHRONIZATION_FAILURE, [{ kind: 'auts', auts: new Uint8Array(14) }]);
  assert.equal(failureAfterNotification(s1, s1.handleResponse(forged)), 'BAD_AUTS');
  const s2 = makeServer({ ikeIdentity: ROOT_NAI });
  let request = s2.start().send!;
  for (let round = 0; round < 2; round++) {
    const auts = buildAuts(milenage, randOf(request), sqnToBytes(5000 * 32));
    const step = s2.handleResponse(
      akaResponse(request[1]!, AkaSubtype.SYNCHRONIZATION_FAILURE, [{ kind: 'auts', auts }]),
    );
    if (round === 0) request = step.send!;
    else assert.equal(failureAfterNotification(s2, step), 'TOO_MANY_RESYNCS');
  }
});

test('SEQ_HE at SEQmax: no vector can be made, General failure (TS 33.102 Annex C)', () => {
  const server = makeServer({ store: set1Store({ seqHe: SEQ_MAX, ind: 0 }), ikeIdentity: ROOT_NAI });
  assert.equal(failureAfterNotification(server, server.start()), 'SQN_EXHAUSTED');
});

test('a store that cannot record the next SQN durably: no vector leaves, General failure', () => {
  const store = set1Store();
  let asked = 0;
  const refusing = {
    get: (imsi: string) => store.get(imsi),
    nextSqn: () => {
      asked++;
      return { ok: false, reason: 'SQN_UNAVAILABLE' } as const;
    },
    updateSqn: () => assert.fail('no resynchronisation here'),
  };
  const server = makeServer({ store: refusing, ikeIdentity: ROOT_NAI });
  assert.equal(failureAfterNotification(server, server.start()), 'SQN_UNAVAILABLE');
  assert.equal(asked, 1);
  assert.deepEqual(store.get(IMSI)!.sqn, initialHeSqnState());
});

test('after a failure Notification any Response with the right Identifier brings EAP-Failure (RFC 3748 §4.2)', () => {
  const server = makeServer({ store: set1Store({ seqHe: SEQ_MAX, ind: 0 }), ikeIdentity: ROOT_NAI });
  const note = server.start().send!;
  const end = server.handleResponse(
    encodeEap({ kind: 'response', identifier: note[1]!, body: { kind: 'notification', message: new Uint8Array(0) } }),
  );
  assert.equal(summarize(end.send), 'EAP-Failure');
});

test('property: arbitrary bytes never throw, never succeed', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), fc.boolean(), (bytes, viaIdentity) => {
      const server = makeServer(viaIdentity ? {} : { ikeIdentity: ROOT_NAI });
      server.start();
      if (bytes.length > 1) bytes[1] = 7; // aim at the outstanding Identifier
      const step = server.handleResponse(bytes);
      assert.ok(!step.events.some((e) => e.kind === 'success'));
    }),
  );
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { buildAuthVector, type EapAkaKeys, Milenage, makeSqn, sqnToBytes } from '../crypto/index.ts';
import { fromHex, toHex } from '../util/hex.ts';
import { type AkaAttribute, AkaSubtype, decodeEap, encodeEap, encodeEapAka } from '../wire/eap/index.ts';
import type { AkaPeerStep } from './aka-peer.ts';
import { checkAkaMac, deriveAkaSessionKeys, encodeAkaWithMac } from './aka-protect.ts';
import { makePeer, ROOT_NAI, SET1, summarize } from './aka-test-support.ts';

const NAI = new TextEncoder().encode(ROOT_NAI);
const RAND = fromHex('000102030405060708090a0b0c0d0e0f');
const milenage = Milenage.fromOpc(SET1.k, SET1.opc);
/** Hex as written in the tests (grouped with spaces) in the form `toHex` prints. */
const h = (text: string) => toHex(fromHex(text));

/** An authentic AKA-Challenge for SEQ `seq` (IND 0), plus whatever `extra` attributes, MAC'd for `identity`. */
function challenge(opts: { id?: number; seq?: number; extra?: AkaAttribute[]; identity?: Uint8Array } = {}): {
  bytes: Uint8Array;
  keys: EapAkaKeys;
} {
  const v = buildAuthVector(milenage, RAND, sqnToBytes(makeSqn(opts.seq ?? 1, 0)), fromHex('8000'));
  const keys = deriveAkaSessionKeys(opts.identity ?? NAI, v.ck, v.ik);
  const attributes: AkaAttribute[] = [
    { kind: 'rand', rand: RAND },
    { kind: 'autn', autn: v.autn },
    ...(opts.extra ?? []),
  ];
  const bytes = encodeAkaWithMac(
    { kind: 'request', identifier: opts.id ?? 3, subtype: AkaSubtype.CHALLENGE, attributes },
    keys.kAut,
  );
  return { bytes, keys };
}

function akaRequest(subtype: number, attributes: AkaAttribute[], identifier = 2): Uint8Array {
  return encodeEapAka({ kind: 'request', identifier, subtype, attributes });
}

function clientErrorCause(step: AkaPeerStep): string | undefined {
  assert.equal(summarize(step.send), 'EAP-Response/AKA-Client-Error { client-error-code }');
  const f = step.events.find((e) => e.kind === 'failure');
  return f?.reason === 'CLIENT_ERROR' ? f.cause : undefined;
}

test('EAP-Request/Identity is answered with the root NAI built from IMSI, MCC and a 2-digit MNC', () => {
  const peer = makePeer();
  assert.equal(new TextDecoder().decode(peer.identity), ROOT_NAI);
  const step = peer.handleRequest(fromHex('01050005 01'));
  assert.equal(toHex(step.send!), h(`0205003b 01${toHex(NAI)}`)); // Length 5 + 54
});

test('AKA-Identity with each identity-requesting attribute gets AT_IDENTITY with the permanent identity', () => {
  for (const kind of ['permanent-id-req', 'fullauth-id-req', 'any-id-req'] as const) {
    const step = makePeer().handleRequest(akaRequest(AkaSubtype.IDENTITY, [{ kind }]));
    const p = decodeEap(step.send!);
    assert.ok(p.kind === 'response' && p.body.kind === 'aka');
    assert.equal(p.identifier, 2);
    assert.deepEqual(p.body.attributes, [{ kind: 'identity', identity: NAI }]);
  }
});

test('AKA-Identity rule violations are Client-Errors (RFC 4187 §4.1.5, §9.1)', () => {
  const cases: [string, AkaAttribute[][], string][] = [
    ['none', [[]], 'IDENTITY_REQUEST_RULES'],
    ['two', [[{ kind: 'any-id-req' }, { kind: 'permanent-id-req' }]], 'IDENTITY_REQUEST_RULES'],
    ['AT_MAC', [[{ kind: 'any-id-req' }, { kind: 'mac', mac: new Uint8Array(16) }]], 'UNEXPECTED_ATTRIBUTE'],
    ['any after first', [[{ kind: 'any-id-req' }], [{ kind: 'any-id-req' }]], 'IDENTITY_REQUEST_RULES'],
    [
      'fullauth after permanent',
      [[{ kind: 'permanent-id-req' }], [{ kind: 'fullauth-id-req' }]],
      'IDENTITY_REQUEST_RULES',
    ],
    ['fourth round', [1, 2, 3, 4].map(() => [{ kind: 'permanent-id-req' }]), 'TOO_MANY_IDENTITY_ROUNDS'],
  ];
  for (const [name, rounds, cause] of cases) {
    const peer = makePeer();
    let last: AkaPeerStep | undefined;
    rounds.forEach((attrs, i) => {
      last = peer.handleRequest(akaRequest(AkaSubtype.IDENTITY, attrs, 10 + i));
    });
    assert.equal(clientErrorCause(last!), cause, name);
    assert.equal(peer.phase, 'failure', name);
  }
});

test('Challenge: an unknown skippable attribute is ignored, a missing AT_MAC is a Client-Error before AKA runs', () => {
  const ok = makePeer().handleRequest(
    challenge({ extra: [{ kind: 'unknown', type: 200, data: new Uint8Array(2) }] }).bytes,
  );
  assert.equal(summarize(ok.send), 'EAP-Response/AKA-Challenge { res, mac }');
  const noMac = encodeEapAka({
    kind: 'request',
    identifier: 3,
    subtype: AkaSubtype.CHALLENGE,
    attributes: [
      { kind: 'rand', rand: RAND },
      { kind: 'autn', autn: new Uint8Array(16) },
    ],
  });
  const step = makePeer().handleRequest(noMac);
  assert.equal(clientErrorCause(step), 'MISSING_ATTRIBUTE');
  assert.ok(!step.events.some((e) => e.kind === 'usim-sqn-updated'));
});

test('MK uses the IKE IDi until an EAP identity is sent, then the permanent identity (RFC 4187 §7)', () => {
  const idi = 'ue@example.org';
  const viaIdi = makePeer({ ikeIdentity: idi });
  const ok = viaIdi.handleRequest(challenge({ identity: new TextEncoder().encode(idi) }).bytes);
  assert.equal(summarize(ok.send), 'EAP-Response/AKA-Challenge { res, mac }');
  const viaAka = makePeer({ ikeIdentity: idi });
  viaAka.handleRequest(akaRequest(AkaSubtype.IDENTITY, [{ kind: 'permanent-id-req' }]));
  assert.equal(
    summarize(viaAka.handleRequest(challenge({ identity: NAI }).bytes).send),
    'EAP-Response/AKA-Challenge { res, mac }',
  );
  const stale = makePeer({ ikeIdentity: idi });
  stale.handleRequest(akaRequest(AkaSubtype.IDENTITY, [{ kind: 'permanent-id-req' }]));
  assert.equal(
    clientErrorCause(stale.handleRequest(challenge({ identity: new TextEncoder().encode(idi) }).bytes)),
    'BAD_MAC',
  );
});

test('Challenge: a bad AT_MAC after a good AUTN is a Client-Error, but the USIM has taken the SQN', () => {
  const { bytes } = challenge({ identity: new TextEncoder().encode('someone-else') });
  const step = makePeer().handleRequest(bytes);
  assert.equal(clientErrorCause(step), 'BAD_MAC');
  assert.ok(step.events.some((e) => e.kind === 'usim-sqn-updated'));
});

test('Challenge: AT_CHECKCODE must match the (empty) identity round; the response echoes it', () => {
  const empty = makePeer().handleRequest(
    challenge({ extra: [{ kind: 'checkcode', checkcode: new Uint8Array(0) }] }).bytes,
  );
  assert.equal(summarize(empty.send), 'EAP-Response/AKA-Challenge { res, checkcode, mac }');
  const wrong = makePeer().handleRequest(
    challenge({ extra: [{ kind: 'checkcode', checkcode: new Uint8Array(20) }] }).bytes,
  );
  assert.equal(clientErrorCause(wrong), 'BAD_CHECKCODE');
});

test('malformed input: bad EAP header silently discarded, bad AKA Type-Data a Client-Error (RFC 3748 §4, RFC 4187 §6.3.1)', () => {
  const peer = makePeer();
  assert.deepEqual(peer.handleRequest(fromHex('01020010 17')), { events: [] }); // Length beyond the bytes
  assert.deepEqual(peer.handleRequest(fromHex('07020004')), { events: [] }); // unknown Code
  assert.deepEqual(peer.handleRequest(fromHex('02020005 01')), { events: [] }); // a Response
  assert.equal(peer.stats.discarded, 3);
  // AKA-Challenge with an attribute of length 0 (RFC 4187 §8.1: the value is always present).
  assert.equal(clientErrorCause(peer.handleRequest(fromHex('0109000c 17010000 01000000'))), 'MALFORMED');
});

test('unknown non-skippable attribute, unexpected subtypes and a Re-authentication are Client-Errors', () => {
  const unknown = akaRequest(AkaSubtype.IDENTITY, [
    { kind: 'any-id-req' },
    { kind: 'unknown', type: 42, data: new Uint8Array(2) },
  ]);
  assert.equal(clientErrorCause(makePeer().handleRequest(unknown)), 'UNKNOWN_NON_SKIPPABLE');
  for (const subtype of [AkaSubtype.REAUTHENTICATION, AkaSubtype.SYNCHRONIZATION_FAILURE, 99]) {
    assert.equal(clientErrorCause(makePeer().handleRequest(akaRequest(subtype, []))), 'UNEXPECTED_SUBTYPE');
  }
});

test('canned EAP-Success and an early EAP-Failure are silently discarded (RFC 3748 §4.2, RFC 4187 §6.3.3–4)', () => {
  const peer = makePeer();
  assert.deepEqual(peer.handleRequest(fromHex('03000004')), { events: [] });
  assert.deepEqual(peer.handleRequest(fromHex('04000004')), { events: [] });
  assert.equal(peer.phase, 'start');
  assert.equal(peer.stats.discarded, 2);
});

test('EAP-Failure after the Challenge round ends the run (RFC 4187 §6.3.3: decided outside EAP-AKA)', () => {
  const peer = makePeer();
  peer.handleRequest(challenge().bytes);
  assert.deepEqual(peer.handleRequest(fromHex('04030004')).events, [{ kind: 'failure', reason: 'EAP_FAILURE' }]);
  assert.deepEqual(peer.handleRequest(fromHex('03030004')), { events: [] }); // Success no longer accepted
});

test('AKA-Notification: P = 1 before the Challenge, without AT_MAC; the S = 0 code ends in failure', () => {
  const peer = makePeer();
  const step = peer.handleRequest(akaRequest(AkaSubtype.NOTIFICATION, [{ kind: 'notification', code: 16384 }]));
  assert.equal(toHex(step.send!), h('02020008 170c0000'));
  assert.deepEqual(step.events, [
    { kind: 'notification', code: 16384 },
    { kind: 'failure', reason: 'FAILURE_NOTIFICATION', code: 16384 },
  ]);
  const withMac = [
    { kind: 'notification', code: 16384 },
    { kind: 'mac', mac: new Uint8Array(16) },
  ] as AkaAttribute[];
  assert.equal(
    clientErrorCause(makePeer().handleRequest(akaRequest(AkaSubtype.NOTIFICATION, withMac))),
    'NOTIFICATION_RULES',
  );
  const successBeforeChallenge = [{ kind: 'notification', code: 0xc000 }] as AkaAttribute[]; // P = 1 with S = 1
  assert.equal(
    clientErrorCause(makePeer().handleRequest(akaRequest(AkaSubtype.NOTIFICATION, successBeforeChallenge))),
    'NOTIFICATION_RULES',
  );
  const p0Early = [{ kind: 'notification', code: 1026 }] as AkaAttribute[];
  assert.equal(
    clientErrorCause(makePeer().handleRequest(akaRequest(AkaSubtype.NOTIFICATION, p0Early))),
    'NOTIFICATION_RULES',
  );
});

test('AKA-Notification with P = 0 after the Challenge: AT_MAC checked both ways, only one round', () => {
  const peer = makePeer();
  const { keys } = challenge();
  peer.handleRequest(challenge().bytes);
  const note = (code: number, id: number) =>
    encodeAkaWithMac(
      {
        kind: 'request',
        identifier: id,
        subtype: AkaSubtype.NOTIFICATION,
        attributes: [{ kind: 'notification', code }],
      },
      keys.kAut,
    );
  const first = peer.handleRequest(note(32768, 4)); // S = 1: informational, the run goes on
  assert.equal(summarize(first.send), 'EAP-Response/AKA-Notification { mac }');
  assert.equal(checkAkaMac(first.send!, keys.kAut), 'ok');
  assert.deepEqual(first.events, [{ kind: 'notification', code: 32768 }]);
  assert.equal(clientErrorCause(peer.handleRequest(note(1026, 5))), 'NOTIFICATION_RULES');
  const other = makePeer();
  other.handleRequest(challenge().bytes);
  const forged = note(1026, 4);
  forged[forged.length - 1]! ^= 1;
  assert.equal(clientErrorCause(other.handleRequest(forged)), 'BAD_MAC');
});

test('checkAkaMac accepts a correct packet received as a Buffer and leaves it as received', () => {
  const { keys } = challenge();
  const sent = encodeAkaWithMac(
    {
      kind: 'request',
      identifier: 4,
      subtype: AkaSubtype.NOTIFICATION,
      attributes: [{ kind: 'notification', code: 32768 }],
    },
    keys.kAut,
  );
  const received = Buffer.from(sent); // what a socket hands over
  assert.equal(checkAkaMac(received, keys.kAut), 'ok');
  assert.equal(toHex(received), toHex(sent));
});

test("plain EAP Notification is acknowledged; other methods are Nak'd until EAP-AKA has started", () => {
  const peer = makePeer();
  const note = peer.handleRequest(fromHex('01010007 02 6869'));
  assert.equal(toHex(note.send!), h('02010005 02'));
  assert.deepEqual(note.events, [{ kind: 'eap-notification', message: fromHex('6869') }]);
  assert.equal(toHex(peer.handleRequest(fromHex('01020006 0401')).send!), h('02020006 0317')); // MD5 → Nak { 23 }
  assert.equal(
    toHex(
      peer.handleRequest(
        encodeEap({ kind: 'request', identifier: 3, body: { kind: 'aka', type: 50, subtype: 1, attributes: [] } }),
      ).send!,
    ),
    h('02030006 0317'),
  );
  peer.handleRequest(akaRequest(AkaSubtype.IDENTITY, [{ kind: 'any-id-req' }], 4));
  assert.deepEqual(peer.handleRequest(fromHex('01050006 0401')), { events: [] });
});

test('a repeated Request gets the same Response without reprocessing (RFC 3748 §4.1)', () => {
  const peer = makePeer();
  const { bytes } = challenge();
  const first = peer.handleRequest(bytes);
  const again = peer.handleRequest(new Uint8Array([...bytes, 0, 0])); // link-layer padding is not part of it
  assert.deepEqual(again, { send: first.send, events: [] });
  assert.equal(peer.stats.duplicates, 1);
});

test('property: arbitrary bytes never throw and never produce a success', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
      const step = makePeer().handleRequest(bytes);
      assert.ok(!step.events.some((e) => e.kind === 'success'));
    }),
  );
});

test('property: any one-byte change to an authentic Challenge never yields a Challenge response', () => {
  const { bytes } = challenge();
  fc.assert(
    fc.property(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 }), (at, xor) => {
      const bad = bytes.slice();
      bad[at]! ^= xor;
      const send = makePeer().handleRequest(bad).send;
      assert.ok(send === undefined || !summarize(send)!.startsWith('EAP-Response/AKA-Challenge'));
    }),
  );
});

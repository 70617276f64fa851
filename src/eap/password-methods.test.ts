import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromHex, toHex } from '../util/hex.ts';
import { decodeEap } from '../wire/eap/eap.ts';
import { EapPasswordPeer, EapPasswordServer, md5ChallengeResponse, type PasswordMethod } from './password-methods.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const users = { secretOf: (id: string) => (id === 'alice@pdn.example' ? enc('password') : undefined) };
/** A deterministic random source: 0x2a, then 00 01 02 ... */
function counting(): (n: number) => Uint8Array {
  let first = true;
  let next = 0;
  return (n) => {
    if (first && n === 1) {
      first = false;
      return Uint8Array.of(0x2a);
    }
    return Uint8Array.from({ length: n }, () => next++ & 0xff);
  };
}

test('MD5 response value = MD5(Identifier ‖ secret ‖ challenge) (RFC 1994 §4.1), vectors computed with hashlib', () => {
  assert.equal(
    toHex(md5ChallengeResponse(0x2a, enc('password'), fromHex('000102030405060708090a0b0c0d0e0f'))),
    '3e0949a5572c2d338c182b7f6377471d',
  );
  assert.equal(
    toHex(md5ChallengeResponse(1, enc('secret'), fromHex('00112233445566778899aabbccddeeff'))),
    '204bb003332f6932b63b47c2c4e1a547',
  );
});

test('EAP-MD5: the exact Request and Response bytes, then Success (RFC 3748 §5.4)', () => {
  const server = new EapPasswordServer({ method: 'md5', identity: 'alice@pdn.example', users, random: counting() });
  const request = server.start();
  // Code 1, Id 0x2a, Length 22, Type 4, Value-Size 16, challenge 00..0f, no Name.
  assert.equal(toHex(request), '012a00160410000102030405060708090a0b0c0d0e0f');
  const peer = new EapPasswordPeer({ method: 'md5', secret: enc('password') });
  const answer = peer.handleRequest(request).send!;
  assert.equal(toHex(answer), '022a001604103e0949a5572c2d338c182b7f6377471d');
  const step = server.handleResponse(answer);
  assert.deepEqual(step.outcome, { ok: true, identity: 'alice@pdn.example' });
  assert.equal(toHex(step.send!), '032a0004');
  assert.equal(peer.handleRequest(step.send!).outcome, 'success');
});

for (const method of ['md5', 'gtc'] as PasswordMethod[]) {
  test(`EAP-${method}: a wrong secret and an unknown user end in Failure`, () => {
    for (const [identity, secret, reason] of [
      ['alice@pdn.example', 'wrong', 'wrong-secret'],
      ['mallory@pdn.example', 'password', 'unknown-user'],
    ] as const) {
      const server = new EapPasswordServer({ method, identity, users, random: counting() });
      const peer = new EapPasswordPeer({ method, secret: enc(secret) });
      const step = server.handleResponse(peer.handleRequest(server.start()).send!);
      assert.deepEqual(step.outcome, { ok: false, reason });
      assert.equal(decodeEap(step.send!).kind, 'failure');
      assert.equal(peer.handleRequest(step.send!).outcome, 'failure');
    }
  });
}

test('EAP-GTC: the Response carries the secret (RFC 3748 §5.6)', () => {
  const server = new EapPasswordServer({ method: 'gtc', identity: 'alice@pdn.example', users, random: counting() });
  const request = server.start();
  assert.equal(toHex(request), `012a000f06${toHex(enc('Password: '))}`);
  const answer = new EapPasswordPeer({ method: 'gtc', secret: enc('password') }).handleRequest(request).send!;
  assert.equal(toHex(answer), `022a000d06${toHex(enc('password'))}`);
  assert.equal(server.handleResponse(answer).outcome?.ok, true);
});

test('a Nak for the other password method is honoured once (RFC 3748 §5.3.1); a second Nak fails', () => {
  const server = new EapPasswordServer({ method: 'md5', identity: 'alice@pdn.example', users, random: counting() });
  const gtcPeer = new EapPasswordPeer({ method: 'gtc', secret: enc('password') });
  const nak = gtcPeer.handleRequest(server.start()).send!;
  assert.deepEqual(decodeEap(nak), { kind: 'response', identifier: 0x2a, body: { kind: 'nak', desiredTypes: [6] } });
  const gtcRequest = server.handleResponse(nak).send!;
  assert.equal(gtcRequest[1], 0x2b); // a new Request has a new Identifier (RFC 3748 §4)
  assert.equal(server.handleResponse(gtcPeer.handleRequest(gtcRequest).send!).outcome?.ok, true);

  const strict = new EapPasswordServer({ method: 'md5', identity: 'alice@pdn.example', users, random: counting() });
  const md5Peer = new EapPasswordPeer({ method: 'md5', secret: enc('password') });
  const r1 = strict.handleResponse(gtcPeer.handleRequest(strict.start()).send!).send!;
  // The MD5 peer Naks GTC: no method left.
  const end = strict.handleResponse(md5Peer.handleRequest(r1).send!);
  assert.deepEqual(end.outcome, { ok: false, reason: 'no-common-method' });
});

test('Responses with another Identifier, garbage, or after the end are silently discarded (RFC 3748 §4.1)', () => {
  const server = new EapPasswordServer({ method: 'md5', identity: 'alice@pdn.example', users, random: counting() });
  const request = server.start();
  const peer = new EapPasswordPeer({ method: 'md5', secret: enc('password') });
  const answer = peer.handleRequest(request).send!;
  const wrongId = answer.slice();
  wrongId[1] = 0x2b;
  assert.deepEqual(server.handleResponse(wrongId), {});
  assert.deepEqual(server.handleResponse(fromHex('02')), {});
  assert.deepEqual(peer.handleRequest(fromHex('01')), {});
  assert.equal(server.handleResponse(answer).outcome?.ok, true);
  assert.deepEqual(server.handleResponse(answer), {});
});

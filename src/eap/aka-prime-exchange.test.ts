/**
 * EAP-AKA′ (RFC 5448) between our peer and our server, each step a message: with and without the AKA-Identity
 * round, the MSK equal on both sides, KDF 1 and the network name carried, and a peer that does not do AKA′.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initialUsimSqnState } from '../crypto/index.ts';
import { bytesEqual } from '../util/hex.ts';
import { decodeEap, EapType, encodeEap } from '../wire/eap/index.ts';
import { EapAkaPeer } from './aka-peer.ts';
import { EapAkaServer } from './aka-server.ts';
import { IMSI, SET1, seededRandom, set1Store } from './aka-test-support.ts';

const PRIME_NAI = `6${IMSI}@nai.epc.mnc001.mcc001.3gppnetwork.org`;

const peer = (akaPrime = true) =>
  new EapAkaPeer({ identity: PRIME_NAI, k: SET1.k, opc: SET1.opc, usimSqnState: initialUsimSqnState(), akaPrime });
const server = (ikeIdentity?: string) =>
  new EapAkaServer({
    store: set1Store(),
    random: seededRandom(),
    initialIdentifier: 1,
    akaPrime: { networkName: 'WLAN' },
    ...(ikeIdentity ? { ikeIdentity } : {}),
  });

function run(p: EapAkaPeer, s: EapAkaServer) {
  let request = s.start().send!;
  const requests = [request];
  for (let i = 0; i < 6; i++) {
    const step = p.handleRequest(request);
    if (!step.send) break;
    const answer = s.handleResponse(step.send);
    const done = answer.events.find((e) => e.kind === 'success' || e.kind === 'failure');
    if (done) return { done, final: p.handleRequest(answer.send!), requests };
    request = answer.send!;
    requests.push(request);
  }
  throw new Error('no outcome');
}

test("IDi is the AKA′ permanent identity: EAP-Request/AKA'-Challenge { RAND, AUTN, KDF_INPUT, KDF, MAC } → success", () => {
  const { done, final, requests } = run(peer(), server(PRIME_NAI));
  assert.equal(done.kind, 'success');
  const peerSuccess = final.events.find((e) => e.kind === 'success');
  assert.ok(done.kind === 'success' && peerSuccess?.kind === 'success' && bytesEqual(done.msk, peerSuccess.msk));
  assert.equal(requests.length, 1);
  const challenge = decodeEap(requests[0]!);
  assert.ok(challenge.kind === 'request' && challenge.body.kind === 'aka');
  assert.equal(challenge.body.type, EapType.AKA_PRIME);
  const kinds = challenge.body.attributes.map((a) => a.kind);
  assert.deepEqual(kinds, ['rand', 'autn', 'kdf-input', 'kdf', 'mac']);
  const input = challenge.body.attributes.find((a) => a.kind === 'kdf-input');
  assert.equal(input?.kind === 'kdf-input' && new TextDecoder().decode(input.networkName), 'WLAN');
});

test('with an AKA-Identity round: AT_CHECKCODE is the 32-octet SHA-256 of that round, both sides agree', () => {
  const { done, requests } = run(peer(), server('not-a-permanent-id'));
  assert.equal(done.kind, 'success');
  const challenge = decodeEap(requests[1]!);
  assert.ok(challenge.kind === 'request' && challenge.body.kind === 'aka');
  const checkcode = challenge.body.attributes.find((a) => a.kind === 'checkcode');
  assert.equal(checkcode?.kind === 'checkcode' && checkcode.checkcode.length, 32);
});

test('a peer without EAP-AKA′ enabled answers the AKA′ request with a Nak for EAP-AKA (RFC 3748 §5.3.1)', () => {
  const step = peer(false).handleRequest(server(PRIME_NAI).start().send!);
  const nak = decodeEap(step.send!);
  assert.ok(nak.kind === 'response' && nak.body.kind === 'nak');
  assert.deepEqual(nak.body.desiredTypes, [EapType.AKA]);
});

test('a KDF other than 1 first: the peer answers AKA′-Authentication-Reject (RFC 5448 §3.2, only KDF 1 exists)', () => {
  const request = decodeEap(server(PRIME_NAI).start().send!);
  assert.ok(request.kind === 'request' && request.body.kind === 'aka');
  const attributes = request.body.attributes.map((a) => (a.kind === 'kdf' ? { kind: 'kdf' as const, kdf: 2 } : a));
  const step = peer().handleRequest(encodeEap({ ...request, body: { ...request.body, attributes } }));
  const reply = decodeEap(step.send!);
  assert.ok(reply.kind === 'response' && reply.body.kind === 'aka');
  assert.equal(reply.body.type, EapType.AKA_PRIME);
  assert.equal(reply.body.subtype, 2); // Authentication-Reject
});

test('a peer whose identity is built from IMSI, MCC and MNC answers the AKA′ Identity round with "6" ‖ IMSI', () => {
  const built = new EapAkaPeer({
    imsi: IMSI,
    mcc: '001',
    mnc: '01',
    k: SET1.k,
    opc: SET1.opc,
    usimSqnState: initialUsimSqnState(),
    akaPrime: true,
  });
  const { done } = run(built, server('not-a-permanent-id'));
  assert.equal(done.kind, 'success', 'the AKA′ server takes only a "6" permanent identity (RFC 5448 §3)');
});

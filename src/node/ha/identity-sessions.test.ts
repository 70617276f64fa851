import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ipv6Address } from '../../util/ip-address.ts';
import { IdentitySessions, type IdentitySessionsPolicy } from './identity-sessions.ts';

const H1 = Ipv6Address.parse('2001:db8:100:1::1');
const H2 = Ipv6Address.parse('2001:db8:100:1::2');
const H3 = Ipv6Address.parse('2001:db8:100:1::3');

function world(policy: IdentitySessionsPolicy, identities: Record<number, string>) {
  const revoked: string[] = [];
  const ended: number[] = [];
  const sessions = new IdentitySessions(policy, {
    identityOf: (id) => identities[id],
    revokeBinding: (a) => revoked.push(a.toString()),
    endIkeSa: (id) => ended.push(id),
  });
  return { sessions, revoked, ended };
}

test('replace: a re-attach of the same IMSI with a new Home Address ends the old session and frees its binding', () => {
  const w = world({ mode: 'replace', maxSessions: 0 }, { 1: 'imsi-a', 2: 'imsi-a', 3: 'imsi-b' });
  w.sessions.established(1);
  w.sessions.mobilitySaInstalled(1, H1);
  w.sessions.established(3);
  w.sessions.mobilitySaInstalled(3, H2); // another subscriber: nothing happens
  w.sessions.established(2);
  assert.deepEqual(w.ended, [], 'nothing ends before the new session has its BU/BA SA');
  w.sessions.mobilitySaInstalled(2, H2);
  assert.deepEqual([w.ended, w.revoked, w.sessions.replaced], [[1], [H1.toString()], 1]);
});

test('replace: a move (same Home Address on the new session) keeps the binding', () => {
  const w = world({ mode: 'replace', maxSessions: 2 }, { 1: 'imsi-a', 2: 'imsi-a' });
  w.sessions.established(1);
  w.sessions.mobilitySaInstalled(1, H1);
  w.sessions.established(2);
  w.sessions.mobilitySaInstalled(2, H1);
  assert.deepEqual([w.ended, w.revoked], [[1], []]);
});

test('keep: sessions run side by side up to the cap; beyond it the oldest go, their bindings with them', () => {
  const w = world({ mode: 'keep', maxSessions: 2 }, { 1: 'imsi-a', 2: 'imsi-a', 3: 'imsi-a' });
  for (const [id, hoa] of [
    [1, H1],
    [2, H2],
  ] as const) {
    w.sessions.established(id);
    w.sessions.mobilitySaInstalled(id, hoa);
  }
  assert.deepEqual(w.ended, []);
  w.sessions.established(3);
  assert.deepEqual([w.ended, w.revoked], [[1], []], 'the binding waits for the new Home Address');
  w.sessions.mobilitySaInstalled(3, H3);
  assert.deepEqual(w.revoked, [H1.toString()]);
  w.sessions.ended(2); // deleted by the UE
  w.sessions.established(4);
  assert.deepEqual(w.ended, [1], 'an unknown identity (not established) is not tracked');
});

test('cap 1: a care-of-address move (new IKE SA, same Home Address, then the old one goes) keeps the binding', () => {
  for (const mode of ['replace', 'keep'] as const) {
    const w = world({ mode, maxSessions: 1 }, { 1: 'imsi-a', 2: 'imsi-a' });
    w.sessions.established(1);
    w.sessions.mobilitySaInstalled(1, H1);
    w.sessions.established(2); // the cap ends session 1 before session 2 has its BU/BA SA
    assert.deepEqual([w.ended, w.revoked], [[1], []], mode);
    w.sessions.mobilitySaInstalled(2, H1);
    assert.deepEqual(w.revoked, [], `${mode}: the moved binding stays`);
  }
});

test('cap 1: a new session that ends before its BU/BA SA releases the binding of the session it ended', () => {
  const w = world({ mode: 'keep', maxSessions: 1 }, { 1: 'imsi-a', 2: 'imsi-a' });
  w.sessions.established(1);
  w.sessions.mobilitySaInstalled(1, H1);
  w.sessions.established(2);
  w.sessions.ended(2);
  assert.deepEqual([w.ended, w.revoked], [[1], [H1.toString()]]);
});

test('revoke (Diameter ASR): the session ends with its own bindings; one another session carries stays', () => {
  const w = world({ mode: 'keep', maxSessions: 0 }, { 1: 'imsi-a', 2: 'imsi-a', 3: 'imsi-b' });
  w.sessions.established(1);
  w.sessions.mobilitySaInstalled(1, H1);
  w.sessions.mobilitySaInstalled(1, H2);
  w.sessions.established(2);
  w.sessions.mobilitySaInstalled(2, H2);
  assert.deepEqual(w.sessions.revoke(1).map(String), [H1.toString()]);
  assert.deepEqual([w.ended, w.revoked], [[1], [H1.toString()]]);
  // A session the table does not know (not yet established) still has its IKE SA deleted.
  assert.deepEqual(w.sessions.revoke(3), []);
  assert.deepEqual(w.ended, [1, 3]);
});

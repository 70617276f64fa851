/**
 * The HA's EAP relay to an `EapBackend`, with the IKE engines on a simulated link (virtual time) and the embedded
 * AAA in-process behind the asynchronous boundary: EAP-AKA (TS 35.208 set 1), then an RFC 4739 second round with
 * EAP-MD5 (TS 33.402 external PDN authentication).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { Registry } from 'prom-client';
import { IkeInitiator } from '../../ike/initiator.ts';
import { IkeResponder } from '../../ike/responder.ts';
import { FakeLink } from '../../ike/test-link.ts';
import { HA_ADDR, HA_NAME, pem, testPool, UE_ADDR, validNow } from '../../ike/test-support.ts';
import { AaaMetrics } from '../../obs/aaa-metrics.ts';
import { silentLogger } from '../../obs/log.ts';
import { identityData } from '../../wire/ike/identity.ts';
import { EmbeddedEapBackend } from '../aaa/embedded-backend.ts';
import { eapPasswordPeerFactory, embeddedEapServerFactory, passwordUsersOf } from '../ike/eap-adapters.ts';
import { akaHaConfig, akaUeConfig, set1Store } from '../ike/test-support.ts';
import { osRandom } from '../ike/udp-endpoint.ts';
import { HaAaaRelay } from './ha-aaa-relay.ts';

const IMSI = '001010123456789';
const SECOND = 'alice@pdn.example';

function setup(secondSecret: string | undefined, detach?: (ikeSaId: number) => void) {
  const backend = new EmbeddedEapBackend({
    servers: embeddedEapServerFactory({
      store: set1Store(IMSI),
      random: osRandom,
      secondAuth: { method: 'md5', users: passwordUsersOf([{ identity: SECOND, secret: 'pdn secret' }]) },
    }),
    now: () => 0,
  });
  const ha = new IkeResponder({
    ...akaHaConfig({
      local: { address: HA_ADDR, ikePort: 500, natTPort: 4500 },
      certPem: pem('ha-ecdsa.pem'),
      keyPem: pem('ha-ecdsa.key'),
      identity: HA_NAME,
      store: set1Store(IMSI),
      pool: testPool(),
    }),
    eapServer: { kind: 'external', timeoutMs: 5000 },
    requiredAuthRounds: 2,
  });
  const ue = akaUeConfig({
    local: { address: UE_ADDR, ikePort: 500, natTPort: 4500 },
    remote: { address: HA_ADDR, port: 500, natTPort: 4500 },
    imsi: IMSI,
    caCertPem: pem('ca-ecdsa.pem'),
    apn: HA_NAME,
  });
  const rounds = secondSecret
    ? [
        ...ue.auth.rounds,
        {
          identity: identityData({ kind: 'rfc822', address: SECOND }),
          eapPeer: eapPasswordPeerFactory({ method: 'md5', secret: secondSecret }),
        },
      ]
    : ue.auth.rounds;
  const link = new FakeLink(new IkeInitiator({ ...ue, auth: { ...ue.auth, rounds } }), ha, validNow());
  const metrics = new AaaMetrics(new Registry(), 'embedded');
  const relay = new HaAaaRelay({
    backend,
    metrics,
    log: silentLogger(),
    run: (command) => command(ha, link.now),
    now: () => link.now,
    sessionPrefix: 'ha.test;1',
    ...(detach ? { detach } : {}),
  });
  let seen = 0;
  /** Delivers, relays the HA's events, lets the backend's promises settle; until the link is quiet. */
  const settle = async () => {
    for (let i = 0; i < 100; i++) {
      link.flush();
      const fresh = link.haEvents.slice(seen);
      seen = link.haEvents.length;
      for (const e of fresh) relay.handle(e);
      await tick();
      if (fresh.length === 0 && link.next() === undefined) return;
    }
    throw new Error('relay did not settle');
  };
  return { backend, ha, link, metrics, relay, settle };
}

const metricValue = async (c: { get(): Promise<{ values: { labels: object; value: number }[] }> }, labels: object) =>
  (await c.get()).values.find((v) => JSON.stringify(v.labels) === JSON.stringify(labels))?.value ?? 0;

test('relay: EAP-AKA, then an EAP-MD5 second round, both through the backend; the Child SA follows', async () => {
  const { backend, link, metrics, settle } = setup('pdn secret');
  link.ue.connect(link.now);
  await settle();
  const est = link.eventsOf('ha', 'ike-sa-established')[0];
  assert.ok(est?.kind === 'ike-sa-established');
  assert.equal(est.eapIdentities[1], SECOND);
  assert.equal(link.eventsOf('ue', 'child-sa-established').length, 1); // the IKE_AUTH Child SA
  // Round 1: Identity, AKA-Challenge; round 2: Identity, MD5 Response.
  assert.equal(await metricValue(metrics.requests, { backend: 'embedded', round: '1' }), 2);
  assert.equal(await metricValue(metrics.requests, { backend: 'embedded', round: '2' }), 2);
  assert.equal(await metricValue(metrics.answers, { backend: 'embedded', result: 'success' }), 2);
  assert.equal(backend.sessionCount, 0);
});

test('relay: a wrong second-round secret ends in EAP-Failure, no Child SA, the failure counted by reason', async () => {
  const { ha, link, metrics, settle } = setup('wrong');
  link.ue.connect(link.now);
  await settle();
  assert.equal(link.eventsOf('ue', 'child-sa-established').length, 0);
  assert.equal(ha.ikeSaCount + link.ue.ikeSaCount, 0);
  assert.equal(await metricValue(metrics.failures, { backend: 'embedded', reason: 'rejected' }), 1);
  const failed = link.eventsOf('ha', 'auth-failed')[0];
  assert.ok(failed?.kind === 'auth-failed');
  assert.equal(failed.aaaReason, 'rejected');
});

test('relay: a UE without the required second round is refused', async () => {
  const { ha, link, settle } = setup(undefined);
  link.ue.connect(link.now);
  await settle();
  const failed = link.eventsOf('ha', 'auth-failed')[0];
  assert.ok(failed?.kind === 'auth-failed');
  assert.equal(failed.reason, 'second-round-required');
  assert.equal(ha.ikeSaCount + link.ue.ikeSaCount, 0);
});

test('relay: the AAA ending a session (onAbort) detaches the UE with an IKE Delete', async () => {
  const { backend, ha, link, settle } = setup('pdn secret');
  link.ue.connect(link.now);
  await settle();
  assert.equal(ha.ikeSaCount, 1);
  backend.abort('ha.test;1;1;1');
  await settle();
  assert.equal(link.eventsOf('ha', 'ike-sa-deleted').length, 1);
  assert.equal(link.eventsOf('ue', 'ike-sa-deleted').length, 1);
  assert.equal(ha.ikeSaCount + link.ue.ikeSaCount, 0);
});

test('relay: with a detach action (the HA: bindings revoked, then the IKE Delete) an ASR goes through it', async () => {
  const detached: number[] = [];
  const { backend, ha, link, settle } = setup('pdn secret', (id) => detached.push(id));
  link.ue.connect(link.now);
  await settle();
  const [established] = link.eventsOf('ha', 'ike-sa-established') as { ikeSaId: number }[];
  backend.abort('ha.test;1;1;1');
  await settle();
  assert.deepEqual(detached, [established?.ikeSaId]);
  assert.equal(ha.ikeSaCount, 1, 'the action decides; the relay deletes nothing itself');
  backend.abort('ha.test;1;99;1'); // a session the relay never opened: nothing happens
  assert.equal(detached.length, 1);
});

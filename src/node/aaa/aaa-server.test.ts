import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadAaaConfig } from '../../config/load.ts';
import { EapPasswordPeer } from '../../eap/index.ts';
import { eapIdentityResponse } from '../../ike/eap.ts';
import { silentLogger } from '../../obs/log.ts';
import { ConfigError } from '../../util/errors.ts';
import { set1Store } from '../ike/test-support.ts';
import { AaaServer } from './aaa-server.ts';
import type { EapRoundRequest } from './eap-backend.ts';

const IMSI = '001010000000001';
const config = (extra = '', users = '[{ identity: alice@pdn.example, secret: s3cret }]') =>
  loadAaaConfig({
    name: 'aaa.yaml',
    text: `aaa:\n  subscriberFile: unused.json\n  secondAuth: { method: gtc, users: ${users} }\n  metrics: { port: 0 }\n${extra}`,
  });
const deps = { logger: silentLogger(), subscriberStore: set1Store(IMSI) };

const request = (sessionKey: string, identity: string, eap: Uint8Array, round: 1 | 2): EapRoundRequest => ({
  sessionKey,
  identity,
  eap,
  peerAddress: '127.0.0.1',
  peerPort: 500,
  round,
});

/** A GTC second round through the server's engine; the outcome. */
async function secondRound(server: AaaServer, key: string, identity: string, secret: string): Promise<string> {
  const first = await server.backend.exchange(request(key, identity, eapIdentityResponse(identity), 2));
  if (first.kind !== 'continue') return `unexpected ${first.kind}`;
  const peer = new EapPasswordPeer({ method: 'gtc', secret: new TextEncoder().encode(secret) });
  const answer = await server.backend.exchange(request(key, identity, peer.handleRequest(first.eap).send!, 2));
  return answer.kind;
}

test('dsmip aaa: serves EAP rounds, counts them in /metrics, stops cleanly', async () => {
  const server = await AaaServer.start(config(), deps);
  try {
    // First round: EAP-Response/Identity with the root NAI → an EAP-AKA Request (RFC 4187 §9).
    const nai = `0${IMSI}@nai.epc.mnc001.mcc001.3gppnetwork.org`;
    const first = await server.backend.exchange(request('s1', nai, eapIdentityResponse(nai), 1));
    assert.equal(first.kind, 'continue');
    assert.equal(first.kind === 'continue' ? first.eap[4] : 0, 23);
    assert.equal(await secondRound(server, 's2', 'alice@pdn.example', 's3cret'), 'success');
    assert.equal(await secondRound(server, 's3', 'alice@pdn.example', 'wrong'), 'failure');
    const text = await (await fetch(`${server.metricsUrl}/metrics`)).text();
    assert.match(text, /dsmip_aaa_requests_total\{backend="embedded",round="2"\} 4/);
    assert.match(text, /dsmip_aaa_failures_total\{backend="embedded",reason="rejected"\} 1/);
    assert.match(text, /dsmip_aaa_latency_seconds_count\{backend="embedded"\} 5/);
  } finally {
    await server.stop();
  }
});

test('dsmip aaa: reload applies new second-round users and names what needs a restart', async () => {
  const server = await AaaServer.start(config(), deps);
  try {
    assert.equal(await secondRound(server, 'a', 'bob@pdn.example', 'b0b'), 'failure');
    const r = server.reload(config('  logging: { level: debug }\n', '[{ identity: bob@pdn.example, secret: b0b }]'));
    assert.deepEqual(r, { applied: ['aaa.secondAuth'], restart: ['aaa.logging'] });
    assert.equal(await secondRound(server, 'b', 'bob@pdn.example', 'b0b'), 'success');
  } finally {
    await server.stop();
  }
});

test('dsmip aaa: a listener that is not built in this tree is a ConfigError naming its key', async () => {
  const radius = config('  radius: { listen: "127.0.0.1:18120", clients: [{ address: 127.0.0.0/8, secret: s }] }\n');
  await assert.rejects(AaaServer.start(radius, deps), (e) => e instanceof ConfigError && e.path === 'aaa.radius');
});

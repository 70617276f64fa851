import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { loadAaaConfig } from '../../config/load.ts';
import { EapPasswordPeer } from '../../eap/index.ts';
import { eapIdentityResponse } from '../../ike/eap.ts';
import { silentLogger } from '../../obs/log.ts';
import { set1Store } from '../ike/test-support.ts';
import { AaaServer } from './aaa-server.ts';
import { createDiameterBackend } from './diameter-backend.ts';
import type { EapRoundRequest } from './eap-backend.ts';
import { createRadiusBackend } from './radius-backend.ts';

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

test('dsmip aaa: RADIUS and Diameter listeners serve EAP-AKA and a keyless second round, counted in /metrics', async () => {
  const listeners =
    `  radius: { listen: "127.0.0.1:${await freePort()}", clients: [{ address: 127.0.0.0/8, secret: s }] }\n` +
    `  diameter: { listen: "127.0.0.1:${await freePort()}", originHost: aaa.test.example, realm: test.example }\n`;
  const server = await AaaServer.start(config(listeners), deps);
  const portOf = (proto: string) =>
    Number(
      server.listening
        .find((d) => d.startsWith(proto))
        ?.split(':')
        .pop(),
    );
  const radius = await createRadiusBackend({
    servers: [{ host: '127.0.0.1', port: portOf('udp'), secret: 's' }],
    initialTimeoutMs: 500,
  });
  const diameter = createDiameterBackend({
    originHost: 'ha.test.example',
    originRealm: 'test.example',
    destinationRealm: 'test.example',
    peers: [{ host: '127.0.0.1', port: portOf('tcp') }],
    application: 'eap',
    reconnectMs: 100,
  });
  try {
    await diameter.ready();
    const nai = `0${IMSI}@nai.epc.mnc001.mcc001.3gppnetwork.org`;
    for (const [name, backend] of [
      ['radius', radius],
      ['diameter', diameter],
    ] as const) {
      const first = await backend.exchange(request(`${name}1`, nai, eapIdentityResponse(nai), 1));
      assert.equal(first.kind, 'continue', name);
      assert.equal(first.kind === 'continue' ? first.eap[4] : 0, 23, `${name}: EAP-AKA`);
      // RFC 4739 second round under its own identity: EAP-GTC (the server's method), success without an MSK.
      const id = 'alice@pdn.example';
      const challenge = await backend.exchange(request(`${name}2`, id, eapIdentityResponse(id), 2));
      assert.equal(challenge.kind, 'continue', name);
      if (challenge.kind !== 'continue') continue;
      const peer = new EapPasswordPeer({ method: 'gtc', secret: new TextEncoder().encode('s3cret') });
      const done = await backend.exchange(request(`${name}2`, id, peer.handleRequest(challenge.eap).send!, 2));
      assert.equal(done.kind, 'success', name);
      assert.equal(done.kind === 'success' ? done.msk : 'none', undefined, `${name}: no MSK`);
      const bad = new EapPasswordPeer({ method: 'gtc', secret: new TextEncoder().encode('wrong') });
      const again = await backend.exchange(request(`${name}3`, id, eapIdentityResponse(id), 2));
      const refused = await backend.exchange(
        request(`${name}3`, id, bad.handleRequest(again.kind === 'continue' ? again.eap : new Uint8Array()).send!, 2),
      );
      assert.equal(refused.kind === 'failure' ? refused.reason : refused.kind, 'rejected', name);
    }
    const text = await (await fetch(`${server.metricsUrl}/metrics`)).text();
    assert.match(text, /dsmip_aaa_radius_answers_total\{code="accept"\} 1/);
    assert.match(text, /dsmip_aaa_radius_answers_total\{code="reject"\} 1/);
    assert.match(text, /dsmip_aaa_diameter_requests_total\{command="der"\} 5/);
  } finally {
    await radius.close();
    await diameter.close();
    await server.stop();
  }
});

/** A port the kernel just handed out on loopback (TCP; free for UDP too in practice), for the listeners. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

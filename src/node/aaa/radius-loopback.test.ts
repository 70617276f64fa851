/**
 * The RADIUS backend (our HA's client) against our RADIUS server on loopback sockets, with the EAP-AKA peer of a
 * UE and the embedded EAP-AKA server over a subscriber store: the MSK from the Access-Accept equals the peer's.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initialUsimSqnState } from '../../crypto/index.ts';
import { IMSI, ROOT_NAI, SET1, set1Store } from '../../eap/aka-test-support.ts';
import { bytesEqual } from '../../util/hex.ts';
import { eapAkaPeerFactory, eapAkaServerFactory } from '../ike/eap-adapters.ts';
import type { EapRoundResult } from './eap-backend.ts';
import { createRadiusBackend } from './radius-backend.ts';
import { startRadiusServer } from './radius-server.ts';

const identityResponse = (nai: string) => {
  const n = new TextEncoder().encode(nai);
  return Uint8Array.of(2, 0, 0, 5 + n.length, 1, ...n);
};

test('backend → our RADIUS server on 127.0.0.1: EAP-AKA succeeds, MSK equal on both sides', async () => {
  const server = await startRadiusServer({
    port: 0,
    clients: [{ address: '127.0.0.1', secret: 'loopback-secret' }],
    eapServerFactory: eapAkaServerFactory({ store: set1Store(), random: (n) => new Uint8Array(n).fill(3) }),
  });
  const backend = await createRadiusBackend({
    servers: [{ host: '127.0.0.1', port: server.port, secret: 'loopback-secret' }],
    nasIdentifier: 'dsmip-test',
    initialTimeoutMs: 300,
  });
  try {
    const peer = eapAkaPeerFactory({
      imsi: IMSI,
      mcc: '001',
      mnc: '01',
      k: SET1.k,
      opc: SET1.opc,
      usimSqnState: initialUsimSqnState(),
    })();
    const ask = (eap: Uint8Array) =>
      backend.exchange({
        sessionKey: 's1',
        identity: ROOT_NAI,
        eap,
        peerAddress: '127.0.0.1',
        peerPort: 500,
        round: 1,
      });
    let r: EapRoundResult = await ask(identityResponse(ROOT_NAI));
    let rounds = 1;
    while (r.kind === 'continue') {
      const step = peer.handle(r.eap);
      assert.ok(step.response);
      r = await ask(step.response);
      rounds++;
    }
    assert.equal(r.kind, 'success');
    if (r.kind !== 'success') return;
    const fin = peer.handle(r.eap);
    assert.ok(fin.result?.ok && fin.result.msk && r.msk !== undefined && bytesEqual(fin.result.msk, r.msk));
    assert.equal(r.identity, IMSI);
    assert.ok(rounds >= 2);
    assert.equal(backend.counters.accepts, 1);
    assert.equal(server.counters.accepts, 1);
  } finally {
    await backend.close();
    await server.close();
  }
});

test('no server listening: failure "no-server" or "timeout" within the budget, and close() ends cleanly', async () => {
  const backend = await createRadiusBackend({
    servers: [{ host: '127.0.0.1', port: 9, secret: 'x' }],
    initialTimeoutMs: 50,
    triesPerServer: 2,
    roundBudgetMs: 1000,
  });
  try {
    const r = await backend.exchange({
      sessionKey: 's',
      identity: ROOT_NAI,
      eap: identityResponse(ROOT_NAI),
      peerAddress: '127.0.0.1',
      peerPort: 500,
      round: 1,
    });
    assert.equal(r.kind, 'failure');
    assert.ok(r.kind === 'failure' && (r.reason === 'no-server' || r.reason === 'timeout'));
  } finally {
    await backend.close();
  }
});

/**
 * Our RADIUS client (the HA's RADIUS EapBackend) with our EAP-AKA peer (a UE's USIM, TS 35.208 set 1) against
 * hostapd 2.10 as the RADIUS EAP-AKA server, with hostapd's hlr_auc_gw doing Milenage: success with the MSK of
 * the Access-Accept equal to the peer's, wrong K, unknown IMSI, SQN resynchronisation (AUTS), Access-Reject,
 * failover from a silent first server, and an answer with a corrupted Message-Authenticator dropped.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { after, before, test } from 'node:test';
import { type HostapdAaa, startHostapdAaa } from '../../../scripts/peers/hostapd.ts';
import { initialUsimSqnState } from '../../../src/crypto/index.ts';
import { IMSI, ROOT_NAI, SET1 } from '../../../src/eap/aka-test-support.ts';
import type { EapPeer } from '../../../src/ike/eap.ts';
import type { EapRoundResult } from '../../../src/node/aaa/eap-backend.ts';
import { createRadiusBackend, type RadiusBackend } from '../../../src/node/aaa/radius-backend.ts';
import { eapAkaPeerFactory } from '../../../src/node/ike/eap-adapters.ts';
import { bytesEqual, toHex } from '../../../src/util/hex.ts';
import { Ipv4Address } from '../../../src/util/ip-address.ts';
import { buildUdp4 } from '../../../src/wire/ip/build.ts';
import { findAll, findField, hasMalformed, tsharkDecode } from '../../oracle/tshark.ts';

const SECRET = 'hostapd-test-secret';
const SET1_LINE = { imsi: IMSI, k: toHex(SET1.k), opc: toHex(SET1.opc), amf: '8000', sqn: '000000000020' };
const UNKNOWN_IMSI = '001019999999999';
const UNKNOWN_NAI = `0${UNKNOWN_IMSI}@nai.epc.mnc001.mcc001.3gppnetwork.org`;
/** Set 1's keys under a second IMSI whose HE SQN is far ahead: SEQ 2^29 > Δ = 2^28 (TS 33.102 Annex C.2.1). */
const AHEAD_IMSI = '001010000000002';
const AHEAD_NAI = `0${AHEAD_IMSI}@nai.epc.mnc001.mcc001.3gppnetwork.org`;
const PRIME_NAI = `6${IMSI}@nai.epc.mnc001.mcc001.3gppnetwork.org`;
const AHEAD_LINE = { ...SET1_LINE, imsi: AHEAD_IMSI, sqn: '000400000000' };

const identityResponse = (nai: string) => {
  const n = new TextEncoder().encode(nai);
  return Uint8Array.of(2, 0, 0, 5 + n.length, 1, ...n);
};

function peerFactory(k = SET1.k, imsi = IMSI, akaPrime = false) {
  const events: string[] = [];
  const make = eapAkaPeerFactory({
    // EAP-AKA′ permanent identities start with "6" (RFC 5448 §3; hostapd's eap_user "6"* AKA').
    ...(akaPrime ? { identity: PRIME_NAI, akaPrime: true } : { imsi, mcc: '001', mnc: '01' }),
    k,
    opc: SET1.opc,
    usimSqnState: initialUsimSqnState(),
    onEvent: (e) => events.push(e.kind),
  });
  return { make, events };
}

let session = 0;
/** One attach: EAP-Response/Identity, then the peer answers every Access-Challenge until the end. */
async function attach(backend: RadiusBackend, peer: EapPeer, nai = ROOT_NAI) {
  const sessionKey = `s${++session}`;
  const ask = (eap: Uint8Array) =>
    backend.exchange({ sessionKey, identity: nai, eap, peerAddress: '127.0.0.1', peerPort: 4500, round: 1 });
  let r: EapRoundResult = await ask(identityResponse(nai));
  const requestTypes: number[] = [];
  for (let i = 0; r.kind === 'continue' && i < 10; i++) {
    requestTypes.push(r.eap[4]!);
    const step = peer.handle(r.eap);
    if (!step.response) break;
    r = await ask(step.response);
  }
  let peerMsk: Uint8Array | undefined;
  if (r.kind === 'success') {
    const fin = peer.handle(r.eap);
    if (fin.result?.ok) peerMsk = fin.result.msk;
  }
  backend.endSession(sessionKey, 'logout');
  return { r, peerMsk, requestTypes };
}

let aaa: HostapdAaa;
before(async () => {
  aaa = await startHostapdAaa({ secret: SECRET, subscribers: [SET1_LINE, AHEAD_LINE] });
});
after(async () => {
  await aaa?.dispose();
});

const backendFor = (servers: { host: string; port: number }[], extra = {}) =>
  createRadiusBackend({
    servers: servers.map((s) => ({ ...s, secret: SECRET })),
    nasIdentifier: 'dsmip-ha',
    initialTimeoutMs: 300,
    triesPerServer: 2,
    ...extra,
  });

test("EAP-AKA through hostapd: Access-Accept, MSK = MS-MPPE-Recv-Key ‖ Send-Key = the peer's MSK", async () => {
  const backend = await backendFor([{ host: '127.0.0.1', port: aaa.port }]);
  try {
    const { make } = peerFactory();
    const { r, peerMsk } = await attach(backend, make());
    assert.equal(r.kind, 'success', r.kind === 'failure' ? r.detail : '');
    assert.ok(r.kind === 'success' && peerMsk && r.msk !== undefined && bytesEqual(r.msk, peerMsk));
    assert.equal(backend.counters.challenges >= 2, true); // AKA-Identity round, then AKA-Challenge
    const drops = Object.values(backend.counters.drops).reduce((a, b) => a + b, 0);
    assert.equal(drops, 0);
  } finally {
    await backend.close();
  }
});

test("EAP-AKA′ through hostapd (type 50, KDF 1, CK′/IK′ from AT_KDF_INPUT): MSK equal to the peer's", async () => {
  const backend = await backendFor([{ host: '127.0.0.1', port: aaa.port }]);
  try {
    const { make, events } = peerFactory(SET1.k, IMSI, true);
    const { r, peerMsk, requestTypes } = await attach(backend, make(), PRIME_NAI);
    assert.equal(r.kind, 'success', `${r.kind === 'failure' ? r.detail : ''} peer: ${events.join(', ')}`);
    assert.deepEqual([...new Set(requestTypes)], [50]); // every EAP Request was EAP-AKA′
    assert.ok(r.kind === 'success' && peerMsk && r.msk !== undefined && bytesEqual(r.msk, peerMsk));
  } finally {
    await backend.close();
  }
});

test('wrong K: the peer rejects AUTN, hostapd answers Access-Reject → failure "rejected"', async () => {
  const backend = await backendFor([{ host: '127.0.0.1', port: aaa.port }]);
  try {
    const wrongK = SET1.k.map((b) => b ^ 0xff);
    const { make, events } = peerFactory(wrongK);
    const { r } = await attach(backend, make());
    assert.equal(r.kind === 'failure' && r.reason, 'rejected');
    assert.equal(r.kind === 'failure' && r.eap?.[0], 4); // EAP-Failure
    assert.ok(events.includes('failure'));
    assert.equal(backend.counters.rejects, 1);
  } finally {
    await backend.close();
  }
});

test('unknown IMSI: hostapd gets no vector from hlr_auc_gw → Access-Reject', async () => {
  const backend = await backendFor([{ host: '127.0.0.1', port: aaa.port }]);
  try {
    // The peer's own IMSI is unknown too: hostapd's AKA-Identity round asks the peer for its permanent identity.
    const { make } = peerFactory(SET1.k, UNKNOWN_IMSI);
    const { r } = await attach(backend, make(), UNKNOWN_NAI);
    assert.equal(r.kind === 'failure' && r.reason, 'rejected');
  } finally {
    await backend.close();
  }
});

test('SQN out of range at the USIM: AKA-Synchronization-Failure with AUTS, hlr_auc_gw resynchronises, success', async () => {
  const backend = await backendFor([{ host: '127.0.0.1', port: aaa.port }]);
  try {
    const { make, events } = peerFactory(SET1.k, AHEAD_IMSI);
    const { r, peerMsk } = await attach(backend, make(), AHEAD_NAI);
    assert.ok(events.includes('sync-failure'), `peer events: ${events.join(', ')}`);
    assert.equal(r.kind, 'success', r.kind === 'failure' ? r.detail : '');
    assert.ok(r.kind === 'success' && peerMsk && r.msk !== undefined && bytesEqual(r.msk, peerMsk));
  } finally {
    await backend.close();
  }
});

/**
 * A UDP proxy between the backend and hostapd that records every datagram, both ways, and may rewrite answers.
 * It knows the secret, so a rewrite can keep the Response Authenticator right (RFC 2865 §3).
 */
async function startProxy(target: number, rewrite?: (answer: Uint8Array, request: Uint8Array) => Uint8Array) {
  const front = createSocket('udp4');
  const back = createSocket('udp4');
  await new Promise<void>((r) => front.bind(0, '127.0.0.1', r));
  await new Promise<void>((r) => back.bind(0, '127.0.0.1', r));
  const seen: { bytes: Uint8Array; toServer: boolean; port: number }[] = [];
  let client: { address: string; port: number } | undefined;
  let lastRequest = new Uint8Array(20);
  front.on('message', (m, from) => {
    client = from;
    lastRequest = new Uint8Array(m);
    seen.push({ bytes: new Uint8Array(m), toServer: true, port: from.port });
    back.send(m, target, '127.0.0.1');
  });
  back.on('message', (m) => {
    const b = rewrite ? rewrite(new Uint8Array(m), lastRequest) : new Uint8Array(m);
    if (!client) return;
    seen.push({ bytes: b, toServer: false, port: client.port });
    front.send(b, client.port, client.address);
  });
  return {
    port: front.address().port,
    seen,
    close: () => {
      front.close();
      back.close();
    },
  };
}

/** A UDP socket that receives and never answers: a RADIUS server that is down without ICMP errors. */
async function silentServer(): Promise<Socket> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  return s;
}

test('failover: the first server never answers, the second (hostapd) completes the attach', async () => {
  const dead = await silentServer();
  const backend = await backendFor([
    { host: '127.0.0.1', port: dead.address().port },
    { host: '127.0.0.1', port: aaa.port },
  ]);
  try {
    const { make } = peerFactory();
    const { r } = await attach(backend, make());
    assert.equal(r.kind, 'success');
    assert.equal(backend.counters.failovers, 1);
    assert.equal(backend.counters.retransmissions, 1); // two tries to the dead server
  } finally {
    await backend.close();
    dead.close();
  }
});

test('a proxy that corrupts the Message-Authenticator and re-signs the Response Authenticator: dropped, counted', async () => {
  let corrupted = 0;
  const proxy = await startProxy(aaa.port, (b, request) => {
    for (let p = 20; p + 2 <= b.length; p += b[p + 1]! || 1) {
      if (b[p] === 80 && b[p + 1] === 18) {
        b[p + 2]! ^= 0x01;
        corrupted++;
      }
    }
    // A valid Response Authenticator over the corrupted packet: only the Message-Authenticator check can tell.
    b.set(request.subarray(4, 20), 4);
    b.set(createHash('md5').update(b).update(SECRET).digest(), 4);
    return b;
  });
  const backend = await backendFor([{ host: '127.0.0.1', port: proxy.port }], { roundBudgetMs: 1500 });
  try {
    const { make } = peerFactory();
    const { r } = await attach(backend, make());
    assert.equal(r.kind === 'failure' && r.reason, 'no-server'); // both tries answered only by forgeries
    assert.ok(corrupted >= 1);
    assert.equal(backend.counters.drops['bad-message-authenticator'], corrupted);
    assert.equal(backend.counters.drops['bad-authenticator'], 0);
    assert.equal(backend.counters.challenges, 0);
  } finally {
    await backend.close();
    proxy.close();
  }
});

test('tshark dissects the RADIUS of a whole attach with hostapd: no malformed attribute, authenticators valid', async () => {
  const proxy = await startProxy(aaa.port);
  const backend = await backendFor([{ host: '127.0.0.1', port: proxy.port }]);
  try {
    const { make } = peerFactory();
    assert.equal((await attach(backend, make())).r.kind, 'success');
  } finally {
    await backend.close();
    proxy.close();
  }
  const packets = proxy.seen.map((d) =>
    buildUdp4({
      src: Ipv4Address.parse('127.0.0.1'),
      dst: Ipv4Address.parse('127.0.0.1'),
      sourcePort: d.toServer ? d.port : 1812,
      destinationPort: d.toServer ? 1812 : d.port,
      payload: d.bytes,
    }),
  );
  const layers = await tsharkDecode(packets, [
    '-o',
    `radius.shared_secret:${SECRET}`,
    '-o',
    'radius.validate_authenticator:TRUE',
  ]);
  const codes = layers.map((l) => findField(l.radius, 'radius.code'));
  assert.deepEqual(codes.slice(-2), ['1', '2']); // ... Access-Request, Access-Accept
  assert.ok(codes.filter((c) => c === '11').length >= 2); // AKA-Identity and AKA-Challenge rounds
  for (const l of layers) assert.equal(hasMalformed(l), false);
  for (const l of layers.filter((_, i) => !proxy.seen[i]!.toServer)) {
    assert.equal(findField(l.radius, 'radius.authenticator.valid'), '1');
  }
  assert.ok(findAll(layers, 'eap.type').includes('23')); // EAP-AKA inside the EAP-Message attributes
});

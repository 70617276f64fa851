// Diameter: codec throughput for the S6b DER/DEA, and DER/DEA rounds answered by our DiameterServer with the
// real EAP-AKA method (Milenage, MSK derivation) over TCP on loopback. The HA's client (createDiameterBackend)
// runs in the same process, so one core carries both ends: the figure is a floor for the server alone.

import { buildDea, buildDer, type LocalIdentity } from '../../src/aaa/diameter/index.ts';
import { initialHeSqnState, initialUsimSqnState, type UsimSqnState } from '../../src/crypto/index.ts';
import { makePeer, SET1 } from '../../src/eap/aka-test-support.ts';
import { InMemorySubscriberStore } from '../../src/eap/index.ts';
import { runEapAka } from '../../src/node/aaa/diameter-aka-support.ts';
import { createDiameterBackend } from '../../src/node/aaa/diameter-backend.ts';
import { DiameterServer } from '../../src/node/aaa/diameter-server.ts';
import { fromHex } from '../../src/util/hex.ts';
import { ApplicationId, decodeDiameter, encodeDiameter } from '../../src/wire/diameter/index.ts';
import type { Bench, Figure } from '../harness.ts';

const BATCH = 100;
const LOCAL: LocalIdentity = {
  originHost: 'pgw.epc.example',
  originRealm: 'epc.example',
  hostIpAddresses: [{ family: 1, address: Uint8Array.of(127, 0, 0, 1) }],
  vendorId: 0,
  productName: 'dsmip',
  originStateId: 1,
  authApplications: [{ applicationId: ApplicationId.S6B, vendorId: 10415 }],
};
const der = buildDer(
  LOCAL,
  { hopByHop: 1, endToEnd: 1 },
  {
    sessionId: 'pgw.epc.example;1;1',
    applicationId: ApplicationId.S6B,
    destinationRealm: 'aaa.example',
    userName: '0001010000000001@nai.epc.mnc001.mcc001.3gppnetwork.org',
    eap: new Uint8Array(40),
    apn: 'internet',
    ratType: 0,
    mip6FeatureVector: 0x200_0000_0000n,
  },
);
const dea = buildDea(der, LOCAL, { resultCode: 2001 }, { eap: Uint8Array.of(3, 1, 0, 4), msk: new Uint8Array(64) });
const derBytes = encodeDiameter(der);
const deaBytes = encodeDiameter(dea);

export const benches: Bench[] = [
  {
    name: 'diameter-der-encode',
    unit: 'msg/s',
    opsPerCall: BATCH,
    run: () => {
      for (let i = 0; i < BATCH; i++) encodeDiameter(der);
    },
  },
  {
    name: 'diameter-der-decode',
    unit: 'msg/s',
    opsPerCall: BATCH,
    run: () => {
      for (let i = 0; i < BATCH; i++) decodeDiameter(derBytes);
    },
  },
  {
    name: 'diameter-dea-decode',
    unit: 'msg/s',
    opsPerCall: BATCH,
    run: () => {
      for (let i = 0; i < BATCH; i++) decodeDiameter(deaBytes);
    },
  },
];

const LANES = 16;
const SECONDS = 3;

/** LANES subscribers attach over and over (2 DER/DEA rounds each) for SECONDS; rounds per second. */
async function derDeaRounds(): Promise<number> {
  const imsi = (i: number) => `00101000000${String(100 + i).padStart(4, '0')}`;
  const store = new InMemorySubscriberStore(
    Array.from({ length: LANES }, (_, i) => ({
      imsi: imsi(i),
      k: SET1.k,
      opc: SET1.opc,
      amf: fromHex('8000'),
      sqn: initialHeSqnState(),
    })),
  );
  const server = new DiameterServer({ originHost: 'aaa.aaa.example', originRealm: 'aaa.example', port: 0, store });
  const port = await server.listen();
  const backend = createDiameterBackend({
    originHost: 'pgw.epc.example',
    originRealm: 'epc.example',
    destinationRealm: 'aaa.example',
    peers: [{ host: '127.0.0.1', port }],
  });
  await backend.ready();
  let rounds = 0;
  let failures = 0;
  const end = performance.now() + SECONDS * 1000;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: LANES }, async (_, lane) => {
      let usim: UsimSqnState = initialUsimSqnState();
      for (let n = 0; performance.now() < end; n++) {
        const peer = makePeer({ imsi: imsi(lane), usimSqnState: usim });
        const identity = `0${imsi(lane)}@nai.epc.mnc001.mcc001.3gppnetwork.org`;
        const run = await runEapAka(backend, peer, { sessionKey: `${lane}-${n}`, identity });
        rounds += run.rounds;
        if (run.result.kind !== 'success') failures++;
        backend.endSession(`${lane}-${n}`, 'logout');
        usim = peer.usimSqnState;
      }
    }),
  );
  const secs = (performance.now() - start) / 1000;
  await backend.close();
  await server.close();
  // A run where attaches fail measures nothing useful: say so instead of printing a number.
  if (failures > 0) throw new Error(`diameter-der-dea-rounds: ${failures} attaches failed`);
  return rounds / secs;
}

export const figures: Figure[] = [{ name: 'diameter-der-dea-rounds', unit: '/s', measure: derDeaRounds }];

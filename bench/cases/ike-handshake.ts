/**
 * Complete DSMIPv6 IKEv2 handshakes in one process (IKE_SA_INIT + IKE_AUTH with EAP-AKA + the BU/BA
 * CREATE_CHILD_SA): X25519, an ECDSA P-256 HA certificate, AES-GCM-16-256, and the real EAP-AKA (src/eap through
 * src/node/ike/eap-adapters.ts) with TS 35.208 set 1: the USIM's Milenage and SQN check on the UE, vector
 * generation, key derivation and the AUTS-free Challenge round on the HA with an in-memory subscriber store.
 *
 * - ike-handshake-pair: both roles' work per handshake (SQN moves on by one per handshake on both sides).
 * - ike-handshake-ha-share: the HA's work alone. The UE's requests are recorded once against a HA with a seeded
 *   random source and a fresh store, and replayed against a fresh HA seeded the same way (same SPIs, RAND and SQN,
 *   so the recorded RES and MACs stay valid) and no UE work is timed.
 */
import { randomBytes } from 'node:crypto';
import { initialHeSqnState, initialUsimSqnState } from '../../src/crypto/index.ts';
import { InMemorySubscriberStore } from '../../src/eap/subscriber.ts';
import type { EapServerFactory } from '../../src/ike/eap.ts';
import type { IkePath } from '../../src/ike/events.ts';
import { IkeInitiator } from '../../src/ike/initiator.ts';
import { IkeResponder, type ResponderConfig } from '../../src/ike/responder.ts';
import type { HomePrefixPool } from '../../src/ike/tasks/ike-config.ts';
import { haConfig, seededRandom, ueConfig, validNow } from '../../src/ike/test-support.ts';
import { eapAkaPeerFactory, eapAkaServerFactory } from '../../src/node/ike/eap-adapters.ts';
import { fromHex } from '../../src/util/hex.ts';
import { Ipv6Address } from '../../src/util/ip-address.ts';
import { identityData } from '../../src/wire/ike/identity.ts';
import type { Bench } from '../harness.ts';

/** OS randomness drawn 4 KiB at a time: what a node shell would inject (randomBytes per call costs ≈ 2 µs). */
let pool4k = new Uint8Array(0);
let poolAt = 0;
function osRandom(n: number): Uint8Array {
  if (poolAt + n > pool4k.length) {
    pool4k = randomBytes(Math.max(4096, n));
    poolAt = 0;
  }
  const out = pool4k.slice(poolAt, poolAt + n);
  poolAt += n;
  return out;
}

/** Every UE gets the same prefix: the bench HA forgets each SA right after the handshake. */
const HOME_PREFIX = { prefix: Ipv6Address.parse('2001:db8:1::'), prefixLength: 64 };
const pool: HomePrefixPool = {
  allocate: () => HOME_PREFIX,
  release: () => {},
};
/** TS 35.208 test set 1 (SPEC-NOTES §10) for one subscriber of MCC 001 / MNC 01. */
const IMSI = '001010000000001';
const ROOT_NAI = `0${IMSI}@nai.epc.mnc001.mcc001.3gppnetwork.org`;
const K = fromHex('465b5ce8b199b49faa5f0a2ee238a6bc');
const OPC = fromHex('cd63cb71954a9f4e48a5994e37a02baf');

function set1Store(): InMemorySubscriberStore {
  return new InMemorySubscriberStore([{ imsi: IMSI, k: K, opc: OPC, amf: fromHex('8000'), sqn: initialHeSqnState() }]);
}

function akaServer(random: (n: number) => Uint8Array): EapServerFactory {
  return eapAkaServerFactory({ store: set1Store(), random });
}

const haBase: ResponderConfig = haConfig({ random: osRandom, pool, eapServer: akaServer(osRandom) });
const ueTemplate = ueConfig({ random: osRandom });
const ueBase = {
  ...ueTemplate,
  auth: {
    ...ueTemplate.auth,
    rounds: [
      {
        identity: identityData({ kind: 'rfc822', address: ROOT_NAI }),
        // One USIM for all handshakes: its SQN state moves on with the HA's store.
        eapPeer: eapAkaPeerFactory({
          imsi: IMSI,
          mcc: '001',
          mnc: '01',
          k: K,
          opc: OPC,
          usimSqnState: initialUsimSqnState(),
        }),
      },
    ],
  },
};
const NOW = validNow();

function mirror(p: IkePath): IkePath {
  return { localAddr: p.remoteAddr, localPort: p.remotePort, remoteAddr: p.localAddr, remotePort: p.localPort };
}

/** Runs one handshake between `ue` and `ha`; returns the UE's requests in order (for recording). */
function handshake(ue: IkeInitiator, ha: IkeResponder): Uint8Array[] {
  const requests: Uint8Array[] = [];
  ue.connect(NOW);
  let children = 0;
  for (let guard = 0; guard < 64 && children < 2; guard++) {
    for (let t = ue.pollTransmit(); t; t = ue.pollTransmit()) {
      requests.push(t.bytes);
      ha.handleDatagram(NOW, t.bytes, mirror(t));
    }
    for (let t = ha.pollTransmit(); t; t = ha.pollTransmit()) ue.handleDatagram(NOW, t.bytes, mirror(t));
    for (let e = ue.pollEvent(); e; e = ue.pollEvent()) if (e.kind === 'child-sa-established') children++;
  }
  if (children < 2) throw new Error('ike-handshake bench: handshake did not complete');
  return requests;
}

function drainEvents(ha: IkeResponder): number {
  let children = 0;
  for (let e = ha.pollEvent(); e; e = ha.pollEvent()) if (e.kind === 'child-sa-established') children++;
  return children;
}

const pairHa = new IkeResponder(haBase);

/** A HA whose randomness, SQN and EAP challenges repeat exactly, so recorded UE requests stay valid. */
function replayableHa(): IkeResponder {
  return new IkeResponder({
    ...haBase,
    random: seededRandom('bench-ha'),
    eapServer: akaServer(seededRandom('bench-aka')),
  });
}
const recorded = handshake(new IkeInitiator(ueBase), replayableHa());
const AT_HA: IkePath = mirror(ueBase.path);

export const benches: Bench[] = [
  {
    name: 'ike-handshake-pair (EAP-AKA)',
    unit: 'handshakes/s',
    run: () => {
      const ue = new IkeInitiator(ueBase);
      handshake(ue, pairHa);
      if (drainEvents(pairHa) !== 2) throw new Error('ike-handshake bench: the HA did not complete');
      for (const id of pairHa.sessionIds()) pairHa.removeIkeSa(NOW, id); // keep the table bounded
      drainEvents(pairHa);
    },
  },
  {
    name: 'ike-handshake-ha-share (EAP-AKA)',
    unit: 'handshakes/s',
    run: () => {
      const ha = replayableHa();
      for (const bytes of recorded) {
        ha.handleDatagram(NOW, bytes, AT_HA);
        while (ha.pollTransmit());
      }
      if (drainEvents(ha) !== 2) throw new Error('ike-handshake bench: replay did not complete');
    },
  },
];

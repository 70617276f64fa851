/**
 * Full IKEv2 attaches per second (IKE_SA_INIT + IKE_AUTH with EAP-AKA + the AUTH exchange, UE and HA cores in this
 * process, their datagrams handed over in memory) with the HA's EAP:
 *
 * - attach-rate-embedded: the embedded AAA (EAP-AKA server in the IKE core, synchronous).
 * - attach-rate-radius-dsmip-aaa: through the RADIUS client (src/node/aaa/radius-backend.ts) over loopback UDP
 *   to the RADIUS server `dsmip aaa` runs (src/node/aaa/radius-server.ts, same EAP-AKA server and store), the IKE
 *   core answering through `eap-pending` / `completeEap`. In process, real sockets for RADIUS only.
 * - attach-cost-radius-round-trip: the difference per attach (ms), i.e. what the external AAA adds: two RADIUS
 *   round trips (Identity → AKA-Challenge, AKA-Challenge response → Accept) with their HMAC-MD5 and MPPE work.
 * Each figure runs attaches one after another for about 2 s; the whole case stays under 10 s.
 */
import { randomBytes } from 'node:crypto';
import { initialHeSqnState, initialUsimSqnState } from '../../src/crypto/index.ts';
import { InMemorySubscriberStore } from '../../src/eap/subscriber.ts';
import type { IkePath } from '../../src/ike/events.ts';
import { IkeInitiator } from '../../src/ike/initiator.ts';
import { IkeResponder } from '../../src/ike/responder.ts';
import type { HomePrefixPool } from '../../src/ike/tasks/ike-config.ts';
import { haConfig, ueConfig, validNow } from '../../src/ike/test-support.ts';
import { createRadiusBackend, type RadiusBackend } from '../../src/node/aaa/radius-backend.ts';
import { startRadiusServer } from '../../src/node/aaa/radius-server.ts';
import { eapAkaPeerFactory, eapAkaServerFactory } from '../../src/node/ike/eap-adapters.ts';
import { SET1_K, SET1_OPC } from '../../src/node/ike/test-support.ts';
import { fromHex } from '../../src/util/hex.ts';
import { Ipv4Address, Ipv6Address } from '../../src/util/ip-address.ts';
import { identityData } from '../../src/wire/ike/identity.ts';
import type { Figure } from '../harness.ts';

/** Attaches rotate over these subscribers (the HA's per-identity limits would refuse one IMSI attaching nonstop). */
const IMSIS = Array.from({ length: 4000 }, (_, i) => `00101${String(i).padStart(10, '0')}`);
let nextImsi = 0;
const store = () =>
  new InMemorySubscriberStore(
    IMSIS.map((imsi) => ({ imsi, k: SET1_K, opc: SET1_OPC, amf: fromHex('8000'), sqn: initialHeSqnState() })),
  );
const NOW = validNow();
const pool: HomePrefixPool = {
  allocate: () => ({ prefix: Ipv6Address.parse('2001:db8:1::'), prefixLength: 64 }),
  release: () => {},
};
const osRandom = (n: number) => new Uint8Array(randomBytes(n));
const mirror = (p: IkePath): IkePath => ({
  localAddr: p.remoteAddr,
  localPort: p.remotePort,
  remoteAddr: p.localAddr,
  remotePort: p.localPort,
});

function newUe(): IkeInitiator {
  const n = nextImsi++;
  const imsi = IMSIS[n % IMSIS.length]!;
  // Each UE from its own address too: the HA's EAP challenge gate limits attempts per source (issue 16).
  const template = ueConfig({ random: osRandom });
  const localAddr = Ipv4Address.parse(`10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`);
  const base = { ...template, path: { ...template.path, localAddr } };
  const peer = eapAkaPeerFactory({
    imsi,
    mcc: '001',
    mnc: '01',
    k: SET1_K,
    opc: SET1_OPC,
    usimSqnState: initialUsimSqnState(),
  });
  return new IkeInitiator({
    ...base,
    auth: {
      ...base.auth,
      rounds: [
        {
          identity: identityData({ kind: 'rfc822', address: `0${imsi}@nai.epc.mnc001.mcc001.3gppnetwork.org` }),
          eapPeer: peer,
        },
      ],
    },
  });
}

/** One attach; `aaa` answers the HA's pending EAP rounds (external mode) or is absent (embedded). */
async function attach(ha: IkeResponder, aaa?: RadiusBackend): Promise<void> {
  const ue = newUe();
  ue.connect(NOW);
  let children = 0;
  for (let guard = 0; guard < 64 && children < 2; guard++) {
    for (let t = ue.pollTransmit(); t; t = ue.pollTransmit()) ha.handleDatagram(NOW, t.bytes, mirror(t));
    for (let e = ha.pollEvent(); e; e = ha.pollEvent()) {
      if (e.kind !== 'eap-pending' || !aaa) continue;
      const answer = await aaa.exchange({
        sessionKey: `${e.ikeSaId}`,
        identity: e.identity,
        eap: e.eap,
        peerAddress: '192.0.2.10',
        peerPort: 500,
        round: 1,
      });
      ha.completeEap(NOW, e.ikeSaId, e.token, answer);
    }
    for (let t = ha.pollTransmit(); t; t = ha.pollTransmit()) ue.handleDatagram(NOW, t.bytes, mirror(t));
    for (let e = ue.pollEvent(); e; e = ue.pollEvent()) if (e.kind === 'child-sa-established') children++;
  }
  if (children < 2) throw new Error('aaa-attach bench: an attach did not complete');
}

async function rate(ha: IkeResponder, aaa?: RadiusBackend): Promise<number> {
  for (let i = 0; i < 5; i++) await attach(ha, aaa); // warm-up
  const started = performance.now();
  let n = 0;
  while (performance.now() - started < 2_000) {
    await attach(ha, aaa);
    n++;
  }
  return n / ((performance.now() - started) / 1000);
}

let embeddedRate = 0;
let radiusRate = 0;

export const benches = [];

export const figures: Figure[] = [
  {
    name: 'attach-rate-embedded',
    unit: 'attaches/s',
    measure: async () => {
      const ha = new IkeResponder({
        ...haConfig({ random: osRandom, pool }),
        eapServer: eapAkaServerFactory({ store: store(), random: osRandom }),
      });
      embeddedRate = await rate(ha);
      return embeddedRate;
    },
  },
  {
    name: 'attach-rate-radius-dsmip-aaa',
    unit: 'attaches/s',
    measure: async () => {
      const server = await startRadiusServer({
        port: 0,
        clients: [{ address: '127.0.0.1', secret: 'bench secret' }],
        eapServerFactory: eapAkaServerFactory({ store: store(), random: osRandom }),
      });
      const backend = await createRadiusBackend({
        servers: [{ host: '127.0.0.1', port: server.port, secret: 'bench secret' }],
      });
      try {
        const ha = new IkeResponder({
          ...haConfig({ random: osRandom, pool }),
          eapServer: { kind: 'external', timeoutMs: 10_000 },
        });
        radiusRate = await rate(ha, backend);
        return radiusRate;
      } finally {
        await backend.close();
        await server.close();
      }
    },
  },
  {
    name: 'attach-cost-radius-round-trip',
    unit: 'ms/attach',
    measure: () => (embeddedRate > 0 && radiusRate > 0 ? 1000 / radiusRate - 1000 / embeddedRate : Number.NaN),
  },
];

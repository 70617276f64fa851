/**
 * The HA's CPU per full attach against a real subscriber store of N subscribers (files in a temporary folder),
 * and the time to load a million subscribers.
 *
 * - ha-attach-cpu-<N>-subs: the method of ike-handshake-ha-share (UE requests recorded once against a HA with
 *   seeded randomness, replayed against a fresh HA seeded the same way, no UE work timed), with the EAP-AKA server
 *   on a SubscriberFileStore of N subscribers (src/node/aaa/subscriber-range.ts). Consecutive attaches use
 *   different IMSIs: up to 200 recorded ones spread evenly over the file, in turn (a UE's requests do not depend
 *   on the SQN of the challenge, so a replay stays valid while SQN_HE moves on). Figure: process CPU time
 *   (user + system) per attach, so other load on the machine does not inflate it; the three sizes are measured in
 *   interleaved rounds and each figure is the median of its rounds.
 * - subscriber-load-1M: wall time of SubscriberFileStore.open on a file of 1,000,000 subscribers (keys, the SQN
 *   state file, and the start's reservation for every subscriber); -cpu: the process CPU time of the same load.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initialHeSqnState, initialUsimSqnState } from '../../src/crypto/index.ts';
import { InMemorySubscriberStore, type SubscriberStore } from '../../src/eap/subscriber.ts';
import type { IkePath } from '../../src/ike/events.ts';
import { IkeInitiator } from '../../src/ike/initiator.ts';
import { IkeResponder, type ResponderConfig } from '../../src/ike/responder.ts';
import type { HomePrefixPool } from '../../src/ike/tasks/ike-config.ts';
import { haConfig, seededRandom, ueConfig, validNow } from '../../src/ike/test-support.ts';
import { SubscriberFileStore } from '../../src/node/aaa/subscriber-file-store.ts';
import { derivedTestKeys, imsisOf, writeSubscriberRange } from '../../src/node/aaa/subscriber-range.ts';
import { eapAkaPeerFactory, eapAkaServerFactory } from '../../src/node/ike/eap-adapters.ts';
import { Ipv6Address } from '../../src/util/ip-address.ts';
import { identityData } from '../../src/wire/ike/identity.ts';
import type { Figure } from '../harness.ts';

const FIRST_IMSI = '001010000000000';
const RECORDED = 200;
const NOW = validNow();
const HOME_PREFIX = { prefix: Ipv6Address.parse('2001:db8:1::'), prefixLength: 64 };
const pool: HomePrefixPool = { allocate: () => HOME_PREFIX, release: () => {} };

function osRandom(n: number): Uint8Array {
  return new Uint8Array(randomBytes(n));
}

function mirror(p: IkePath): IkePath {
  return { localAddr: p.remoteAddr, localPort: p.remotePort, remoteAddr: p.localAddr, remotePort: p.localPort };
}

const haBase: ResponderConfig = haConfig({ random: osRandom, pool });
const ueTemplate = ueConfig({ random: osRandom });

/** A HA whose randomness and EAP challenges repeat exactly, so recorded UE requests stay valid. */
function replayableHa(store: SubscriberStore): IkeResponder {
  return new IkeResponder({
    ...haBase,
    random: seededRandom('bench-ha'),
    eapServer: eapAkaServerFactory({ store, random: seededRandom('bench-aka') }),
  });
}

function childrenOf(ha: IkeResponder): number {
  let children = 0;
  for (let e = ha.pollEvent(); e; e = ha.pollEvent()) if (e.kind === 'child-sa-established') children++;
  return children;
}

/** One handshake of the UE of `imsi` with a replayable HA; the UE's requests in order. */
function record(imsi: string): Uint8Array[] {
  const { k, opc, amf } = derivedTestKeys(imsi);
  const ue = new IkeInitiator({
    ...ueTemplate,
    auth: {
      ...ueTemplate.auth,
      rounds: [
        {
          identity: identityData({ kind: 'rfc822', address: `0${imsi}@nai.epc.mnc001.mcc001.3gppnetwork.org` }),
          eapPeer: eapAkaPeerFactory({ imsi, mcc: '001', mnc: '01', k, opc, usimSqnState: initialUsimSqnState() }),
        },
      ],
    },
  });
  const ha = replayableHa(new InMemorySubscriberStore([{ imsi, k, opc, amf, sqn: initialHeSqnState() }]));
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
  if (children < 2) throw new Error(`ha-attach bench: the recording for ${imsi} did not complete`);
  return requests;
}

const AT_HA: IkePath = mirror(ueTemplate.path);

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

interface AttachRig {
  readonly attach: () => void;
  readonly close: () => void;
}

/** A store of `count` subscribers in `dir` and the recorded attaches of up to RECORDED of them. */
function attachRig(dir: string, count: number): AttachRig {
  const file = join(dir, `subscribers-${count}.json`);
  writeSubscriberRange(file, { first: FIRST_IMSI, count });
  const store = SubscriberFileStore.open(file);
  const step = Math.max(1, Math.floor(count / RECORDED));
  const imsis = [...imsisOf({ first: FIRST_IMSI, count })].filter((_, i) => i % step === 0).slice(0, RECORDED);
  const recordings = imsis.map(record);
  let next = 0;
  return {
    attach: () => {
      const ha = replayableHa(store);
      for (const bytes of recordings[next]!) {
        ha.handleDatagram(NOW, bytes, AT_HA);
        while (ha.pollTransmit());
      }
      if (childrenOf(ha) !== 2) throw new Error('ha-attach bench: replay did not complete');
      next = (next + 1) % recordings.length;
    },
    close: () => store.close(),
  };
}

const SIZES = [1, 2000, 100_000];
const ROUNDS = 15;
let perAttach: Map<number, number> | undefined;

/**
 * CPU µs per attach for every size, measured in interleaved rounds (0.2 s of CPU each) and the median taken, so a
 * change in the machine's load during the run affects every size alike.
 */
function attachCpuAll(): Map<number, number> {
  if (perAttach) return perAttach;
  const dir = mkdtempSync(join(tmpdir(), 'dsmip-bench-subs-'));
  try {
    const rigs = SIZES.map((n) => attachRig(dir, n));
    for (const rig of rigs) {
      // Warm-up by CPU time: on a busy machine a wall-clock warm-up may leave the JIT cold.
      const warmEnd = cpuMs() + 700;
      while (cpuMs() < warmEnd) rig.attach();
    }
    const samples = SIZES.map(() => [] as number[]);
    for (let round = 0; round < ROUNDS; round++) {
      rigs.forEach((rig, i) => {
        let attaches = 0;
        const start = cpuMs();
        while (cpuMs() - start < 200) {
          for (let j = 0; j < 20; j++) rig.attach();
          attaches += 20;
        }
        samples[i]!.push(((cpuMs() - start) * 1000) / attaches);
      });
    }
    for (const rig of rigs) rig.close();
    perAttach = new Map(SIZES.map((n, i) => [n, samples[i]!.sort((a, b) => a - b)[ROUNDS >> 1]!]));
    return perAttach;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let load1M: { wallS: number; cpuS: number } | undefined;
function loadMillion(): { wallS: number; cpuS: number } {
  if (load1M) return load1M;
  const dir = mkdtempSync(join(tmpdir(), 'dsmip-bench-load-'));
  try {
    const file = join(dir, 'subscribers.json');
    writeSubscriberRange(file, { first: FIRST_IMSI, count: 1_000_000 });
    const wall = performance.now();
    const cpu = cpuMs();
    const store = SubscriberFileStore.open(file);
    load1M = { wallS: (performance.now() - wall) / 1000, cpuS: (cpuMs() - cpu) / 1000 };
    if (store.size !== 1_000_000) throw new Error('subscriber-load bench: not every subscriber loaded');
    store.close();
    return load1M;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const benches = [];

export const figures: Figure[] = [
  ...SIZES.map((n) => ({ name: `ha-attach-cpu-${n}-subs`, unit: 'µs', measure: () => attachCpuAll().get(n)! })),
  { name: 'subscriber-load-1M', unit: 's', measure: () => loadMillion().wallS },
  { name: 'subscriber-load-1M-cpu', unit: 's', measure: () => loadMillion().cpuS },
];

// Home Agent figures (issue 4 targets: ≥ 40,000 BU/s on one core with 100,000 bindings, < 1 KB per binding
// at 1,000,000 bindings).
//
// ha-bu-decision-no-esp: per BU, MH decode with checksum verification + HomeAgentCore decision and cache update
// + BA encode with checksum: the core alone, without packets or ESP.
//
// ha-bu-pipeline (ESP+100k bindings): the whole HA path of src/node/mobility/ha-signalling.ts per BU, from the bytes
// on the wire to the bytes sent back: IPv6 + HAO parse, ESP open (AES-GCM-128, anti-replay window, selectors),
// the identity-owns-HoA check, MH decode with checksum, the decision and cache update, BA encode, ESP seal and
// IPv6 + RH2 framing. Each of the 100,000 UEs has its own Child SA (installed from a `child-sa-established`
// event) and its own binding; the timed BUs are sealed beforehand by each UE's SA with increasing ESP and MH
// sequence numbers, so the replay window and the sequence check pass as they would on the wire.
//
// ha-binding-bytes: heap growth per binding after 1,000,000 bindings (IPv6 CoA, linked IPv4 HoA from the pool),
// measured with process.memoryUsage() around a forced GC. It is a size, not a rate, so it is exported in
// `figures` (bench/run.ts times `benches` only); run this file directly to print it:
//   node --import tsx bench/cases/mip.ts

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ChildSaEvent, EspKeys } from '../../src/ike/events.ts';
import { mobilitySelectors } from '../../src/ike/traffic-selectors.ts';
import { sealEsp } from '../../src/ipsec/esp-protect.ts';
import type { EspSa } from '../../src/ipsec/sa.ts';
import { EspSad } from '../../src/ipsec/sad.ts';
import { ipv4Int, ipv6KeyAt } from '../../src/mip/addresses.ts';
import { BindingCache, BindingEntry, TunnelMode } from '../../src/mip/binding-cache.ts';
import { HomeAgentCore } from '../../src/mip/home-agent.ts';
import { Ipv4HomeAddressPool } from '../../src/mip/ipv4-pool.ts';
import { homeAgentPolicy } from '../../src/mip/policy.ts';
import type { BindingUpdateContext, SendMh } from '../../src/mip/types.ts';
import { mobilityChildSa } from '../../src/node/mobility/child-sa.ts';
import { HaSignalling } from '../../src/node/mobility/ha-signalling.ts';
import { MobilitySaRegistry } from '../../src/node/mobility/sa-registry.ts';
import { frameSignalling, signallingOutputBytes } from '../../src/node/mobility/signalling-packet.ts';
import { Ipv4Address, Ipv6Address } from '../../src/util/ip-address.ts';
import {
  type BindingUpdate,
  decodeMobilityHeader,
  encodeMobilityHeader,
  type MhPseudoHeader,
} from '../../src/wire/mh/index.ts';
import { type Bench, type Figure, formatFigure } from '../harness.ts';

const BINDINGS = 100_000;
const BATCH = 100;
const HA = Ipv6Address.parse('2001:db8::1');
const PREFIX = { prefix: Ipv6Address.parse('2001:db8::'), prefixLength: 32 };

function homeAddress(i: number): Ipv6Address {
  const b = new Uint8Array(16);
  b.set(PREFIX.prefix.bytes.subarray(0, 4));
  b[12] = i >>> 24;
  b[13] = i >>> 16;
  b[14] = i >>> 8;
  b[15] = i;
  b[11] = 1;
  return Ipv6Address.fromBytes(b);
}

function careOf(i: number): Ipv6Address {
  const b = homeAddress(i).bytes.slice();
  b[3] = 0x99; // 2001:db8 → 2001:0d99: a visited network
  return Ipv6Address.fromBytes(b);
}

function bindingUpdate(i: number, sequence: number): BindingUpdate {
  return {
    kind: 'binding-update',
    sequence,
    acknowledge: true,
    homeRegistration: true,
    linkLocalAddressCompatibility: false,
    keyManagementMobilityCapability: true,
    mapRegistration: false,
    mobileRouter: true,
    proxyRegistration: false,
    forceUdpEncapsulation: false,
    tlvHeaderFormat: false,
    overwriteOrBulkBinding: false,
    lifetimeSec: 3600,
    options: [
      { kind: 'ipv4-home-address', prefixLength: 32, requestMobileNetworkPrefix: false, homeAddress: Ipv4Address.ANY },
      { kind: 'alternate-care-of-address', careOfAddress: careOf(i) },
    ],
  };
}

interface Ue {
  readonly bytes: Uint8Array;
  readonly buAddrs: MhPseudoHeader;
  readonly baAddrs: MhPseudoHeader;
  readonly ctx: BindingUpdateContext;
  sequence: number;
}

/** Sets the BU's sequence field and fixes its checksum incrementally (RFC 1624 eqn. 3): the UE's side, not timed work. */
function bumpSequence(ue: Ue): void {
  const b = ue.bytes;
  const old = (b[6]! << 8) | b[7]!;
  ue.sequence = (ue.sequence + 1) & 0xffff;
  b[6] = ue.sequence >>> 8;
  b[7] = ue.sequence & 0xff;
  let sum = (~((b[4]! << 8) | b[5]!) & 0xffff) + (~old & 0xffff) + ue.sequence;
  sum = (sum & 0xffff) + (sum >>> 16);
  sum = (sum & 0xffff) + (sum >>> 16);
  const check = ~sum & 0xffff;
  b[4] = check >>> 8;
  b[5] = check & 0xff;
}

let ha: HomeAgentCore;
let ues: Ue[] = [];
let next = 0;
let now = 0;

function setupHomeAgent(): void {
  const policy = homeAgentPolicy({ ipv6Address: HA, homePrefixes: [PREFIX], maxLifetimeSec: 3600 });
  ha = new HomeAgentCore(policy, [{ first: Ipv4Address.parse('10.0.0.1'), last: Ipv4Address.parse('10.3.255.254') }]);
  ues = [];
  for (let i = 0; i < BINDINGS; i++) {
    const hoa = homeAddress(i);
    const coa = careOf(i);
    const buAddrs = { src: hoa, dst: HA };
    const ue: Ue = {
      bytes: encodeMobilityHeader(bindingUpdate(i, 1), buAddrs),
      buAddrs,
      baAddrs: { src: HA, dst: hoa },
      ctx: {
        ikeSaId: `ike-${i}`,
        authorizedHomePrefix: PREFIX,
        protectedByEsp: true,
        homeAddress: hoa,
        homeAgentAddress: HA,
        outer: { family: 6, source: coa, destination: HA, viaUdp4191: false },
      },
      sequence: 1,
    };
    ues.push(ue);
    handle(ue);
  }
  while (ha.pollEvent() !== undefined);
}

function handle(ue: Ue): void {
  const bu = decodeMobilityHeader(ue.bytes, ue.buAddrs);
  if (bu.kind !== 'binding-update') throw new Error('mip bench: not a BU');
  ha.handleBindingUpdate(now, bu, ue.ctx);
  const reply = ha.pollTransmit();
  if (reply === undefined || reply.message.kind !== 'binding-acknowledgement' || reply.message.status !== 0) {
    throw new Error('mip bench: BU not accepted');
  }
  if (encodeMobilityHeader(reply.message, ue.baAddrs).length !== 24) throw new Error('mip bench: BA size');
}

// ---- ha-bu-pipeline: ESP + MH + decision + BA + ESP through HaSignalling -------------------------------------

/** Sealed BUs per UE beyond its registration: room for 2 × 100,000 timed BUs (~1.5 s even at 130,000 BU/s). */
const PIPELINE_LAPS = 2;
const GCM128 = { encrId: 20, encrKeyBits: 128, integId: undefined } as const;

function ueKeys(i: number, direction: number): EspKeys {
  const k = new Uint8Array(20);
  for (let j = 0; j < 20; j++) k[j] = (i * 7 + j * 13 + direction * 101) & 0xff;
  return { encrKey: k, integKey: new Uint8Array(0) };
}

/** UE i's BU/BA Child SA as the HA's IKE engine reports it (RFC 4877 §7.3 selectors, AES-GCM-128). */
function haChildSa(i: number, hoa: Ipv6Address): ChildSaEvent {
  const { tsi, tsr } = mobilitySelectors(hoa, HA);
  return {
    kind: 'child-sa-established',
    ikeSaId: i + 1,
    ...GCM128,
    spiIn: 0x1_0000 + i,
    spiOut: 0x100_0000 + i,
    mode: 'transport',
    esn: false,
    keysIn: ueKeys(i, 0),
    keysOut: ueKeys(i, 1),
    tsLocal: [tsr],
    tsRemote: [tsi],
    udpEncapsulation: false,
    rekeyOf: undefined,
    homeAddress: hoa,
  };
}

/** The same Child SA from the UE's side: its outbound SA seals what the HA opens. */
function ueOutboundSa(e: ChildSaEvent, sad: EspSad) {
  const m = mobilityChildSa(
    {
      ...e,
      spiIn: e.spiOut,
      spiOut: e.spiIn,
      keysIn: e.keysOut,
      keysOut: e.keysIn,
      tsLocal: e.tsRemote,
      tsRemote: e.tsLocal,
    },
    'mobile-node',
  );
  if (!m.ok) throw new Error(`mip bench: ${m.reason}`);
  return sad.install(m.sa.outbound);
}

let pipeline: HaSignalling;
let sealedBus: Uint8Array[] = [];
let nextSealed = 0;

function sealBu(sa: EspSa, i: number, sequence: number): Uint8Array {
  const hoa = homeAddress(i);
  const send: SendMh = {
    kind: 'send-mh',
    message: bindingUpdate(i, sequence),
    innerSrc: hoa,
    innerDst: HA,
    transport: { kind: 'ipv6-hao', careOf: careOf(i) },
  };
  const sealed = sealEsp(sa, 135, encodeMobilityHeader(send.message, { src: hoa, dst: HA }));
  if (!sealed.ok) throw new Error('mip bench: seal refused');
  return signallingOutputBytes(frameSignalling(send, sealed.packet));
}

function pipelineBu(bytes: Uint8Array): void {
  now += 0.01;
  if (pipeline.receiveIp(now, bytes).kind !== 'accepted') throw new Error('mip bench: BU not accepted');
  const ba = pipeline.pollSend();
  if (ba === undefined || ba.kind !== 'ip') throw new Error('mip bench: no BA');
}

function setupPipeline(): void {
  const prefixes = { session: () => ({ homePrefix: PREFIX }) };
  const random = (n: number) => new Uint8Array(n);
  const sad = new EspSad({ random });
  const policy = homeAgentPolicy({ ipv6Address: HA, homePrefixes: [PREFIX], maxLifetimeSec: 3600 });
  pipeline = new HaSignalling({
    core: new HomeAgentCore(policy, [
      { first: Ipv4Address.parse('10.0.0.1'), last: Ipv4Address.parse('10.3.255.254') },
    ]),
    sad,
    registry: MobilitySaRegistry.forHomeAgent(sad, prefixes),
  });
  const ueSad = new EspSad({ random });
  const laps: Uint8Array[][] = Array.from({ length: PIPELINE_LAPS }, () => []);
  for (let i = 0; i < BINDINGS; i++) {
    const e = haChildSa(i, homeAddress(i));
    if (!pipeline.registry.install(e).ok) throw new Error('mip bench: Child SA refused');
    const ueSa = ueOutboundSa(e, ueSad);
    pipelineBu(sealBu(ueSa, i, 1)); // the registration that creates the binding
    // MH sequence numbers step by 2^14, so they stay "newer" (RFC 6275 §9.5.1) lap after lap.
    for (let lap = 0; lap < PIPELINE_LAPS; lap++) laps[lap]!.push(sealBu(ueSa, i, (1 + (lap + 1) * 0x4000) & 0xffff));
    ueSad.remove(ueSa);
  }
  const c = pipeline.core.counters;
  if (pipeline.core.bindingCount !== BINDINGS || c.registrationsAccepted !== BINDINGS) {
    throw new Error('mip bench: registrations missing');
  }
  while (pipeline.core.pollEvent() !== undefined);
  sealedBus = laps.flat();
  nextSealed = 0;
}

export const benches: Bench[] = [
  {
    name: 'ha-bu-decision-no-esp (100k bindings)',
    unit: 'BU/s',
    opsPerCall: BATCH,
    setup: setupHomeAgent,
    run: () => {
      for (let k = 0; k < BATCH; k++) {
        const ue = ues[next]!;
        next = next + 1 === ues.length ? 0 : next + 1;
        now += 0.01;
        bumpSequence(ue);
        handle(ue);
      }
      // Only binding-created/updated/ipv4 events on changes: plain refreshes raise none.
      if (ha.pollEvent() !== undefined) throw new Error('mip bench: unexpected event');
    },
  },
  {
    name: 'ha-bu-pipeline (ESP+100k bindings)',
    unit: 'BU/s',
    opsPerCall: 1,
    setup: setupPipeline,
    run: () => {
      const bytes = sealedBus[nextSealed++];
      if (bytes === undefined) throw new Error('mip bench: pre-sealed BUs used up; raise PIPELINE_LAPS');
      pipelineBu(bytes);
      // Each one a refresh the core accepted (a stale sequence number would be a 135 BA instead).
      if (pipeline.core.counters.registrationsAccepted !== BINDINGS + nextSealed) {
        throw new Error('mip bench: BU not accepted by the core');
      }
    },
  },
];

function gcFunction(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Bytes of heap per binding once 1,000,000 bindings (each with an IPv6 CoA and a linked IPv4 HoA) exist. */
export function measureBindingBytes(count = 1_000_000): number {
  const gc = gcFunction();
  const pool = new Ipv4HomeAddressPool([
    { first: Ipv4Address.parse('10.0.0.1'), last: Ipv4Address.parse('10.255.255.254') },
  ]);
  const cache = new BindingCache(pool);
  gc();
  const before = process.memoryUsage().heapUsed;
  const hoa = new Uint8Array(16);
  hoa.set([0x20, 0x01, 0x0d, 0xb8]);
  for (let i = 0; i < count; i++) {
    hoa[12] = i >>> 24;
    hoa[13] = i >>> 16;
    hoa[14] = i >>> 8;
    hoa[15] = i;
    const key = ipv6KeyAt(hoa, 0);
    const e = new BindingEntry(key);
    e.ikeSaId = `ike-sa-${i}`;
    e.sequence = i & 0xffff;
    e.lifetimeSec = 3600;
    e.expiresAtMs = 1_700_000_000_000 + i;
    e.mode = TunnelMode.IPV6;
    hoa[3] = 0x99;
    e.careOfV6 = ipv6KeyAt(hoa, 0);
    hoa[3] = 0xb8;
    cache.store(e);
    const v4 = pool.allocate(key);
    if (v4 !== undefined) cache.linkIpv4(e, v4, true);
  }
  gc();
  const after = process.memoryUsage().heapUsed;
  if (
    cache.size !== count ||
    pool.inUse !== count ||
    cache.getByIpv4(ipv4Int(Ipv4Address.parse('10.0.0.1'))) === undefined
  ) {
    throw new Error('mip bench: cache incomplete');
  }
  return (after - before) / count;
}

export const figures: Figure[] = [
  { name: 'ha-binding-bytes (1M bindings)', unit: 'B/binding', measure: () => measureBindingBytes() },
];

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const f of figures) console.log(formatFigure(f.name, await f.measure(), f.unit));
}

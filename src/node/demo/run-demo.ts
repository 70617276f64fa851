/**
 * `dsmip demo`: a DNS server answering the HA-APN, an HA with the embedded AAA (TS 35.208 set 1 subscriber) and
 * embedded DHCP servers, optionally an in-process NAT, and a UE, over real sockets: on loopback aliases, or (as
 * root) in a private network namespace with raw IP sockets (demo-lab.ts, demo-namespace.ts). The UE attaches
 * (discovery, IKEv2 with EAP-AKA, home prefix and DNS servers, BU/BA child SA, home link detection, BU with an IPv4
 * HoA request, DHCPv6 and DHCPv4 through the tunnel), then deregisters; every datagram and raw packet goes into the
 * ladder trace and, when asked, a pcap with a Wireshark key log.
 */
import { loadHaConfig, loadUeConfig } from '../../config/load.ts';
import { initialHeSqnState } from '../../crypto/index.ts';
import { InMemorySubscriberStore } from '../../eap/index.ts';
import { CaptureWriter, NO_CAPTURE } from '../../obs/capture-writer.ts';
import { KeyLogWriter } from '../../obs/keylog.ts';
import type { AttachSummary } from '../../obs/ladder/render-summary.ts';
import { type PhaseTiming, phaseTimings, type TraceEntry } from '../../obs/ladder/trace.ts';
import { silentLogger } from '../../obs/log.ts';
import { fromHex } from '../../util/hex.ts';
import { DnsServer } from '../dns/server.ts';
import { HomeAgent } from '../ha/home-agent.ts';
import { monotonicNowMs } from '../net/clock.ts';
import { probeRawSockets, type RawSocketSupport, rawSocketsNotUsed } from '../net/raw-sockets.ts';
import { UdpNatRelay } from '../net/udp-nat-relay.ts';
import { ipv6AccessNeedsRaw } from '../ue/ue-access.ts';
import type { AttachResult } from '../ue/ue-types.ts';
import { UserEquipment } from '../ue/user-equipment.ts';
import { type DemoAaa, describeAaa } from './demo-aaa.ts';
import {
  canBindIkePorts,
  DEMO_HA_APN,
  DEMO_SUBSCRIBER,
  type DemoLab,
  type DemoNetwork,
  demoLab,
  haYaml,
  type IkePorts,
  ueYaml,
} from './demo-lab.ts';
import { configureNamespaceLoopback, insideDemoNamespace } from './demo-namespace.ts';
import { demoNotes } from './demo-notes.ts';
import { demoSummary } from './demo-summary.ts';
import { DemoTrace } from './demo-trace.ts';

export interface DemoOptions {
  readonly pcap?: string;
  readonly keylogDir?: string;
  readonly access?: 'ipv4' | 'ipv6';
  readonly nat?: boolean;
  readonly atHome?: boolean;
  /**
   * `namespace`: this process runs in a private network namespace of its own (demo-namespace.ts started it there):
   * the lab's addresses go on `lo` and raw sockets are used. Default `aliases` (loopback aliases, UDP only).
   */
  readonly network?: DemoNetwork;
  /** An external AAA for the HA (`--aaa`); default the embedded one. */
  readonly aaa?: DemoAaa;
  /** Why the demo runs on aliases (for the message when IPv6 access cannot run); default the raw-socket probe's. */
  readonly aliasesReason?: string;
}

export interface DemoResult {
  readonly entries: readonly TraceEntry[];
  /** Ladder columns, left to right. */
  readonly columns: readonly string[];
  readonly summary: AttachSummary;
  readonly attach: AttachResult;
  /** The HA's IKE and NAT-T ports (500/4500 when they could be bound, else ports the kernel picked). */
  readonly ikePorts: IkePorts;
  readonly deregistered: boolean;
  readonly network: DemoNetwork;
  /** The raw-IP framings seen on the wire (e.g. `BA in IPv4 protocol 41`, `IPv6-in-IPv4`), in first-seen order. */
  readonly framings: readonly string[];
}

/** The demo cannot run as asked here (IPv6 access without raw sockets); nothing was started. */
export class DemoUnavailableError extends Error {}

/** The attach failed; the trace so far shows where. */
export class DemoFailedError extends Error {
  constructor(
    message: string,
    readonly entries: readonly TraceEntry[],
    readonly columns: readonly string[],
  ) {
    super(message);
  }
}

const STANDARD_IKE_PORTS: IkePorts = { ike: 500, natT: 4500 };
const FREE_PORTS: IkePorts = { ike: 0, natT: 0 };
/** Everything runs on loopback in milliseconds: a step that takes seconds has failed. */
const TIMEOUTS = { discoveryMs: 5000, ikeMs: 10_000, bindingMs: 5000, dhcpMs: 10_000, detachMs: 5000 };

function demoSubscribers(): InMemorySubscriberStore {
  const s = DEMO_SUBSCRIBER;
  // A fresh SQN_HE, as the USIM's (sqn 0): the first vector is fresh, so no resynchronisation round.
  return new InMemorySubscriberStore([
    { imsi: s.imsi, k: fromHex(s.k), opc: fromHex(s.opc), amf: fromHex(s.amf), sqn: initialHeSqnState() },
  ]);
}

function ipv6AccessUnavailable(reason: string | undefined): string {
  const raw = probeRawSockets();
  const why =
    reason ?? (raw.available ? 'the demo runs on loopback address aliases, which raw packets cannot use' : raw.detail);
  return `${ipv6AccessNeedsRaw(why)}. Run the demo with --access ipv4.`;
}

const AT_HOME_NOTE =
  'home link detected (the access link advertises the home prefix, TS 24.303 §5.1.2.3): no BU, no tunnel, no DHCP';

/** The attach phases on the trace's time scale. */
function phasesOf(attach: AttachResult, originMs: number): PhaseTiming[] {
  return attach.phases.map((p) => ({ name: p.phase, startMs: p.startMs - originMs, endMs: p.endMs - originMs }));
}

/** From the deregistration BU (or the IKE delete, at home) to the last answer. */
function detachTimeOf(entries: readonly TraceEntry[]): number | undefined {
  const span = phaseTimings(entries).find((p) => p.name === 'detach');
  return span && span.endMs - span.startMs;
}

export async function runDemo(o: DemoOptions = {}): Promise<DemoResult> {
  const network = o.network ?? 'aliases';
  if (o.access === 'ipv6' && network !== 'namespace') {
    throw new DemoUnavailableError(ipv6AccessUnavailable(o.aliasesReason));
  }
  const lab = demoLab({ nat: o.nat === true, access: o.access ?? 'ipv4', network });
  // Behind aliases the UE's F = 1 note names why the demo runs there (no privilege, --no-namespace, no unshare).
  let raw: RawSocketSupport | undefined = o.aliasesReason ? rawSocketsNotUsed(o.aliasesReason) : undefined;
  if (network === 'namespace') {
    // Only in the namespace demo-namespace.ts made: these addresses must never land on the host's own `lo`.
    if (!insideDemoNamespace()) throw new Error('network: namespace needs the demo namespace');
    configureNamespaceLoopback(lab.hostAddresses);
    // The UE keeps one alias behind the NAT (demo-lab.ts) and would give up raw sockets for it; its CoA is real.
    raw = probeRawSockets();
  }
  const columns = lab.nat ? ['UE', 'NAT', 'DNS', 'HA'] : ['UE', 'DNS', 'HA'];
  const capture = o.pcap ? CaptureWriter.open(o.pcap, { flushIntervalMs: 0 }) : undefined;
  const keyLog = o.keylogDir ? new KeyLogWriter(o.keylogDir) : undefined;
  const trace = new DemoTrace(lab, capture ?? NO_CAPTURE, monotonicNowMs);
  const standard = (await canBindIkePorts(lab.wire.ha)) && (await canBindIkePorts(lab.wire.ue));
  const ports = standard ? STANDARD_IKE_PORTS : FREE_PORTS;
  const closers: (() => Promise<void> | void)[] = [() => capture?.close()];
  try {
    const ha = await HomeAgent.start(loadHaConfig({ text: haYaml(lab, o.aaa), name: 'demo ha.yaml' }), {
      logger: silentLogger(),
      ...(lab.haAliases ? { aliases: lab.haAliases } : {}),
      subscriberStore: demoSubscribers(),
      metricsServer: false,
      processMetrics: false,
      ikePorts: ports,
      onEvent: (e) => trace.onHa(e),
    });
    closers.unshift(() => ha.stop());
    const haPorts = { ike: ha.ikeEndpoint.ikePort, natT: ha.ikeEndpoint.natTPort };
    if (lab.nat) {
      const nat = await openNat(lab, haPorts, trace);
      closers.unshift(() => nat.close());
    }
    const dns = await DnsServer.start({
      address: lab.dns,
      ...(lab.dnsAliases ? { aliases: lab.dnsAliases } : {}),
      port: 0,
      records: [
        { name: DEMO_HA_APN, address: lab.ha6, ttlSec: 300 },
        { name: DEMO_HA_APN, address: lab.ha4, ttlSec: 300 },
      ],
      onTrace: (e) => trace.onDns(e),
    });
    closers.unshift(() => dns.close());
    const ueConfig = loadUeConfig({ text: ueYaml(lab, dns.endpoint, ports, haPorts), name: 'demo ue.yaml' });
    const ue = await UserEquipment.start(ueConfig, {
      logger: silentLogger(),
      ...(lab.ueAliases ? { aliases: lab.ueAliases } : {}),
      ...(raw ? { rawSupport: raw } : {}),
      ...(keyLog ? { keyLog } : {}),
      dhcpv6FirstDelayMaxMs: 0,
      ikeMessageTrace: true, // the ladder shows the payloads inside each SK payload (demo-trace.ts)
      ...(o.atHome ? { atHome: true } : {}),
      timeouts: TIMEOUTS,
      onEvent: (e) => trace.onUe(e),
    });
    closers.unshift(() => ue.stop());
    let attach: AttachResult;
    trace.begin(monotonicNowMs());
    try {
      attach = await ue.attach();
    } catch (e) {
      throw new DemoFailedError((e as Error).message, trace.recorder.entries, columns);
    }
    await ue.detach();
    const entries = trace.recorder.entries;
    const notes = [
      ...(attach.atHome ? [AT_HOME_NOTE] : []),
      ...(attach.forceUdpReason && !attach.atHome ? [`F = 1: ${attach.forceUdpReason}`] : []),
      ...demoNotes(lab, attach, trace.framings),
      ...(standard ? [] : [ikePortNote(haPorts)]),
    ];
    return {
      entries,
      columns,
      summary: demoSummary(attach, phasesOf(attach, trace.originMs), detachTimeOf(entries), notes, describeAaa(o.aaa)),
      attach,
      ikePorts: haPorts,
      deregistered: ha.bindingCount === 0,
      network,
      framings: [...trace.framings],
    };
  } finally {
    for (const close of closers) await close();
  }
}

function ikePortNote(p: IkePorts): string {
  return (
    `IKE on UDP ${p.ike} and NAT-T on ${p.natT} (500 and 4500 need root); ` +
    `in Wireshark decode UDP ${p.ike} as ISAKMP and ${p.natT} as UDPENCAP`
  );
}

async function openNat(lab: DemoLab, haPorts: IkePorts, trace: DemoTrace): Promise<UdpNatRelay> {
  return UdpNatRelay.open({
    insideAddress: lab.wire.nat,
    outsideAddress: lab.wire.natOutside,
    forwards: [haPorts.ike, haPorts.natT, 4191].map((port) => ({ port, to: { address: lab.wire.ha, port } })),
    onTrace: (e) => trace.onNat(e),
  });
}

/**
 * The demo's ladder and capture, fed from every node's datagram hook: one trace entry and one capture record per
 * datagram on the wire. Each datagram is reported by its sender and again by its receiver (datagram-trace.ts), so
 * the `sent` reports are taken; the DNS server also reports the queries it receives, because the UE's resolver
 * socket is not traced. ESP hides the BU and the BA on the wire: the nodes report them in the clear just before
 * they are sealed, and the next ESP datagram of that node shows them (RFC 4877 §4.3 transport mode).
 */
import type { PacketCapture } from '../../obs/capture-writer.ts';
import { summarizeMobility } from '../../obs/ladder/summarize-mh.ts';
import { type Party, TraceRecorder } from '../../obs/ladder/trace.ts';
import type { IpAddress } from '../../util/ip-address.ts';
import type { HomeAgentNodeEvent } from '../ha/ha-events.ts';
import { type DatagramTraceEvent, datagramRecordOf, summarizeDatagram } from '../net/datagram-trace.ts';
import type { UeNodeEvent } from '../ue/ue-events.ts';
import type { DemoLab } from './demo-lab.ts';

interface Pending {
  summary: string;
  details: readonly string[];
}

/** What a NAT leg forwards: the message it carries and the endpoint before the rewrite. */
interface InFlight {
  readonly protocol: string;
  readonly summary: string;
  readonly endpoint: string;
}

const endpoint = (a: IpAddress, port: number) => `${a}:${port}`;

export class DemoTrace {
  readonly recorder: TraceRecorder;
  /** Time 0 of the ladder (node clock); `begin` moves it to the start of the attach. */
  private startMs: number;
  private pendingBu: Pending | undefined;
  private pendingBa: Pending | undefined;
  /** Messages sent towards the NAT, waiting for the relay's forwarded copy (it forwards in order). */
  private readonly toHa: InFlight[] = [];
  private readonly toUe: InFlight[] = [];

  constructor(
    private readonly lab: DemoLab,
    private readonly capture: PacketCapture,
    nowMs: () => number,
  ) {
    this.recorder = new TraceRecorder(nowMs);
    this.startMs = nowMs();
  }

  get originMs(): number {
    return this.startMs;
  }

  begin(atMs: number): void {
    this.startMs = atMs;
  }

  onUe(e: UeNodeEvent): void {
    if (e.kind === 'phase') this.recorder.setPhase(e.phase);
    else if (e.kind === 'binding-update') this.pendingBu = summarizeMobility(e.message);
    else if (e.kind === 'datagram' && e.trace.direction === 'sent') {
      this.datagram(e.trace, 'UE', this.lab.nat ? 'NAT' : 'HA', this.takeClear('UE'));
    }
  }

  onHa(e: HomeAgentNodeEvent): void {
    if (e.kind === 'binding-ack') this.pendingBa = summarizeMobility(e.message);
    else if (e.kind === 'datagram' && e.trace.direction === 'sent') {
      this.datagram(e.trace, 'HA', this.lab.nat ? 'NAT' : 'UE', this.takeClear('HA'));
    }
  }

  /** The DNS server's socket: queries received from the UE's resolver, answers sent. */
  onDns(e: DatagramTraceEvent): void {
    const [from, to]: [Party, Party] = e.direction === 'sent' ? ['DNS', 'UE'] : ['UE', 'DNS'];
    this.datagram(e, from, to, undefined);
  }

  /**
   * The NAT relay's socket (it has no aliases: loopback addresses in, node addresses out). A datagram it sends
   * from its outside socket goes to the HA from the public address; one from a listener goes back to the UE.
   */
  onNat(e: DatagramTraceEvent): void {
    if (e.direction !== 'sent') return;
    const outbound = e.label === 'nat-outside';
    const local = outbound ? this.lab.natPublic : this.lab.ha4;
    const remote = outbound ? this.lab.ha4 : this.lab.careOf;
    const leg: DatagramTraceEvent = { ...e, local, remote };
    this.capture.writeDatagram(datagramRecordOf(leg));
    const carried = (outbound ? this.toHa : this.toUe).shift();
    const after = outbound ? endpoint(local, e.localPort) : endpoint(remote, e.remotePort);
    const rewrite = outbound ? `source ${carried?.endpoint} → ${after}` : `destination ${carried?.endpoint} → ${after}`;
    const s = carried ?? summarizeDatagram(leg);
    this.recorder.add({
      tMs: e.atMs - this.startMs,
      from: 'NAT',
      to: outbound ? 'HA' : 'UE',
      protocol: s.protocol,
      summary: carried ? `NAT ${rewrite}` : s.summary,
      details: [`UDP ${endpoint(local, e.localPort)} → ${endpoint(remote, e.remotePort)}`],
      bytes: e.payload.length,
    });
  }

  /** The BU or BA waiting for `sender`'s next ESP datagram. */
  private takeClear(sender: 'UE' | 'HA'): Pending | undefined {
    return sender === 'UE' ? this.pendingBu : this.pendingBa;
  }

  private datagram(e: DatagramTraceEvent, from: Party, to: Party, clear: Pending | undefined): void {
    this.capture.writeDatagram(datagramRecordOf(e));
    const s = summarizeDatagram(e);
    let protocol = s.protocol;
    let summary = s.summary;
    let details = s.details;
    if (clear && s.protocol === 'ESP' && e.label === 'dsmip') {
      // The sealed BU/BA: its fields in the clear, the ESP header after them.
      protocol = 'MH';
      summary = `${clear.summary} [in ${s.summary.replace(/ \(.*\)$/, '')}]`;
      details = [...s.details, ...clear.details];
      if (from === 'UE') this.pendingBu = undefined;
      else this.pendingBa = undefined;
    }
    if (to === 'NAT') {
      const queue = from === 'UE' ? this.toHa : this.toUe;
      const before = from === 'UE' ? endpoint(e.local, e.localPort) : endpoint(e.remote, e.remotePort);
      queue.push({ protocol, summary, endpoint: before });
    }
    this.recorder.add({ tMs: e.atMs - this.startMs, from, to, protocol, summary, details, bytes: e.payload.length });
  }
}

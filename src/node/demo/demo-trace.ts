/**
 * The demo's ladder and capture, fed from every node's datagram hook: one trace entry and one capture record per
 * datagram on the wire. Each datagram is reported by its sender and again by its receiver (datagram-trace.ts), so
 * the `sent` reports are taken; the DNS server also reports the queries it receives, because the UE's resolver
 * socket is not traced. ESP hides the BU and the BA on the wire: the nodes report them in the clear just before
 * they are sealed, and the next ESP datagram of that node shows them (RFC 4877 §4.3 transport mode). The same for
 * IKE: the UE's engine reports the payloads inside each SK payload it seals or opens, and the message's line on the
 * ladder is rewritten with them (matched by SPIs, message ID and direction, RFC 7296 §3.1). The engine reports a
 * message once: a message the UE sends is on the wire before its report (the endpoint sends, then hands on events),
 * one it receives was sent by the HA before; a retransmission comes later still and finds the payloads kept.
 * Raw IP packets (with raw sockets, in the namespace demo) are taken the same way, from their sender: whole packets
 * into the capture, one ladder line each, and their framing noted (demo-framing.ts) for the summary.
 */
import type { MessagePayloadsEvent } from '../../ike/events.ts';
import type { PacketCapture } from '../../obs/capture-writer.ts';
import { summarizeIke } from '../../obs/ladder/summarize-ike.ts';
import { summarizeMobility } from '../../obs/ladder/summarize-mh.ts';
import { type PacketSummary, summarizePacket } from '../../obs/ladder/summarize-packet.ts';
import { type Party, type TraceEntry, TraceRecorder } from '../../obs/ladder/trace.ts';
import { copyBytes } from '../../util/bytes.ts';
import { isWireError } from '../../util/errors.ts';
import { toHex } from '../../util/hex.ts';
import type { IpAddress } from '../../util/ip-address.ts';
import type { IkeHeader } from '../../wire/ike/header.ts';
import { decodeIkeMessage, type IkeMessage } from '../../wire/ike/message.ts';
import type { IkePayload } from '../../wire/ike/payload.ts';
import type { HomeAgentNodeEvent } from '../ha/ha-events.ts';
import { type DatagramTraceEvent, datagramRecordOf, summarizeDatagram } from '../net/datagram-trace.ts';
import type { RawPacketTrace } from '../net/raw-transport.ts';
import type { UeNodeEvent } from '../ue/ue-events.ts';
import { type Framing, type FramingText, framingOf, framingText } from './demo-framing.ts';
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

/** One IKE message on the wire: SPIs, message ID and direction (RFC 7296 §3.1). */
function ikeKey(h: IkeHeader): string {
  return `${toHex(h.initiatorSpi)}.${toHex(h.responderSpi)}.${h.messageId}.${h.response ? 'r' : 'q'}`;
}

/** The IKE message in a datagram of an IKE socket (after the non-ESP marker on NAT-T, RFC 3948 §2.2), if any. */
function ikeMessageOf(e: DatagramTraceEvent): IkeMessage | undefined {
  let bytes = e.payload;
  if (e.label === 'nat-t') {
    if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== 0 || bytes[3] !== 0) return undefined;
    bytes = bytes.subarray(4);
  } else if (e.label !== 'ike') return undefined;
  try {
    return decodeIkeMessage(copyBytes(bytes));
  } catch (e) {
    if (isWireError(e)) return undefined;
    throw e;
  }
}

/** A line showing an IKE message whose SK payload is still opaque. */
interface Sealed {
  readonly entry: TraceEntry;
  readonly message: IkeMessage;
}

export class DemoTrace {
  readonly recorder: TraceRecorder;
  /** Time 0 of the ladder (node clock); `begin` moves it to the start of the attach. */
  private startMs: number;
  private pendingBu: Pending | undefined;
  private pendingBa: Pending | undefined;
  /** Messages sent towards the NAT, waiting for the relay's forwarded copy (it forwards in order). */
  private readonly toHa: InFlight[] = [];
  private readonly toUe: InFlight[] = [];
  /** IKE lines waiting for their cleartext, by `ikeKey` (retransmissions share one). */
  private readonly sealed = new Map<string, Sealed[]>();
  /** The cleartext reported for each `ikeKey`, for the retransmissions still to come. */
  private readonly revealed = new Map<string, readonly IkePayload[]>();
  /** The raw-IP framings seen, in first-seen order. */
  readonly framings = new Set<Framing>();

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
    else if (e.kind === 'ike' && e.event.kind === 'message-payloads') this.reveal(e.event);
    else if (e.kind === 'datagram' && e.trace.direction === 'sent') {
      this.datagram(e.trace, 'UE', this.lab.nat ? 'NAT' : 'HA', this.takeClear('UE'));
    } else if (e.kind === 'raw-packet' && e.trace.direction === 'sent') {
      this.rawPacket(e.trace, 'UE', this.lab.nat ? 'NAT' : 'HA');
    }
  }

  onHa(e: HomeAgentNodeEvent): void {
    if (e.kind === 'binding-ack') this.pendingBa = summarizeMobility(e.message);
    else if (e.kind === 'datagram' && e.trace.direction === 'sent') {
      this.datagram(e.trace, 'HA', this.lab.nat ? 'NAT' : 'UE', this.takeClear('HA'));
    } else if (e.kind === 'raw-packet' && e.trace.direction === 'sent') {
      this.rawPacket(e.trace, 'HA', this.lab.nat ? 'NAT' : 'UE');
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

  /**
   * The sealed BU/BA of `from` shown in the clear on the line of its ESP packet, the ESP header after it, and the
   * raw framing around it (`framing`: HAO, RH2, protocol 41) with its detail line.
   */
  private withClear(s: PacketSummary, from: Party, clear: Pending, framing?: FramingText): PacketSummary {
    if (from === 'UE') this.pendingBu = undefined;
    else this.pendingBa = undefined;
    const esp = s.summary.replace(/ \(.*\)$/, '');
    return {
      protocol: 'MH',
      summary: `${clear.summary} [in ${esp}${framing ? `, ${framing.tag}` : ''}]`,
      details: [...s.details, ...(framing?.detail ? [framing.detail] : []), ...clear.details],
    };
  }

  /** A whole packet a node sent on a raw socket: protocol 41/4 over IPv4, ESP/41/4 over IPv6. */
  private rawPacket(t: RawPacketTrace, from: 'UE' | 'HA', to: Party): void {
    this.capture.writePacket(t.packet);
    const s = summarizePacket(t.packet);
    const clear = s.protocol === 'ESP' ? this.takeClear(from) : undefined;
    const framing = framingOf(t.packet, clear !== undefined);
    if (framing !== undefined) this.framings.add(framing);
    const shown = clear ? this.withClear(s, from, clear, framing && framingText(t.packet, framing)) : s;
    this.recorder.add({
      tMs: t.atMs - this.startMs,
      from,
      to,
      protocol: shown.protocol,
      summary: shown.summary,
      details: shown.details,
      bytes: t.packet.length,
    });
  }

  private datagram(e: DatagramTraceEvent, from: Party, to: Party, clear: Pending | undefined): void {
    this.capture.writeDatagram(datagramRecordOf(e));
    const s = summarizeDatagram(e);
    const shown = clear && s.protocol === 'ESP' && e.label === 'dsmip' ? this.withClear(s, from, clear) : s;
    const { protocol, summary, details } = shown;
    if (to === 'NAT') {
      const queue = from === 'UE' ? this.toHa : this.toUe;
      const before = from === 'UE' ? endpoint(e.local, e.localPort) : endpoint(e.remote, e.remotePort);
      queue.push({ protocol, summary, endpoint: before });
    }
    const entry = this.recorder.add({
      tMs: e.atMs - this.startMs,
      from,
      to,
      protocol,
      summary,
      details,
      bytes: e.payload.length,
    });
    const ike = s.protocol === 'IKE' ? ikeMessageOf(e) : undefined;
    if (ike?.payloads.some((p) => p.kind === 'sk')) {
      const key = ikeKey(ike.header);
      const payloads = this.revealed.get(key);
      if (payloads) this.showClear({ entry, message: ike }, payloads);
      else this.sealed.set(key, [...(this.sealed.get(key) ?? []), { entry, message: ike }]);
    }
  }

  /** Rewrites the lines of one protected IKE message with the payloads the engine sealed or opened. */
  private reveal(e: MessagePayloadsEvent): void {
    const key = ikeKey(e.header);
    this.revealed.set(key, e.payloads);
    for (const line of this.sealed.get(key) ?? []) this.showClear(line, e.payloads);
    this.sealed.delete(key);
  }

  private showClear({ entry, message }: Sealed, payloads: readonly IkePayload[]): void {
    const clear = summarizeIke(message, payloads);
    const route = entry.details?.[0];
    this.recorder.revise(entry, { summary: clear.summary, details: [...(route ? [route] : []), ...clear.details] });
  }
}

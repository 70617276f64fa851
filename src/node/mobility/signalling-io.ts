/**
 * The I/O shell around a signalling pipeline: the sockets each role opens (src/net/transport.ts), packets from them
 * into the pipeline, and the pipeline's output to the socket that carries it. Raw sockets are opened only where the
 * process may (root on Linux); `ueCapabilities` turns that into the UE's choices.
 */
import {
  type DatagramTransport,
  type IpFamily,
  type RawIpTransport,
  RawProtocol,
  TransportError,
  type TransportProvider,
  type UdpBindOptions,
} from '../../net/transport.ts';
import { UdpPort } from '../../wire/ip/constants.ts';
import type { SignallingOutcome } from './signalling-open.ts';
import type { SignallingOutput } from './signalling-packet.ts';
import type { SignallingPipeline } from './signalling-pipeline.ts';

export interface RawSocketSpec {
  readonly protocol: number;
  readonly family: IpFamily;
}

export interface SignallingSocketPlan {
  readonly udp: readonly UdpBindOptions[];
  readonly raw: readonly RawSocketSpec[];
}

/**
 * HA: UDP 4191 for BUs from IPv4 access (RFC 5555 §4.1); ESP over IPv6 for BUs with a HAO and BAs with RH2; MH
 * over IPv6 so that BUs outside ESP are seen and counted; protocol 41 for BAs to an IPv4 CoA without NAT
 * (TS 24.303 §5.1.3.2).
 */
export function homeAgentSocketPlan(): SignallingSocketPlan {
  return {
    udp: [{ family: 4, port: UdpPort.DSMIPV6 }],
    raw: [
      { protocol: RawProtocol.ESP, family: 6 },
      { protocol: RawProtocol.MH, family: 6 },
      { protocol: RawProtocol.IPV6_IN_IP, family: 4 },
    ],
  };
}

/** UE: UDP port Z for BUs/BAs over IPv4 (RFC 5555 §4.1); ESP over IPv6; protocol 41 for BAs without NAT. */
export function mobileNodeSocketPlan(udpSourcePort: number): SignallingSocketPlan {
  return {
    udp: [{ family: 4, port: udpSourcePort }],
    raw: [
      { protocol: RawProtocol.ESP, family: 6 },
      { protocol: RawProtocol.IPV6_IN_IP, family: 4 },
    ],
  };
}

/** What the UE can do with the sockets it may open. */
export interface UeSignallingCapabilities {
  /** A BU with a HAO and a BA with RH2 around ESP need raw IPv6 (RFC 6275 §6.3, §6.4): IPv6 access. */
  readonly ipv6Access: boolean;
  /** A BA in plain IPv4 (protocol 41, TS 24.303 §5.1.3.2) reaches only a node that receives protocol 41. */
  readonly receiveProtocol41: boolean;
  /** So ask for UDP with F = 1 when protocol 41 cannot be received (RFC 5555 §3.1.3; SPEC-NOTES §15 item 13). */
  readonly forceUdp: boolean;
}

export function ueCapabilities(provider: Pick<TransportProvider, 'canOpenRaw'>): UeSignallingCapabilities {
  const receiveProtocol41 = provider.canOpenRaw(RawProtocol.IPV6_IN_IP, 4);
  return {
    ipv6Access: provider.canOpenRaw(RawProtocol.ESP, 6),
    receiveProtocol41,
    forceUdp: !receiveProtocol41,
  };
}

export interface SignallingIoCounters {
  /** Outputs no open socket could carry (e.g. a protocol 41 BA without the raw socket). */
  noTransport: number;
  /** Sends the transport refused (TransportError: the source address went away, the socket closed). */
  sendErrors: number;
}

export interface SignallingIoOptions {
  /** Called for packets the pipeline did not take (data tunnels, ESP of the data SA), with what it made of them. */
  readonly onUnhandled?: (outcome: SignallingOutcome, packet: Uint8Array) => void;
}

export class SignallingIo {
  readonly counters: SignallingIoCounters = { noTransport: 0, sendErrors: 0 };

  private constructor(
    readonly pipeline: SignallingPipeline,
    readonly udp: readonly DatagramTransport[],
    readonly raw: readonly RawIpTransport[],
    /** Raw sockets of the plan the process may not open. */
    readonly missing: readonly RawSocketSpec[],
    private readonly options: SignallingIoOptions,
  ) {
    for (const t of udp) {
      t.onMessage((d) => {
        this.after(this.pipeline.receiveUdp(d.receivedAt, d), d.payload);
      });
    }
    for (const t of raw) {
      t.onPacket((p) => {
        this.after(this.pipeline.receiveIp(p.receivedAt, p.packet), p.packet);
      });
    }
  }

  /** Opens the plan's UDP sockets (errors propagate) and the raw ones the provider allows. */
  static async open(
    pipeline: SignallingPipeline,
    provider: TransportProvider,
    plan: SignallingSocketPlan,
    options: SignallingIoOptions = {},
  ): Promise<SignallingIo> {
    const udp: DatagramTransport[] = [];
    for (const u of plan.udp) udp.push(await provider.openUdp(u));
    const raw: RawIpTransport[] = [];
    const missing: RawSocketSpec[] = [];
    for (const r of plan.raw) {
      if (provider.canOpenRaw(r.protocol, r.family)) raw.push(await provider.openRaw(r.protocol, r.family));
      else missing.push(r);
    }
    return new SignallingIo(pipeline, udp, raw, missing, options);
  }

  /** Sends everything the pipeline has to send; call after any command or timeout given to its core. */
  flush(): void {
    for (let out = this.pipeline.pollSend(); out !== undefined; out = this.pipeline.pollSend()) this.send(out);
  }

  /** Runs the core's timers at `now`, then flushes. */
  timeout(now: number): void {
    this.pipeline.handleTimeout(now);
    this.flush();
  }

  close(): void {
    for (const t of this.udp) t.close();
    for (const t of this.raw) t.close();
  }

  private after(outcome: SignallingOutcome, packet: Uint8Array): void {
    if (outcome.kind === 'esp-other' || outcome.kind === 'not-signalling') this.options.onUnhandled?.(outcome, packet);
    this.flush();
  }

  private send(out: SignallingOutput): void {
    try {
      if (out.kind === 'ip') {
        const t = this.raw.find((r) => r.family === out.family && r.protocol === out.protocol);
        if (t === undefined) this.counters.noTransport++;
        else t.send(out.packet);
        return;
      }
      const family: IpFamily = out.source.bytes.length === 4 ? 4 : 6;
      const t = this.udp.find((u) => u.family === family && u.localPort === out.sourcePort);
      if (t === undefined) this.counters.noTransport++;
      else t.send(out.payload, out.destination, out.destinationPort, { source: out.source });
    } catch (e) {
      if (!(e instanceof TransportError)) throw e;
      this.counters.sendErrors++;
    }
  }
}

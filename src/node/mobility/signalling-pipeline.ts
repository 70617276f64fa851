/**
 * What the HA and UE pipelines share (ha-signalling.ts, ue-signalling.ts): received bytes → classification →
 * ESP open and the checks of signalling-open.ts → the role's core; and the core's `SendMh` → MH bytes (checksum
 * over HoA and HA, RFC 6275 §6.1.1) → ESP transport mode, Next Header 135, on the BU/BA SA for the message's
 * (local, remote) addresses (sa-registry.ts `outbound`) → the framing the core chose (RFC 3776 §3.1; RFC 5555 §5.2.1). Sans-I/O:
 * the node hands packets in and polls packets out (signalling-io.ts connects it to transports).
 */
import { sealEsp } from '../../ipsec/esp-protect.ts';
import type { EspSad } from '../../ipsec/sad.ts';
import type { SendMh } from '../../mip/types.ts';
import type { InboundDatagram } from '../../net/transport.ts';
import { isWireError } from '../../util/errors.ts';
import { Fifo } from '../../util/fifo.ts';
import { IpProtocol } from '../../wire/ip/constants.ts';
import { encodeMobilityHeader } from '../../wire/mh/header.ts';
import type { MobilitySaEntry, MobilitySaRegistry } from './sa-registry.ts';
import {
  drop,
  newSignallingCounters,
  type OpenedMobility,
  openSignalling,
  type SignallingCounters,
  type SignallingOutcome,
} from './signalling-open.ts';
import {
  classifyDatagram,
  classifyIp,
  frameSignalling,
  type SignallingInput,
  type SignallingOutput,
} from './signalling-packet.ts';

/** A core as the pipeline sees it: polled for messages to protect and send, and driven by its timers. */
export interface SignallingCore {
  pollTransmit(): SendMh | undefined;
  handleTimeout(now: number): void;
  pollTimeout(): number | undefined;
}

export abstract class SignallingPipeline {
  readonly counters: SignallingCounters = newSignallingCounters();
  /** Replies protected as soon as the core made them, waiting for `pollSend`. */
  private readonly ready = new Fifo<SignallingOutput>();

  protected constructor(
    readonly sad: EspSad,
    readonly registry: MobilitySaRegistry,
    private readonly signallingCore: SignallingCore,
  ) {}

  /** A whole IP packet from a raw transport (or the simulator): ESP over IPv6, or IPv4 + 41/UDP + IPv6 + ESP. */
  receiveIp(now: number, packet: Uint8Array): SignallingOutcome {
    let input: SignallingInput;
    try {
      input = classifyIp(packet);
    } catch (e) {
      if (!isWireError(e)) throw e;
      return drop(this.counters, 'malformed-packet');
    }
    return this.receive(now, input);
  }

  /** A datagram from the UDP socket (4191 on the HA, port Z on the UE): its payload is the IPv6 packet. */
  receiveUdp(now: number, d: Pick<InboundDatagram, 'payload' | 'source' | 'sourcePort' | 'local'>): SignallingOutcome {
    let input: SignallingInput;
    try {
      input = classifyDatagram(d);
    } catch (e) {
      if (!isWireError(e)) throw e;
      return drop(this.counters, 'malformed-packet');
    }
    return this.receive(now, input);
  }

  handleTimeout(now: number): void {
    this.signallingCore.handleTimeout(now);
  }

  pollTimeout(): number | undefined {
    return this.signallingCore.pollTimeout();
  }

  /** The next protected message to send; those without a usable SA are counted in `unsent` and skipped. */
  pollSend(): SignallingOutput | undefined {
    const ready = this.ready.shift();
    if (ready !== undefined) return ready;
    for (let t = this.signallingCore.pollTransmit(); t !== undefined; t = this.signallingCore.pollTransmit()) {
      const out = this.protect(t, undefined);
      if (out !== undefined) return out;
    }
    return undefined;
  }

  /** Hands an opened message to the role's core (or drops it as unexpected). */
  protected abstract deliver(now: number, opened: OpenedMobility): SignallingOutcome;

  private receive(now: number, input: SignallingInput): SignallingOutcome {
    const opened = openSignalling(this.sad, this.registry, input, this.counters);
    if (opened.kind !== 'mobility') return opened;
    const outcome = this.deliver(now, opened);
    // What the core answers right away (the BA to this BU) goes out on the pair of the SA it came in on.
    for (let t = this.signallingCore.pollTransmit(); t !== undefined; t = this.signallingCore.pollTransmit()) {
      const out = this.protect(t, opened.entry);
      if (out !== undefined) this.ready.push(out);
    }
    return outcome;
  }

  private protect(t: SendMh, via: MobilitySaEntry | undefined): SignallingOutput | undefined {
    const sa = this.registry.outbound(t.innerSrc, t.innerDst, via);
    if (sa === undefined) {
      this.counters.unsent['no-outbound-sa']++;
      return undefined;
    }
    const mh = encodeMobilityHeader(t.message, { src: t.innerSrc, dst: t.innerDst });
    const sealed = sealEsp(sa, IpProtocol.MH, mh);
    if (!sealed.ok) {
      this.counters.unsent[sealed.reason]++;
      return undefined;
    }
    this.counters.sent++;
    return frameSignalling(t, sealed.packet);
  }
}

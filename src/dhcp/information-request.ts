/**
 * A stateless DHCPv6 client (RFC 8415 §18.2.6, RFC 3736): one Information-request exchange at a time, with the
 * RFC 8415 §15 retransmission, Reply validation (§16.10) and the Information Refresh Time (§21.23). Sans-I/O: it is
 * given `now` (ms) and replies, and polled for datagrams, events and its next deadline.
 *
 * Used over the DSMIPv6 tunnel (sourced from the IPv6 HoA, TS 24.303 §5.1.2.4 last paragraph) and, by the discovery
 * core, on the access link with RFC 6610 options (TS 24.303 §5.1.2.1.5).
 */
import { isWireError } from '../util/errors.ts';
import { Fifo } from '../util/fifo.ts';
import { Ipv6Address } from '../util/ip-address.ts';
import {
  ALL_DHCP_RELAY_AGENTS_AND_SERVERS,
  DHCPV6_CLIENT_PORT,
  DHCPV6_INFINITY,
  DHCPV6_SERVER_PORT,
  Dhcpv6MessageType,
  ELAPSED_TIME_MAX_CENTISEC,
  INF_MAX_DELAY_MS,
} from '../wire/dhcpv6/constants.ts';
import type { Duid } from '../wire/dhcpv6/duid.ts';
import { type Dhcpv6ClientServerMessage, decodeDhcpv6Message, encodeDhcpv6Message } from '../wire/dhcpv6/message.ts';
import type { Dhcpv6Option } from '../wire/dhcpv6/option-types.ts';
import { INFORMATION_REQUEST_MANDATORY_ORO } from './constants.ts';
import type { Dhcpv6Datagram } from './datagram.ts';
import { type RandomSource, randomUint, uniformBetween } from './random.ts';
import {
  type Dhcpv6RetransmissionParameters,
  drawRand,
  firstRetransmissionTimeoutMs,
  INFORMATION_REQUEST_RETRANSMISSION,
  nextRetransmissionTimeoutMs,
  retransmissionExhausted,
} from './retransmission.ts';
import { type Dhcpv6Parameters, dhcpv6ParametersFromReply } from './v6-parameters.ts';
import { checkReply, type ReplyDropReason } from './v6-reply-check.ts';

export interface InformationRequestConfig {
  /** DUID for the Client Identifier (RFC 8415 §18.2.6 SHOULD); undefined sends none (RFC 7844 §4.3.1). */
  readonly clientDuid: Duid | undefined;
  /** ORO codes; INF_MAX_RT (83) and Information Refresh Time (32) are always added (§18.2.6 MUST). */
  readonly requestedOptions: readonly number[];
  /** Further options to send, e.g. RFC 6610 Home Network ID FQDN options or hints. */
  readonly extraOptions?: readonly Dhcpv6Option[];
  /** Source address: the IPv6 HoA over the tunnel, a link-local address on the access link. */
  readonly source: Ipv6Address;
  /** Default All_DHCP_Relay_Agents_and_Servers ff02::1:2 (RFC 8415 §7.1). */
  readonly destination?: Ipv6Address;
  /** Bound of the random delay before the first message on the interface; default INF_MAX_DELAY (§18.2.6). */
  readonly firstTransmissionDelayMaxMs?: number;
  /** Default IRT INF_TIMEOUT, MRT INF_MAX_RT, MRC 0, MRD 0 (§18.2.6); a discovery run may bound MRD. */
  readonly retransmission?: Partial<Dhcpv6RetransmissionParameters>;
  /** Run the exchange again when the Information Refresh Time runs out (§21.23). Default true. */
  readonly refresh?: boolean;
  readonly random: RandomSource;
}

export type InformationRequestEvent =
  /** A (re)transmission went out; `attempt` counts from 1 (RFC 2131-style progress indication). */
  | { readonly kind: 'transmitted'; readonly transactionId: number; readonly attempt: number }
  | {
      readonly kind: 'reply';
      readonly transactionId: number;
      readonly reply: Dhcpv6ClientServerMessage;
      readonly parameters: Dhcpv6Parameters;
    }
  /** MRC or MRD ran out (RFC 8415 §15); never with the default MRC = MRD = 0. */
  | { readonly kind: 'failed'; readonly transactionId: number; readonly transmissions: number }
  /** A datagram discarded by RFC 8415 §16.10, or one that arrived with no exchange under way. */
  | { readonly kind: 'dropped'; readonly reason: ReplyDropReason | 'no-exchange' };

type Phase = 'idle' | 'delaying' | 'waiting' | 'answered' | 'failed';

export class InformationRequestClient {
  private readonly transmits = new Fifo<Dhcpv6Datagram>();
  private readonly events = new Fifo<InformationRequestEvent>();
  private readonly retransmission: Dhcpv6RetransmissionParameters;
  private readonly destination: Ipv6Address;
  private readonly oro: readonly number[];
  private phase: Phase = 'idle';
  private transactionId = 0;
  private transmissions = 0;
  private firstTransmissionAtMs = 0;
  private rtMs = 0;
  /** Next transmission (delaying, waiting), refresh (answered), or none. */
  private deadlineMs: number | undefined;
  private sentOnInterface = false;
  /** RFC 8415 §21.25: a valid INF_MAX_RT option replaces the default MRT. */
  private mrtOverrideMs: number | undefined;
  private lastParameters: Dhcpv6Parameters | undefined;

  constructor(readonly config: InformationRequestConfig) {
    this.retransmission = { ...INFORMATION_REQUEST_RETRANSMISSION, ...config.retransmission };
    this.destination = config.destination ?? Ipv6Address.parse(ALL_DHCP_RELAY_AGENTS_AND_SERVERS);
    const oro: number[] = [];
    for (const c of [...config.requestedOptions, ...INFORMATION_REQUEST_MANDATORY_ORO]) {
      if (!Number.isInteger(c) || c < 0 || c > 0xffff) throw new RangeError(`ORO code ${c} outside 0..65535`);
      if (!oro.includes(c)) oro.push(c);
    }
    this.oro = oro;
  }

  /** The exchange state: idle, delaying (first message), waiting (sent), answered, failed. */
  get state(): Phase {
    return this.phase;
  }

  /** The parameters of the last accepted Reply. */
  get parameters(): Dhcpv6Parameters | undefined {
    return this.lastParameters;
  }

  /** Starts a new exchange with a new transaction-id; the first one on the interface waits 0..INF_MAX_DELAY. */
  start(now: number): void {
    this.transactionId = randomUint(this.config.random, 3);
    this.transmissions = 0;
    if (this.sentOnInterface) {
      this.transmit(now);
      return;
    }
    const maxDelay = this.config.firstTransmissionDelayMaxMs ?? INF_MAX_DELAY_MS;
    this.phase = 'delaying';
    this.deadlineMs = now + Math.round(uniformBetween(this.config.random, 0, maxDelay));
    if (this.deadlineMs <= now) this.transmit(now);
  }

  /** Stops retransmitting and any refresh. */
  stop(): void {
    this.phase = 'idle';
    this.deadlineMs = undefined;
  }

  handleTimeout(now: number): void {
    if (this.deadlineMs === undefined || now < this.deadlineMs) return;
    switch (this.phase) {
      case 'delaying':
        this.transmit(now);
        return;
      case 'waiting':
        if (retransmissionExhausted(this.retransmission, this.transmissions, now - this.firstTransmissionAtMs)) {
          this.phase = 'failed';
          this.deadlineMs = undefined;
          this.events.push({ kind: 'failed', transactionId: this.transactionId, transmissions: this.transmissions });
          return;
        }
        this.transmit(now);
        return;
      case 'answered':
        this.start(now); // the Information Refresh Time ran out
        return;
      default:
        this.deadlineMs = undefined;
    }
  }

  /** A UDP payload that arrived on the client port. */
  handleDatagram(now: number, payload: Uint8Array): void {
    if (this.phase !== 'waiting') {
      this.events.push({ kind: 'dropped', reason: 'no-exchange' });
      return;
    }
    let reply: Dhcpv6ClientServerMessage;
    try {
      const m = decodeDhcpv6Message(payload);
      const why = checkReply(m, this.transactionId, this.config.clientDuid);
      if (why !== undefined) {
        this.events.push({ kind: 'dropped', reason: why });
        return;
      }
      reply = m as Dhcpv6ClientServerMessage;
    } catch (e) {
      if (!isWireError(e)) throw e;
      this.events.push({ kind: 'dropped', reason: 'malformed' });
      return;
    }
    const parameters = dhcpv6ParametersFromReply(reply);
    if (parameters.infMaxRtSec !== undefined) this.mrtOverrideMs = parameters.infMaxRtSec * 1000;
    this.lastParameters = parameters;
    this.phase = 'answered';
    const refresh = parameters.informationRefreshTimeSec;
    this.deadlineMs = this.config.refresh === false || refresh === DHCPV6_INFINITY ? undefined : now + refresh * 1000;
    this.events.push({ kind: 'reply', transactionId: this.transactionId, reply, parameters });
  }

  pollTransmit(): Dhcpv6Datagram | undefined {
    return this.transmits.shift();
  }

  pollEvent(): InformationRequestEvent | undefined {
    return this.events.shift();
  }

  pollTimeout(): number | undefined {
    return this.deadlineMs;
  }

  private transmit(now: number): void {
    const p = { ...this.retransmission, mrtMs: this.mrtOverrideMs ?? this.retransmission.mrtMs };
    const rand = drawRand(this.config.random);
    if (this.transmissions === 0) {
      this.firstTransmissionAtMs = now;
      this.rtMs = firstRetransmissionTimeoutMs(p, rand);
    } else {
      this.rtMs = nextRetransmissionTimeoutMs(this.rtMs, p, rand);
    }
    this.transmissions++;
    this.phase = 'waiting';
    this.sentOnInterface = true;
    let deadline = now + this.rtMs;
    // RFC 8415 §15: the exchange fails once MRD has elapsed since the first transmission.
    if (p.mrdMs > 0) deadline = Math.min(deadline, this.firstTransmissionAtMs + p.mrdMs);
    this.deadlineMs = deadline;
    const elapsedCentiSec = Math.min(ELAPSED_TIME_MAX_CENTISEC, Math.round((now - this.firstTransmissionAtMs) / 10));
    const options: Dhcpv6Option[] = [];
    if (this.config.clientDuid !== undefined) options.push({ kind: 'client-id', duid: this.config.clientDuid });
    options.push({ kind: 'elapsed-time', elapsedCentiSec }); // RFC 8415 §21.9: 0 in the first message
    options.push({ kind: 'option-request', codes: this.oro });
    if (this.config.extraOptions) options.push(...this.config.extraOptions);
    const payload = encodeDhcpv6Message({
      kind: 'client-server',
      msgType: Dhcpv6MessageType.INFORMATION_REQUEST,
      transactionId: this.transactionId,
      options,
    });
    this.transmits.push({
      source: this.config.source,
      destination: this.destination,
      sourcePort: DHCPV6_CLIENT_PORT,
      destinationPort: DHCPV6_SERVER_PORT,
      payload,
    });
    this.events.push({ kind: 'transmitted', transactionId: this.transactionId, attempt: this.transmissions });
  }
}

/**
 * Stateless DHCPv4 for a UE with an IPv4 home address: DHCPINFORM → DHCPACK (RFC 2131 §3.4, §4.4.3), sent through
 * the DSMIPv6 tunnel from the IPv4 HoA (TS 24.303 §5.1.2.4 last paragraph). Sans-I/O like the DHCPv6 client.
 *
 * The seed (TS 24.303 §5.1.1) cites RFC 4039 for stateless DHCPv4, but Rapid Commit (option 80) is defined only for
 * DHCPDISCOVER → DHCPACK (RFC 4039 §3) and a DHCPINFORM is already a two-message exchange: option 80 is never sent
 * (docs/spec-choices.md).
 */
import { isWireError } from '../util/errors.ts';
import { Fifo } from '../util/fifo.ts';
import { Ipv4Address } from '../util/ip-address.ts';
import {
  BootpOp,
  DHCPV4_CLIENT_PORT,
  DHCPV4_SERVER_PORT,
  Dhcpv4MessageType,
  Dhcpv4OptionCode,
} from '../wire/dhcpv4/constants.ts';
import { type Dhcpv4Message, decodeDhcpv4Message, encodeDhcpv4Message } from '../wire/dhcpv4/message.ts';
import { type Dhcpv4Option, dhcpv4OptionCode, findDhcpv4Option } from '../wire/dhcpv4/options.ts';
import { INFORM_FORBIDDEN_OPTIONS, INFORM_MAX_TRANSMISSIONS, TUNNEL_DHCPV4_REQUESTED_OPTIONS } from './constants.ts';
import type { Dhcpv4Datagram } from './datagram.ts';
import { type RandomSource, randomUint } from './random.ts';
import { drawInformJitterMs, informRetransmissionDelayMs } from './retransmission.ts';
import { type Dhcpv4Parameters, dhcpv4ParametersFromAck } from './v4-parameters.ts';

const LIMITED_BROADCAST = Ipv4Address.parse('255.255.255.255');
/** Options the client writes itself from its configuration. */
const OWN_OPTIONS: readonly number[] = [
  Dhcpv4OptionCode.MESSAGE_TYPE,
  Dhcpv4OptionCode.PARAMETER_REQUEST_LIST,
  Dhcpv4OptionCode.CLIENT_IDENTIFIER,
];

export interface InformClientConfig {
  /** ciaddr and IP source: the IPv4 home address (RFC 2131 §4.4.3). */
  readonly clientAddress: Ipv4Address;
  /** A known server (the HA side); default the limited broadcast 255.255.255.255 (RFC 2131 §4.4.3). */
  readonly serverAddress?: Ipv4Address;
  readonly hardwareType: number;
  /** chaddr, at most 16 octets (a tunnel has no link-layer address: the node picks a stable one). */
  readonly clientHardwareAddress: Uint8Array;
  /** Client Identifier (RFC 2132 §9.14); the same in every message (RFC 2131 §4.2). */
  readonly clientIdentifier?: { readonly type: number; readonly identifier: Uint8Array };
  /** Codes asked for after 43, 125 and 6 in the Parameter Request List. */
  readonly requestedOptions?: readonly number[];
  /** More options, e.g. Vendor Class Identifier (60) or V-I Vendor Class (124); never 50, 51 or 80. */
  readonly extraOptions?: readonly Dhcpv4Option[];
  /** Default 4 (RFC 2131 §4.4.3 "60 seconds or 4 tries"). */
  readonly maxTransmissions?: number;
  readonly random: RandomSource;
}

export type InformEvent =
  | { readonly kind: 'transmitted'; readonly xid: number; readonly attempt: number }
  | {
      readonly kind: 'ack';
      readonly xid: number;
      readonly ack: Dhcpv4Message;
      readonly parameters: Dhcpv4Parameters;
    }
  /** No DHCPACK after the last try (RFC 2131 §4.4.3: tell the user, go on with defaults). */
  | { readonly kind: 'failed'; readonly xid: number; readonly transmissions: number }
  | {
      readonly kind: 'dropped';
      readonly reason: 'malformed' | 'not-reply' | 'xid' | 'not-ack' | 'no-exchange';
    };

type Phase = 'idle' | 'waiting' | 'answered' | 'failed';

export class InformClient {
  private readonly transmits = new Fifo<Dhcpv4Datagram>();
  private readonly events = new Fifo<InformEvent>();
  private readonly options: readonly Dhcpv4Option[];
  private readonly maxTransmissions: number;
  private phase: Phase = 'idle';
  private xid = 0;
  private transmissions = 0;
  private firstTransmissionAtMs = 0;
  private deadlineMs: number | undefined;
  private lastParameters: Dhcpv4Parameters | undefined;

  constructor(readonly config: InformClientConfig) {
    if (config.clientAddress.isUnspecified) throw new RangeError('DHCPINFORM needs the client address in ciaddr');
    if (config.clientHardwareAddress.length > 16) throw new RangeError('chaddr holds at most 16 octets (RFC 2131 §2)');
    this.maxTransmissions = config.maxTransmissions ?? INFORM_MAX_TRANSMISSIONS;
    if (!Number.isInteger(this.maxTransmissions) || this.maxTransmissions < 1)
      throw new RangeError(`maxTransmissions ${this.maxTransmissions} < 1`);
    const codes: number[] = [];
    for (const c of [...TUNNEL_DHCPV4_REQUESTED_OPTIONS, ...(config.requestedOptions ?? [])]) {
      if (!codes.includes(c)) codes.push(c);
    }
    for (const o of config.extraOptions ?? []) {
      const code = dhcpv4OptionCode(o);
      // RFC 2131 §4.4.3 / Table 5: no Requested IP Address or Lease Time; RFC 4039 §3: Rapid Commit is not for INFORM.
      if (INFORM_FORBIDDEN_OPTIONS.includes(code) || OWN_OPTIONS.includes(code))
        throw new RangeError(`option ${code} cannot be added to a DHCPINFORM`);
    }
    const options: Dhcpv4Option[] = [{ kind: 'message-type', messageType: Dhcpv4MessageType.INFORM }];
    if (config.clientIdentifier) options.push({ kind: 'client-identifier', ...config.clientIdentifier });
    options.push({ kind: 'parameter-request-list', codes });
    options.push(...(config.extraOptions ?? []));
    this.options = options;
  }

  get state(): Phase {
    return this.phase;
  }

  get parameters(): Dhcpv4Parameters | undefined {
    return this.lastParameters;
  }

  /** Sends a DHCPINFORM with a new random xid (RFC 2131 §4.4.3), kept for its retransmissions. */
  start(now: number): void {
    this.xid = randomUint(this.config.random, 4);
    this.transmissions = 0;
    this.firstTransmissionAtMs = now;
    this.transmit(now);
  }

  stop(): void {
    this.phase = 'idle';
    this.deadlineMs = undefined;
  }

  handleTimeout(now: number): void {
    if (this.phase !== 'waiting' || this.deadlineMs === undefined || now < this.deadlineMs) return;
    if (this.transmissions >= this.maxTransmissions) {
      this.phase = 'failed';
      this.deadlineMs = undefined;
      this.events.push({ kind: 'failed', xid: this.xid, transmissions: this.transmissions });
      return;
    }
    this.transmit(now);
  }

  /** A UDP payload that arrived on the client port 68. */
  handleDatagram(_now: number, payload: Uint8Array): void {
    if (this.phase !== 'waiting') {
      this.events.push({ kind: 'dropped', reason: 'no-exchange' });
      return;
    }
    let m: Dhcpv4Message;
    try {
      m = decodeDhcpv4Message(payload);
    } catch (e) {
      if (!isWireError(e)) throw e;
      this.events.push({ kind: 'dropped', reason: 'malformed' });
      return;
    }
    // RFC 2131 §4.4.3: a DHCPACK whose xid matches the DHCPINFORM's.
    let why: 'not-reply' | 'xid' | 'not-ack' | undefined;
    if (m.op !== BootpOp.BOOTREPLY) why = 'not-reply';
    else if (m.xid !== this.xid) why = 'xid';
    else if (findDhcpv4Option(m.options, 'message-type')?.messageType !== Dhcpv4MessageType.ACK) why = 'not-ack';
    if (why !== undefined) {
      this.events.push({ kind: 'dropped', reason: why });
      return;
    }
    const parameters = dhcpv4ParametersFromAck(m);
    this.lastParameters = parameters;
    this.phase = 'answered';
    this.deadlineMs = undefined;
    this.events.push({ kind: 'ack', xid: this.xid, ack: m, parameters });
  }

  pollTransmit(): Dhcpv4Datagram | undefined {
    return this.transmits.shift();
  }

  pollEvent(): InformEvent | undefined {
    return this.events.shift();
  }

  pollTimeout(): number | undefined {
    return this.deadlineMs;
  }

  private transmit(now: number): void {
    this.transmissions++;
    this.phase = 'waiting';
    this.deadlineMs = now + informRetransmissionDelayMs(this.transmissions, drawInformJitterMs(this.config.random));
    const c = this.config;
    const message: Dhcpv4Message = {
      op: BootpOp.BOOTREQUEST,
      htype: c.hardwareType,
      hops: 0,
      xid: this.xid,
      secs: Math.min(0xffff, Math.floor((now - this.firstTransmissionAtMs) / 1000)),
      broadcast: false, // the HoA already receives unicast (RFC 2131 §4.1)
      ciaddr: c.clientAddress,
      yiaddr: Ipv4Address.ANY,
      siaddr: Ipv4Address.ANY,
      giaddr: Ipv4Address.ANY,
      chaddr: c.clientHardwareAddress,
      sname: new Uint8Array(0),
      file: new Uint8Array(0),
      options: this.options,
    };
    this.transmits.push({
      source: c.clientAddress,
      destination: c.serverAddress ?? LIMITED_BROADCAST,
      sourcePort: DHCPV4_CLIENT_PORT,
      destinationPort: DHCPV4_SERVER_PORT,
      payload: encodeDhcpv4Message(message),
    });
    this.events.push({ kind: 'transmitted', xid: this.xid, attempt: this.transmissions });
  }
}

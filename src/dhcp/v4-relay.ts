/**
 * The HA as a DHCPv4 relay agent toward an external server (RFC 2131 §4.1, RFC 1542 §4.1, RFC 3046): a UE's
 * DHCPINFORM from its tunnel goes to the server with giaddr = the relay's address, hops + 1 and, when configured,
 * a Relay Agent Information option whose Agent Circuit ID names the binding; the server's BOOTREPLY comes back to
 * giaddr and goes to the UE at ciaddr with option 82 removed (RFC 3046 §2.2).
 *
 * Only giaddr, hops and option 82 change: the message is edited in place, not re-encoded, so every other octet the
 * UE or the server wrote is relayed as it was. Pure functions, no state.
 */
import { ConfigError, isWireError } from '../util/errors.ts';
import { Ipv4Address } from '../util/ip-address.ts';
import {
  BOOTP_FIXED_HEADER_LENGTH,
  BOOTP_MIN_MESSAGE_LENGTH,
  BootpOp,
  DHCPV4_CLIENT_PORT,
  DHCPV4_SERVER_PORT,
  Dhcpv4OptionCode,
  RelayAgentSubOption,
} from '../wire/dhcpv4/constants.ts';
import { type Dhcpv4Message, decodeDhcpv4Message } from '../wire/dhcpv4/message.ts';
import { findDhcpv4Option } from '../wire/dhcpv4/options.ts';
import { DHCPV4_RELAY_DEFAULT_MAX_HOPS, DHCPV4_RELAY_MAX_HOPS_LIMIT } from './constants.ts';
import type { Dhcpv4Datagram } from './datagram.ts';

const HOPS_OFFSET = 3;
const GIADDR_OFFSET = 24;
/** The options field starts after the fixed header and the 4-octet magic cookie (RFC 2131 §3). */
const OPTIONS_OFFSET = BOOTP_FIXED_HEADER_LENGTH + 4;
const LIMITED_BROADCAST = Ipv4Address.parse('255.255.255.255');

export interface Dhcpv4RelayConfig {
  /** giaddr, and the source address toward the servers (RFC 2131 §4.1: replies come back to giaddr:67). */
  readonly relayAddress: Ipv4Address;
  readonly serverAddresses: readonly Ipv4Address[];
  /** RFC 1542 §4.1.1: discard requests whose hops exceed this (default 4, at most 16). */
  readonly maxHops: number;
  /** Add option 82 with the binding in the Agent Circuit ID (RFC 3046 §2.0). */
  readonly relayAgentInformation: boolean;
}

export function dhcpv4RelayConfig(
  init: Pick<Dhcpv4RelayConfig, 'relayAddress' | 'serverAddresses'> & Partial<Dhcpv4RelayConfig>,
  path = 'ha.dhcp.v4Relay',
): Dhcpv4RelayConfig {
  if (init.serverAddresses.length === 0)
    throw new ConfigError('MISSING', `${path}.serverAddresses`, 'a relay needs at least one server address');
  const maxHops = init.maxHops ?? DHCPV4_RELAY_DEFAULT_MAX_HOPS;
  if (!Number.isInteger(maxHops) || maxHops < 0 || maxHops > DHCPV4_RELAY_MAX_HOPS_LIMIT)
    throw new ConfigError('INVALID', `${path}.maxHops`, `must be 0..${DHCPV4_RELAY_MAX_HOPS_LIMIT} (RFC 1542 §4.1.1)`);
  return Object.freeze({
    relayAddress: init.relayAddress,
    serverAddresses: Object.freeze([...init.serverAddresses]),
    maxHops,
    relayAgentInformation: init.relayAgentInformation ?? false,
  });
}

export type Dhcpv4RelayDropReason =
  | 'malformed'
  | 'not-request' // from the UE side only BOOTREQUEST is relayed (RFC 1542 §4.1.1)
  | 'not-reply' // from the server side only BOOTREPLY (RFC 1542 §4.1.2)
  | 'hop-limit'
  | 'untrusted-relay-agent-information' // RFC 3046 §2.1.1: option 82 from a client with giaddr 0
  | 'not-our-giaddr'; // a BOOTREPLY for another relay

export type Dhcpv4RelayForwardResult =
  | { readonly kind: 'forward'; readonly transmits: readonly Dhcpv4Datagram[] }
  | { readonly kind: 'drop'; readonly reason: Dhcpv4RelayDropReason };

function decodeOrUndefined(payload: Uint8Array): Dhcpv4Message | undefined {
  try {
    return decodeDhcpv4Message(payload);
  } catch (e) {
    if (!isWireError(e)) throw e;
    return undefined;
  }
}

/** Offset of the End option in the options field of a message that decoded (so End is there, RFC 2131 §4.1). */
function endOptionOffset(payload: Uint8Array): number {
  let p = OPTIONS_OFFSET;
  while (payload[p] !== Dhcpv4OptionCode.END) p += payload[p] === Dhcpv4OptionCode.PAD ? 1 : 2 + payload[p + 1]!;
  return p;
}

function finishMessage(body: Uint8Array, bodyLength: number): Uint8Array {
  // End, then zero padding to the BOOTP minimum (RFC 1542 §2.1), as the message codec does.
  const out = new Uint8Array(Math.max(bodyLength + 1, BOOTP_MIN_MESSAGE_LENGTH));
  out.set(body.subarray(0, bodyLength));
  out[bodyLength] = Dhcpv4OptionCode.END;
  return out;
}

/** Relays a BOOTREQUEST from a UE's tunnel; `circuitId` names the binding (used when option 82 is configured). */
export function relayToServer(
  payload: Uint8Array,
  circuitId: Uint8Array,
  config: Dhcpv4RelayConfig,
): Dhcpv4RelayForwardResult {
  const m = decodeOrUndefined(payload);
  if (m === undefined) return { kind: 'drop', reason: 'malformed' };
  if (m.op !== BootpOp.BOOTREQUEST) return { kind: 'drop', reason: 'not-request' };
  if (m.hops + 1 > config.maxHops) return { kind: 'drop', reason: 'hop-limit' };
  const firstHop = m.giaddr.isUnspecified;
  const hasOption82 = findDhcpv4Option(m.options, 'relay-agent-information') !== undefined;
  if (firstHop && hasOption82) return { kind: 'drop', reason: 'untrusted-relay-agent-information' };

  const end = endOptionOffset(payload);
  const add82 = config.relayAgentInformation && firstHop;
  if (add82 && (circuitId.length === 0 || circuitId.length > 253))
    throw new RangeError('Agent Circuit ID must be 1..253 octets (RFC 3046 §3.1)');
  const option82 = add82
    ? Uint8Array.of(
        Dhcpv4OptionCode.RELAY_AGENT_INFORMATION,
        circuitId.length + 2,
        RelayAgentSubOption.AGENT_CIRCUIT_ID,
        circuitId.length,
        ...circuitId,
      )
    : new Uint8Array(0);
  // RFC 3046 §2.1: option 82 is the last option before End.
  const body = new Uint8Array(end + option82.length);
  body.set(payload.subarray(0, end));
  body.set(option82, end);
  body[HOPS_OFFSET] = m.hops + 1; // RFC 1542 §4.1.1
  if (firstHop) body.set(config.relayAddress.bytes, GIADDR_OFFSET);
  const relayed = finishMessage(body, body.length);
  const transmits = config.serverAddresses.map((destination) => ({
    source: config.relayAddress,
    destination,
    sourcePort: DHCPV4_SERVER_PORT,
    destinationPort: DHCPV4_SERVER_PORT,
    payload: relayed,
  }));
  return { kind: 'forward', transmits };
}

export type Dhcpv4RelayReplyResult =
  | {
      readonly kind: 'deliver';
      readonly payload: Uint8Array;
      /** ciaddr when set (the DHCPINFORM case), else broadcast or yiaddr (RFC 2131 §4.1). */
      readonly destination: Ipv4Address;
      readonly destinationPort: number;
      /** The Agent Circuit ID the server echoed (RFC 3046 §2.2), naming the binding. */
      readonly circuitId: Uint8Array | undefined;
    }
  | { readonly kind: 'drop'; readonly reason: Dhcpv4RelayDropReason };

/** Relays a server's BOOTREPLY toward the UE, option 82 removed (RFC 3046 §2.2). */
export function relayToClient(payload: Uint8Array, config: Dhcpv4RelayConfig): Dhcpv4RelayReplyResult {
  const m = decodeOrUndefined(payload);
  if (m === undefined) return { kind: 'drop', reason: 'malformed' };
  if (m.op !== BootpOp.BOOTREPLY) return { kind: 'drop', reason: 'not-reply' };
  if (!m.giaddr.equals(config.relayAddress)) return { kind: 'drop', reason: 'not-our-giaddr' };
  const info = findDhcpv4Option(m.options, 'relay-agent-information');
  const circuitId = info?.subOptions.find((s) => s.code === RelayAgentSubOption.AGENT_CIRCUIT_ID)?.data;

  const end = endOptionOffset(payload);
  const body = new Uint8Array(end);
  body.set(payload.subarray(0, OPTIONS_OFFSET));
  let w = OPTIONS_OFFSET;
  for (let p = OPTIONS_OFFSET; p < end; ) {
    const code = payload[p]!;
    const n = code === Dhcpv4OptionCode.PAD ? 1 : 2 + payload[p + 1]!;
    if (code !== Dhcpv4OptionCode.RELAY_AGENT_INFORMATION) {
      body.set(payload.subarray(p, p + n), w);
      w += n;
    }
    p += n;
  }
  let destination = m.yiaddr;
  if (!m.ciaddr.isUnspecified) destination = m.ciaddr;
  else if (m.broadcast) destination = LIMITED_BROADCAST;
  return {
    kind: 'deliver',
    payload: finishMessage(body, w),
    destination,
    destinationPort: DHCPV4_CLIENT_PORT,
    circuitId,
  };
}

/**
 * The HA as a DHCPv6 relay agent toward an external server (RFC 8415 §19): a UE's message from its tunnel goes out
 * in a Relay-forward with peer-address = the UE's HoA and an Interface-Id naming the binding; the server's
 * Relay-reply gives back the message for the UE, byte for byte ("Relay agents MUST NOT modify the message", §19.2),
 * and the Interface-Id that says which tunnel it goes into. Pure functions, no state: the relay needs none.
 */

import { copyBytes } from '../util/bytes.ts';
import { ConfigError, isWireError } from '../util/errors.ts';
import { Ipv6Address } from '../util/ip-address.ts';
import { Reader } from '../util/reader.ts';
import {
  ALL_DHCP_SERVERS,
  DHCPV6_CLIENT_PORT,
  DHCPV6_SERVER_PORT,
  Dhcpv6MessageType,
  Dhcpv6OptionCode,
  HOP_COUNT_LIMIT,
} from '../wire/dhcpv6/constants.ts';
import { encodeDhcpv6Message } from '../wire/dhcpv6/message.ts';
import type { Dhcpv6Datagram } from './datagram.ts';

export interface Dhcpv6RelayConfig {
  /** A global address of the home link the UEs belong to (RFC 8415 §19.1.1 link-address). */
  readonly linkAddress: Ipv6Address;
  /** The relay's source address toward the servers (the server answers to it, port 547). */
  readonly relayAddress: Ipv6Address;
  /** Where Relay-forwards go; default All_DHCP_Servers ff05::1:3 (RFC 8415 §19 "MUST use ... as the default"). */
  readonly serverAddresses: readonly Ipv6Address[];
}

export function dhcpv6RelayConfig(
  init: Omit<Dhcpv6RelayConfig, 'serverAddresses'> & { readonly serverAddresses?: readonly Ipv6Address[] },
  path = 'ha.dhcp.v6Relay',
): Dhcpv6RelayConfig {
  if (!isGlobalScope(init.linkAddress))
    throw new ConfigError(
      'INVALID',
      `${path}.linkAddress`,
      'must be a global or unique-local address (RFC 8415 §19.1.1)',
    );
  const servers = init.serverAddresses?.length ? init.serverAddresses : [Ipv6Address.parse(ALL_DHCP_SERVERS)];
  return Object.freeze({ ...init, serverAddresses: Object.freeze([...servers]) });
}

/** GUA or ULA in RFC 8415's sense: not unspecified, loopback, link-local or multicast. */
export function isGlobalScope(a: Ipv6Address): boolean {
  const b = a.bytes;
  const loopback = b.subarray(0, 15).every((x) => x === 0) && b[15] === 1;
  return !a.isUnspecified && !loopback && !a.isLinkLocal && !a.isMulticast;
}

export type Dhcpv6RelayDropReason =
  | 'malformed' // too short for its header
  | 'relay-reply-from-client' // RFC 8415 §16.14: nobody on the client side sends Relay-reply
  | 'hop-count-limit' // RFC 8415 §19.1.2: hop-count ≥ HOP_COUNT_LIMIT
  | 'not-relay-reply' // from the server side, only Relay-reply is relayed (§19.2)
  | 'no-relay-message'; // a Relay-reply without a Relay Message option (§9.1 MUST)

export type Dhcpv6RelayForwardResult =
  | { readonly kind: 'forward'; readonly transmits: readonly Dhcpv6Datagram[] }
  | { readonly kind: 'drop'; readonly reason: Dhcpv6RelayDropReason };

/**
 * Wraps a message that came out of a UE's tunnel (RFC 8415 §19.1). `peerAddress` is the IP source of that datagram
 * (the UE's HoA); `interfaceId` identifies the binding and comes back in the Relay-reply (§21.18).
 */
export function relayForward(
  payload: Uint8Array,
  peerAddress: Ipv6Address,
  interfaceId: Uint8Array,
  config: Dhcpv6RelayConfig,
): Dhcpv6RelayForwardResult {
  if (payload.length < 1) return { kind: 'drop', reason: 'malformed' };
  const msgType = payload[0]!;
  if (msgType === Dhcpv6MessageType.RELAY_REPL) return { kind: 'drop', reason: 'relay-reply-from-client' };
  let hopCount = 0;
  let linkAddress = config.linkAddress; // §19.1.1: a global address of the client's link
  if (msgType === Dhcpv6MessageType.RELAY_FORW) {
    if (payload.length < 34) return { kind: 'drop', reason: 'malformed' };
    const received = payload[1]!;
    if (received >= HOP_COUNT_LIMIT) return { kind: 'drop', reason: 'hop-count-limit' };
    hopCount = received + 1;
    // §19.1.2: link-address 0 when the source is global; the Interface-Id names the tunnel either way.
    if (isGlobalScope(peerAddress)) linkAddress = Ipv6Address.ANY;
  }
  const relayForwardMessage = encodeDhcpv6Message({
    kind: 'relay',
    msgType: Dhcpv6MessageType.RELAY_FORW,
    hopCount,
    linkAddress,
    peerAddress,
    options: [
      { kind: 'interface-id', interfaceId },
      // The received message goes in unchanged (§19.1, §19.4), so it is written as raw option data.
      { kind: 'unknown', code: Dhcpv6OptionCode.RELAY_MSG, data: payload },
    ],
  });
  const transmits = config.serverAddresses.map((destination) => ({
    source: config.relayAddress,
    destination,
    sourcePort: DHCPV6_SERVER_PORT,
    destinationPort: DHCPV6_SERVER_PORT,
    payload: relayForwardMessage,
  }));
  return { kind: 'forward', transmits };
}

export type Dhcpv6RelayReplyResult =
  | {
      readonly kind: 'deliver';
      /** The Relay Message option's data, exactly as the server sent it. */
      readonly payload: Uint8Array;
      readonly peerAddress: Ipv6Address;
      readonly linkAddress: Ipv6Address;
      /** The binding named in the Relay-forward, when the server echoed it (§21.18). */
      readonly interfaceId: Uint8Array | undefined;
      /** 546 to a client, 547 when the inner message is itself a Relay-reply for a relay behind the UE. */
      readonly destinationPort: number;
    }
  | { readonly kind: 'drop'; readonly reason: Dhcpv6RelayDropReason };

/** Unwraps a server's Relay-reply (RFC 8415 §19.2) without decoding or re-encoding the inner message. */
export function relayReply(payload: Uint8Array): Dhcpv6RelayReplyResult {
  try {
    const r = Reader.of(payload, 'dhcpv6');
    if (r.u8('msg-type') !== Dhcpv6MessageType.RELAY_REPL) return { kind: 'drop', reason: 'not-relay-reply' };
    r.u8('hop-count');
    const linkAddress = Ipv6Address.fromBytes(r.bytes(16, 'link-address'));
    const peerAddress = Ipv6Address.fromBytes(r.bytes(16, 'peer-address'));
    let inner: Uint8Array | undefined;
    let interfaceId: Uint8Array | undefined;
    while (!r.atEnd()) {
      const code = r.u16('option-code');
      const data = r.bytes(r.u16('option-len'), 'option-data');
      if (code === Dhcpv6OptionCode.RELAY_MSG) inner ??= copyBytes(data);
      else if (code === Dhcpv6OptionCode.INTERFACE_ID) interfaceId ??= copyBytes(data);
    }
    if (inner === undefined || inner.length === 0) return { kind: 'drop', reason: 'no-relay-message' };
    const destinationPort = inner[0] === Dhcpv6MessageType.RELAY_REPL ? DHCPV6_SERVER_PORT : DHCPV6_CLIENT_PORT;
    return { kind: 'deliver', payload: inner, peerAddress, linkAddress, interfaceId, destinationPort };
  } catch (e) {
    if (!isWireError(e)) throw e;
    return { kind: 'drop', reason: 'malformed' };
  }
}

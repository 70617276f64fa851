/**
 * Names for numbers in summaries, taken from the codecs' constant tables (the RFC's own spellings: IKEv2 notify
 * and attribute names are the RFC 7296 §3.10.1 / §3.15.1 upper-case names) plus the message names the RFCs use
 * in prose, which have no constant table.
 */
import { Dhcpv4MessageType } from '../../wire/dhcpv4/constants.ts';
import { Dhcpv6MessageType } from '../../wire/dhcpv6/constants.ts';
import { AkaSubtype, EapType } from '../../wire/eap/constants.ts';
import {
  AuthMethod,
  CfgType,
  CpAttributeType,
  DhGroup,
  EncrId,
  ExchangeType,
  IntegId,
  NotifyType,
  PrfId,
  ProtocolId,
  TransformType,
} from '../../wire/ike/constants.ts';
import { Icmpv6Type } from '../../wire/ip/constants.ts';
import { BaStatus, Ipv4AckStatus } from '../../wire/mh/constants.ts';

/** value → key of an `as const` table; the first key wins where two share a value. */
function reverse(table: Readonly<Record<string, number>>): ReadonlyMap<number, string> {
  const m = new Map<number, string>();
  for (const [k, v] of Object.entries(table)) if (!m.has(v)) m.set(v, k);
  return m;
}

function lookup(map: ReadonlyMap<number, string>, value: number, fallback: string): string {
  return map.get(value) ?? `${fallback}(${value})`;
}

const EXCHANGES = reverse(ExchangeType);
const NOTIFIES = reverse(NotifyType);
const CP_ATTRIBUTES = reverse(CpAttributeType);
const CFG_TYPES = new Map<number, string>([
  [CfgType.REQUEST, 'CFG_REQUEST'],
  [CfgType.REPLY, 'CFG_REPLY'],
  [CfgType.SET, 'CFG_SET'],
  [CfgType.ACK, 'CFG_ACK'],
]);

const AUTH_METHODS = reverse(AuthMethod);
const PROTOCOLS = reverse(ProtocolId);
const ENCRS = reverse(EncrId);
const PRFS = reverse(PrfId);
const INTEGS = reverse(IntegId);
const DH_GROUPS = reverse(DhGroup);

export const exchangeName = (v: number): string => lookup(EXCHANGES, v, 'EXCHANGE');
/** RFC 7296 §3.8 authentication methods (RFC 7427 digital signature). */
export const authMethodName = (v: number): string => lookup(AUTH_METHODS, v, 'METHOD');
/** RFC 7296 §3.3.1 protocol IDs: IKE, AH, ESP. */
export const protocolName = (v: number): string => lookup(PROTOCOLS, v, 'PROTOCOL');
/** RFC 7296 §3.3.2 transform IDs by transform type (1 ENCR, 2 PRF, 3 INTEG, 4 DH, 5 ESN). */
export function transformName(type: number, id: number): string {
  if (type === TransformType.ENCR) return lookup(ENCRS, id, 'ENCR');
  if (type === TransformType.PRF) return PRFS.has(id) ? `PRF_${PRFS.get(id)}` : `PRF(${id})`;
  if (type === TransformType.INTEG) return lookup(INTEGS, id, 'INTEG');
  if (type === TransformType.DH) return lookup(DH_GROUPS, id, 'DH');
  if (type === TransformType.ESN) return id === 1 ? 'ESN' : id === 0 ? 'NO_ESN' : `ESN(${id})`;
  return `T${type}(${id})`;
}
export const notifyName = (v: number): string => lookup(NOTIFIES, v, 'NOTIFY');
export const cpAttributeName = (v: number): string => lookup(CP_ATTRIBUTES, v, 'ATTR');
export const cfgTypeName = (v: number): string => lookup(CFG_TYPES, v, 'CFG');

/** Short lower-case words for BA status codes: `accepted`, `not home subnet`, ... (RFC 6275 §6.1.8, IANA). */
const BA_STATUS_WORDS = new Map([...reverse(BaStatus)].map(([v, k]) => [v, k.toLowerCase().replace(/_/g, ' ')]));
const IPV4_ACK_WORDS = new Map([...reverse(Ipv4AckStatus)].map(([v, k]) => [v, k.toLowerCase().replace(/_/g, ' ')]));

export const baStatusWords = (v: number): string => BA_STATUS_WORDS.get(v) ?? (v < 128 ? 'accepted' : 'rejected');
export const ipv4AckWords = (v: number): string => IPV4_ACK_WORDS.get(v) ?? (v < 128 ? 'success' : 'failure');

/** RFC 8415 §7.3 message names. */
const DHCPV6_MESSAGES = new Map<number, string>([
  [Dhcpv6MessageType.SOLICIT, 'Solicit'],
  [Dhcpv6MessageType.ADVERTISE, 'Advertise'],
  [Dhcpv6MessageType.REQUEST, 'Request'],
  [Dhcpv6MessageType.CONFIRM, 'Confirm'],
  [Dhcpv6MessageType.RENEW, 'Renew'],
  [Dhcpv6MessageType.REBIND, 'Rebind'],
  [Dhcpv6MessageType.REPLY, 'Reply'],
  [Dhcpv6MessageType.RELEASE, 'Release'],
  [Dhcpv6MessageType.DECLINE, 'Decline'],
  [Dhcpv6MessageType.RECONFIGURE, 'Reconfigure'],
  [Dhcpv6MessageType.INFORMATION_REQUEST, 'Information-request'],
  [Dhcpv6MessageType.RELAY_FORW, 'Relay-forward'],
  [Dhcpv6MessageType.RELAY_REPL, 'Relay-reply'],
]);
export const dhcpv6MessageName = (v: number): string => lookup(DHCPV6_MESSAGES, v, 'DHCPv6');

/** RFC 2131 §3 message names. */
const DHCPV4_MESSAGES = new Map([...reverse(Dhcpv4MessageType)].map(([v, k]) => [v, `DHCP${k}`]));
export const dhcpv4MessageName = (v: number): string => lookup(DHCPV4_MESSAGES, v, 'DHCP');

/** RFC 4187 §11 subtype names, as the RFC writes them (AKA-Challenge, ...). */
const AKA_SUBTYPES = new Map<number, string>([
  [AkaSubtype.CHALLENGE, 'AKA-Challenge'],
  [AkaSubtype.AUTHENTICATION_REJECT, 'AKA-Authentication-Reject'],
  [AkaSubtype.SYNCHRONIZATION_FAILURE, 'AKA-Synchronization-Failure'],
  [AkaSubtype.IDENTITY, 'AKA-Identity'],
  [AkaSubtype.NOTIFICATION, 'AKA-Notification'],
  [AkaSubtype.REAUTHENTICATION, 'AKA-Reauthentication'],
  [AkaSubtype.CLIENT_ERROR, 'AKA-Client-Error'],
]);
export const akaSubtypeName = (v: number): string => lookup(AKA_SUBTYPES, v, 'AKA-Subtype');

const EAP_TYPES = new Map<number, string>([
  [EapType.IDENTITY, 'Identity'],
  [EapType.NOTIFICATION, 'Notification'],
  [EapType.NAK, 'Nak'],
  [EapType.AKA, 'AKA'],
  [EapType.AKA_PRIME, "AKA'"],
  [EapType.SIM, 'SIM'],
  [EapType.TLS, 'TLS'],
]);
export const eapTypeName = (v: number): string => lookup(EAP_TYPES, v, 'Type');

/** RFC 4443 / RFC 4861 / RFC 6275 §6.5–6.8 message names. */
const ICMPV6_TYPES = new Map<number, string>([
  [Icmpv6Type.DESTINATION_UNREACHABLE, 'Destination Unreachable'],
  [Icmpv6Type.PACKET_TOO_BIG, 'Packet Too Big'],
  [Icmpv6Type.TIME_EXCEEDED, 'Time Exceeded'],
  [Icmpv6Type.PARAMETER_PROBLEM, 'Parameter Problem'],
  [Icmpv6Type.ECHO_REQUEST, 'Echo Request'],
  [Icmpv6Type.ECHO_REPLY, 'Echo Reply'],
  [Icmpv6Type.ROUTER_SOLICITATION, 'Router Solicitation'],
  [Icmpv6Type.ROUTER_ADVERTISEMENT, 'Router Advertisement'],
  [Icmpv6Type.NEIGHBOR_SOLICITATION, 'Neighbor Solicitation'],
  [Icmpv6Type.NEIGHBOR_ADVERTISEMENT, 'Neighbor Advertisement'],
  [Icmpv6Type.REDIRECT, 'Redirect'],
  [Icmpv6Type.HOME_AGENT_ADDRESS_DISCOVERY_REQUEST, 'HA Address Discovery Request'],
  [Icmpv6Type.HOME_AGENT_ADDRESS_DISCOVERY_REPLY, 'HA Address Discovery Reply'],
  [Icmpv6Type.MOBILE_PREFIX_SOLICITATION, 'Mobile Prefix Solicitation'],
]);
export const icmpv6TypeName = (v: number): string => lookup(ICMPV6_TYPES, v, 'ICMPv6');

/** IANA Private Enterprise Numbers likely in vendor options here. */
const ENTERPRISES = new Map<number, string>([
  [10415, '3GPP'],
  [32473, 'example'], // RFC 5612 documentation number
]);
export const enterpriseName = (v: number): string => ENTERPRISES.get(v) ?? `enterprise ${v}`;

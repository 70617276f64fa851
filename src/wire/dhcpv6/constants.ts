/**
 * DHCPv6 numbers (RFC 8415, RFC 3646, RFC 4242, RFC 6610), with units in the names.
 * IANA "Dynamic Host Configuration Protocol for IPv6 (DHCPv6)" registry is the source of the codes.
 */

/** UDP ports (RFC 8415 §7.2). */
export const DHCPV6_CLIENT_PORT = 546;
export const DHCPV6_SERVER_PORT = 547;

/** All_DHCP_Relay_Agents_and_Servers, link scope (RFC 8415 §7.1). */
export const ALL_DHCP_RELAY_AGENTS_AND_SERVERS = 'ff02::1:2';
/** All_DHCP_Servers, site scope (RFC 8415 §7.1). */
export const ALL_DHCP_SERVERS = 'ff05::1:3';

/** Message types (RFC 8415 §7.3). */
export const Dhcpv6MessageType = {
  SOLICIT: 1,
  ADVERTISE: 2,
  REQUEST: 3,
  CONFIRM: 4,
  RENEW: 5,
  REBIND: 6,
  REPLY: 7,
  RELEASE: 8,
  DECLINE: 9,
  RECONFIGURE: 10,
  INFORMATION_REQUEST: 11,
  RELAY_FORW: 12,
  RELAY_REPL: 13,
} as const;

/** True for the two relay-agent message types, which use the RFC 8415 §9 header. */
export function isRelayMessageType(msgType: number): boolean {
  return msgType === Dhcpv6MessageType.RELAY_FORW || msgType === Dhcpv6MessageType.RELAY_REPL;
}

/** Option codes (RFC 8415 §21 and §24; RFC 3646 §3–§4; RFC 4242 §3; RFC 6610 §3). */
export const Dhcpv6OptionCode = {
  CLIENTID: 1,
  SERVERID: 2,
  IA_NA: 3,
  IA_TA: 4,
  IAADDR: 5,
  ORO: 6,
  PREFERENCE: 7,
  ELAPSED_TIME: 8,
  RELAY_MSG: 9,
  AUTH: 11,
  UNICAST: 12,
  STATUS_CODE: 13,
  RAPID_COMMIT: 14,
  USER_CLASS: 15,
  VENDOR_CLASS: 16,
  VENDOR_OPTS: 17,
  INTERFACE_ID: 18,
  RECONF_MSG: 19,
  RECONF_ACCEPT: 20,
  DNS_SERVERS: 23, // RFC 3646 §3
  DOMAIN_LIST: 24, // RFC 3646 §4
  IA_PD: 25,
  IAPREFIX: 26,
  INFORMATION_REFRESH_TIME: 32, // RFC 4242 §3, RFC 8415 §21.23
  MIP6_HNIDF: 49, // RFC 6610 §3.1
  MIP6_VDINF: 50, // RFC 6610 §3.2.1
  MIP6_IDINF: 69, // RFC 6610 §3.2.2
  MIP6_UDINF: 70, // RFC 6610 §3.2.3
  MIP6_HNP: 71, // RFC 6610 §3.3
  MIP6_HAA: 72, // RFC 6610 §3.4
  MIP6_HAF: 73, // RFC 6610 §3.5
  SOL_MAX_RT: 82,
  INF_MAX_RT: 83, // RFC 8415 §21.25
} as const;

/** Display names for option codes, including ones this codec keeps as `unknown`. */
export const DHCPV6_OPTION_NAMES: Readonly<Record<number, string>> = {
  1: 'OPTION_CLIENTID',
  2: 'OPTION_SERVERID',
  3: 'OPTION_IA_NA',
  4: 'OPTION_IA_TA',
  5: 'OPTION_IAADDR',
  6: 'OPTION_ORO',
  7: 'OPTION_PREFERENCE',
  8: 'OPTION_ELAPSED_TIME',
  9: 'OPTION_RELAY_MSG',
  11: 'OPTION_AUTH',
  12: 'OPTION_UNICAST',
  13: 'OPTION_STATUS_CODE',
  14: 'OPTION_RAPID_COMMIT',
  15: 'OPTION_USER_CLASS',
  16: 'OPTION_VENDOR_CLASS',
  17: 'OPTION_VENDOR_OPTS',
  18: 'OPTION_INTERFACE_ID',
  19: 'OPTION_RECONF_MSG',
  20: 'OPTION_RECONF_ACCEPT',
  21: 'OPTION_SIP_SERVER_D',
  22: 'OPTION_SIP_SERVER_A',
  23: 'OPTION_DNS_SERVERS',
  24: 'OPTION_DOMAIN_LIST',
  25: 'OPTION_IA_PD',
  26: 'OPTION_IAPREFIX',
  31: 'OPTION_SNTP_SERVERS',
  32: 'OPTION_INFORMATION_REFRESH_TIME',
  39: 'OPTION_CLIENT_FQDN',
  49: 'OPTION_MIP6_HNIDF',
  50: 'OPTION_MIP6_VDINF',
  56: 'OPTION_NTP_SERVER',
  69: 'OPTION_MIP6_IDINF',
  70: 'OPTION_MIP6_UDINF',
  71: 'OPTION_MIP6_HNP',
  72: 'OPTION_MIP6_HAA',
  73: 'OPTION_MIP6_HAF',
  79: 'OPTION_CLIENT_LINKLAYER_ADDR',
  82: 'OPTION_SOL_MAX_RT',
  83: 'OPTION_INF_MAX_RT',
};

/** Status codes (RFC 8415 §21.13 Table 3). */
export const Dhcpv6StatusCode = {
  SUCCESS: 0,
  UNSPEC_FAIL: 1,
  NO_ADDRS_AVAIL: 2,
  NO_BINDING: 3,
  NOT_ON_LINK: 4,
  USE_MULTICAST: 5,
  NO_PREFIX_AVAIL: 6,
} as const;

/** DUID types (RFC 8415 §11.1 Table 2). */
export const DuidType = {
  LLT: 1,
  EN: 2,
  LL: 3,
  UUID: 4,
} as const;

/** A DUID is a 2-octet type plus 1..128 octets of identifier (RFC 8415 §11.1). */
export const DUID_MIN_LENGTH = 3;
export const DUID_MAX_LENGTH = 130;

/**
 * Transmission parameters for the stateless exchange (RFC 8415 §7.6 Table 1, §15 and §18.2.6).
 * RFC 3315 §5.5 had INF_MAX_RT = 120 s and HOP_COUNT_LIMIT = 32; RFC 8415 changed both.
 */
export const INF_MAX_DELAY_MS = 1000;
export const INF_TIMEOUT_MS = 1000;
export const INF_MAX_RT_SEC = 3600;
/** MRC and MRD for Information-request are 0: retransmit until answered (RFC 8415 §18.2.6). */
export const INF_MAX_RC = 0;
export const INF_MAX_RD_SEC = 0;
/** RAND is uniform in [-0.1, +0.1] (RFC 8415 §15). */
export const RETRANSMISSION_RAND_FACTOR = 0.1;
/** Max hop count a relay accepts in a Relay-forward (RFC 8415 §7.6; RFC 3315 used 32). */
export const HOP_COUNT_LIMIT = 8;
export const IRT_DEFAULT_SEC = 86400;
export const IRT_MINIMUM_SEC = 600;
/** A client ignores INF_MAX_RT option values outside 60..86400 s (RFC 8415 §21.25). */
export const INF_MAX_RT_OPTION_MIN_SEC = 60;
export const INF_MAX_RT_OPTION_MAX_SEC = 86400;
/** 0xffffffff means "infinity" for time values (RFC 8415 §7.7). */
export const DHCPV6_INFINITY = 0xffffffff;
/** The largest Elapsed Time value; clients saturate at it (RFC 8415 §21.9). */
export const ELAPSED_TIME_MAX_CENTISEC = 0xffff;

/**
 * How deep relay messages (option 9) and RFC 6610 containers may nest before the decoder gives up
 * with BAD_VALUE. 32 is the RFC 3315 HOP_COUNT_LIMIT, the larger of the two RFC values, so every
 * legal relay chain decodes while a crafted 16 000-level packet cannot exhaust the stack.
 */
export const DHCPV6_MAX_NESTING_DEPTH = 32;

/**
 * RFC 6610 home-network information: which container answers which kind of request (§3.2, §4.1.1).
 * The draft-ietf-mip6-hiopt "Home Network Identifier option" carried an id-type (visited / identified
 * target network / no preference) that RFC 6610 turned into these three container options; the
 * draft's numeric id-type values are unconfirmed (SPEC-NOTES §11), so only the RFC codes are used.
 */
export const HomeNetworkInfoContainer = {
  /** The visited (local) network's home agent. */
  visited: Dhcpv6OptionCode.MIP6_VDINF,
  /** The home network named by a Home Network ID FQDN the client sent (e.g. the HA-APN). */
  identified: Dhcpv6OptionCode.MIP6_IDINF,
  /** Whatever home network the server administrator chose (client has no preference). */
  unrestricted: Dhcpv6OptionCode.MIP6_UDINF,
} as const;

export type HomeNetworkInfoScope = keyof typeof HomeNetworkInfoContainer;

/**
 * A client requesting any container MUST also list these in its ORO (RFC 6610 §4.1.1); they are only
 * meaningful inside a container and MUST be discarded at top level (RFC 6610 §4.1.2).
 */
export const HOME_NETWORK_INFO_INNER_CODES: readonly number[] = [
  Dhcpv6OptionCode.MIP6_HNIDF,
  Dhcpv6OptionCode.MIP6_HNP,
  Dhcpv6OptionCode.MIP6_HAA,
  Dhcpv6OptionCode.MIP6_HAF,
];

/** IPv4-embedded IPv6 Well-Known Prefix 64:ff9b::/96 (RFC 6052 §2.1), used by the HAA option (RFC 6610 §3.4). */
export const IPV4_EMBEDDED_WELL_KNOWN_PREFIX: readonly number[] = [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0];

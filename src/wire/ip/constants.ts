/**
 * Numbers of the IP layer: protocol numbers, well-known UDP ports, IPv6 option and routing types,
 * ICMPv6 and Neighbor Discovery codes. Each cites where it is defined.
 */

/** IPv4 Protocol / IPv6 Next Header values (IANA "Assigned Internet Protocol Numbers"). */
export const IpProtocol = {
  /** IPv6 Hop-by-Hop Options, only directly after the IPv6 header (RFC 8200 §4.3). */
  HOP_BY_HOP: 0,
  /** IPv4 encapsulated in IP (RFC 2003; IPv4-in-IPv6, RFC 5555 §4.1). */
  IPV4_IN_IP: 4,
  UDP: 17,
  /** IPv6 encapsulated in IP (RFC 4213 §3.5 over IPv4, RFC 2473 over IPv6). */
  IPV6: 41,
  ROUTING: 43, // RFC 8200 §4.4
  FRAGMENT: 44, // RFC 8200 §4.5
  GRE: 47,
  ESP: 50, // RFC 4303
  AH: 51, // RFC 4302
  ICMPV6: 58, // RFC 4443
  NO_NEXT: 59, // RFC 8200 §4.7
  DEST_OPTS: 60, // RFC 8200 §4.6
  MH: 135, // Mobility Header, RFC 6275 §6.1
} as const;

/** Well-known UDP ports used by the UE and HA. */
export const UdpPort = {
  DNS: 53, // RFC 1035
  DHCPV4_SERVER: 67, // RFC 2131 §4.1
  DHCPV4_CLIENT: 68,
  IKE: 500, // RFC 7296 §2
  DHCPV6_CLIENT: 546, // RFC 8415 §7.2
  DHCPV6_SERVER: 547,
  /** DSMIPv6 UDP encapsulation at the HA (RFC 5555 §4.1, IANA service "dsmipv6"). */
  DSMIPV6: 4191,
  /** IKE after NAT-T and ESP-in-UDP (RFC 3948 §2, RFC 7296 §2.23). */
  IKE_NATT: 4500,
} as const;

/** IPv6 Hop-by-Hop / Destination option types (RFC 8200 §4.2, RFC 6275 §6.3). */
export const Ipv6OptionType = {
  PAD1: 0,
  PADN: 1,
  /** Home Address option: top bits 110 (discard + ICMP if unknown, immutable en route). */
  HOME_ADDRESS: 201,
} as const;

/** The Home Address option's data length and alignment 8n+6 (RFC 6275 §6.3). */
export const HOME_ADDRESS_OPTION_LENGTH = 16;
export const HOME_ADDRESS_OPTION_ALIGN_MODULUS = 8;
export const HOME_ADDRESS_OPTION_ALIGN_OFFSET = 6;

/** Routing header types (IANA "Routing Types"). */
export const RoutingType = {
  /** Type 2 Routing Header, one home address (RFC 6275 §6.4). */
  TYPE2: 2,
} as const;

/** Fixed header sizes in bytes. */
export const IPV4_MIN_HEADER_LENGTH = 20; // RFC 791 §3.1, IHL = 5
export const IPV4_MAX_HEADER_LENGTH = 60; // IHL is 4 bits of 32-bit words
export const IPV6_HEADER_LENGTH = 40; // RFC 8200 §3
export const UDP_HEADER_LENGTH = 8; // RFC 768
export const ICMPV6_HEADER_LENGTH = 4; // RFC 4443 §2.1: type, code, checksum

/** Default TTL / hop limit for packets we originate (RFC 1700-era IANA default 64, RFC 4861 §6.3.2 CurHopLimit). */
export const DEFAULT_TTL = 64;

/** ICMPv6 message types (RFC 4443 §2.1, RFC 4861 §4, RFC 6275 §6.5–6.8). */
export const Icmpv6Type = {
  DESTINATION_UNREACHABLE: 1,
  PACKET_TOO_BIG: 2,
  TIME_EXCEEDED: 3,
  PARAMETER_PROBLEM: 4,
  ECHO_REQUEST: 128,
  ECHO_REPLY: 129,
  ROUTER_SOLICITATION: 133,
  ROUTER_ADVERTISEMENT: 134,
  NEIGHBOR_SOLICITATION: 135,
  NEIGHBOR_ADVERTISEMENT: 136,
  REDIRECT: 137,
  HOME_AGENT_ADDRESS_DISCOVERY_REQUEST: 144,
  HOME_AGENT_ADDRESS_DISCOVERY_REPLY: 145,
  MOBILE_PREFIX_SOLICITATION: 146,
  MOBILE_PREFIX_ADVERTISEMENT: 147,
} as const;

/** Neighbor Discovery option types (RFC 4861 §4.6, RFC 6275 §7.3–7.4). */
export const NdOptionType = {
  SOURCE_LINK_LAYER_ADDRESS: 1,
  TARGET_LINK_LAYER_ADDRESS: 2,
  PREFIX_INFORMATION: 3,
  REDIRECTED_HEADER: 4,
  MTU: 5,
  ADVERTISEMENT_INTERVAL: 7, // RFC 6275 §7.3
  HOME_AGENT_INFORMATION: 8, // RFC 6275 §7.4
} as const;

/** ND options are measured in units of 8 octets, type and length included (RFC 4861 §4.6). */
export const ND_OPTION_UNIT = 8;
/** Prefix Information option: Length 4, i.e. 32 bytes (RFC 4861 §4.6.2). */
export const PREFIX_INFORMATION_LENGTH_UNITS = 4;
/** A lifetime of all ones means infinity (RFC 4861 §4.6.2). */
export const INFINITE_LIFETIME_SEC = 0xffffffff;

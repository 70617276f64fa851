/**
 * DHCPv4 / BOOTP numbers (RFC 2131, RFC 2132, RFC 3046, RFC 3925, RFC 4039, RFC 1542).
 */

/** UDP ports (RFC 2131 §4.1). */
export const DHCPV4_SERVER_PORT = 67;
export const DHCPV4_CLIENT_PORT = 68;

/** BOOTP op codes (RFC 2131 §2 Table 1). */
export const BootpOp = {
  BOOTREQUEST: 1,
  BOOTREPLY: 2,
} as const;

/** ARP hardware type for Ethernet, the usual htype (RFC 2131 §2, IANA ARP parameters). */
export const HTYPE_ETHERNET = 1;

/** The fixed BOOTP header before the options area: op..file (RFC 2131 §2 Figure 1). */
export const BOOTP_FIXED_HEADER_LENGTH = 236;
export const CHADDR_LENGTH = 16;
export const SNAME_LENGTH = 64;
export const FILE_LENGTH = 128;
/** 99.130.83.99 opening the options area (RFC 2131 §3, RFC 2132 §2). */
export const DHCP_MAGIC_COOKIE = 0x63825363;
/** BROADCAST bit, the leftmost bit of 'flags' (RFC 2131 §2 Figure 2); the other 15 MUST be zero. */
export const FLAG_BROADCAST = 0x8000;
/**
 * BOOTP messages are at least 300 octets of UDP data (RFC 1542 §2.1, from RFC 951's 64-octet vend
 * field); some relays drop shorter ones, so the encoder pads to this by default.
 */
export const BOOTP_MIN_MESSAGE_LENGTH = 300;
/** A client must accept 576-octet IP datagrams, i.e. an options field of 312 octets (RFC 2131 §2). */
export const DHCP_MIN_OPTIONS_FIELD_LENGTH = 312;

/** DHCP message types, option 53 (RFC 2132 §9.6). */
export const Dhcpv4MessageType = {
  DISCOVER: 1,
  OFFER: 2,
  REQUEST: 3,
  DECLINE: 4,
  ACK: 5,
  NAK: 6,
  RELEASE: 7,
  INFORM: 8,
} as const;

/** Option codes used here (RFC 2132 §3–§9; RFC 3046 §2.0; RFC 3925 §3–§4; RFC 4039 §4). */
export const Dhcpv4OptionCode = {
  PAD: 0, // RFC 2132 §3.1, framing only
  SUBNET_MASK: 1, // RFC 2132 §3.3
  ROUTER: 3, // RFC 2132 §3.5
  DOMAIN_NAME_SERVER: 6, // RFC 2132 §3.8
  HOST_NAME: 12,
  DOMAIN_NAME: 15,
  VENDOR_SPECIFIC: 43, // RFC 2132 §8.4
  REQUESTED_IP_ADDRESS: 50,
  IP_ADDRESS_LEASE_TIME: 51,
  OPTION_OVERLOAD: 52, // RFC 2132 §9.3
  MESSAGE_TYPE: 53, // RFC 2132 §9.6
  SERVER_IDENTIFIER: 54, // RFC 2132 §9.7
  PARAMETER_REQUEST_LIST: 55, // RFC 2132 §9.8
  MAXIMUM_MESSAGE_SIZE: 57,
  VENDOR_CLASS_IDENTIFIER: 60, // RFC 2132 §9.13
  CLIENT_IDENTIFIER: 61, // RFC 2132 §9.14
  RAPID_COMMIT: 80, // RFC 4039 §4
  RELAY_AGENT_INFORMATION: 82, // RFC 3046 §2.0
  VI_VENDOR_CLASS: 124, // RFC 3925 §3
  VI_VENDOR_SPECIFIC: 125, // RFC 3925 §4
  END: 255, // RFC 2132 §3.2, framing only
} as const;

/** Display names for option codes, including ones kept as `unknown`. */
export const DHCPV4_OPTION_NAMES: Readonly<Record<number, string>> = {
  0: 'Pad',
  1: 'Subnet Mask',
  3: 'Router',
  6: 'Domain Name Server',
  12: 'Host Name',
  15: 'Domain Name',
  26: 'Interface MTU',
  28: 'Broadcast Address',
  42: 'NTP Servers',
  43: 'Vendor-Specific Information',
  50: 'Requested IP Address',
  51: 'IP Address Lease Time',
  52: 'Option Overload',
  53: 'DHCP Message Type',
  54: 'Server Identifier',
  55: 'Parameter Request List',
  56: 'Message',
  57: 'Maximum DHCP Message Size',
  58: 'Renewal (T1) Time',
  59: 'Rebinding (T2) Time',
  60: 'Vendor Class Identifier',
  61: 'Client Identifier',
  80: 'Rapid Commit',
  82: 'Relay Agent Information',
  119: 'Domain Search',
  121: 'Classless Static Route',
  124: 'V-I Vendor Class',
  125: 'V-I Vendor-Specific Information',
  255: 'End',
};

/** Option Overload values (RFC 2132 §9.3). */
export const OptionOverload = {
  FILE: 1,
  SNAME: 2,
  BOTH: 3,
} as const;

/** Relay Agent Information sub-options (RFC 3046 §3). */
export const RelayAgentSubOption = {
  AGENT_CIRCUIT_ID: 1,
  AGENT_REMOTE_ID: 2,
} as const;

/** Longest data in one option instance; longer values are split into several (RFC 3396). */
export const DHCPV4_OPTION_MAX_DATA_LENGTH = 255;

/** Retransmission (RFC 2131 §4.1): first delay 4 s, doubled up to 64 s, each randomised by ±1 s. */
export const RETRANSMIT_INITIAL_DELAY_MS = 4000;
export const RETRANSMIT_MAX_DELAY_MS = 64000;
export const RETRANSMIT_JITTER_MS = 1000;

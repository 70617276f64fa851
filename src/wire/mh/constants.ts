/**
 * Numbers of the Mobility Header (RFC 6275 §6.1–6.2) and its DSMIPv6 / NEMO / MCoA extensions, plus the
 * Mobile IPv6 timing constants (RFC 6275 §12–13, RFC 5555 §6). Each value cites where it is defined;
 * the IANA "Mobile IPv6 parameters" registry is the authority where a document and Wireshark disagree.
 */

/** Next Header value of the Mobility Header (RFC 6275 §6.1.1), also the pseudo-header's next header. */
export const IPPROTO_MH = 135;
/** Payload Proto an MH sender SHOULD use (RFC 6275 §6.1.1); receivers discard others (§9.2). */
export const IPPROTO_NONE = 59;

/** An MH is a multiple of 8 octets; Header Len counts 8-octet units beyond the first 8 (RFC 6275 §6.1.1). */
export const MH_UNIT_OCTETS = 8;
/** Header Len is 8 bits, so an MH is at most 256 units. */
export const MH_MAX_LENGTH = 256 * MH_UNIT_OCTETS;
/** BU/BA Lifetime and Binding Refresh Advice are in units of 4 seconds (RFC 6275 §6.1.7, §6.1.8, §6.2.4). */
export const LIFETIME_UNIT_SEC = 4;

/** MH Type values (RFC 6275 §6.1.2–6.1.9; IANA "Mobility Header Types"). */
export const MhType = {
  BINDING_REFRESH_REQUEST: 0, // §6.1.2
  HOME_TEST_INIT: 1, // §6.1.3
  CARE_OF_TEST_INIT: 2, // §6.1.4
  HOME_TEST: 3, // §6.1.5
  CARE_OF_TEST: 4, // §6.1.6
  BINDING_UPDATE: 5, // §6.1.7
  BINDING_ACKNOWLEDGEMENT: 6, // §6.1.8
  BINDING_ERROR: 7, // §6.1.9
} as const;

/** Display names of every MH type IANA lists up to 18; 8–18 are kept raw by the codec. */
export const MH_TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'Binding Refresh Request',
  1: 'Home Test Init',
  2: 'Care-of Test Init',
  3: 'Home Test',
  4: 'Care-of Test',
  5: 'Binding Update',
  6: 'Binding Acknowledgement',
  7: 'Binding Error',
  8: 'Fast Binding Update', // RFC 5568
  9: 'Fast Binding Acknowledgment', // RFC 5568
  10: 'Fast Neighbor Advertisement', // RFC 5568 (deprecated)
  11: 'Experimental Mobility Header', // RFC 5096
  12: 'Home Agent Switch', // RFC 5142
  13: 'Heartbeat', // RFC 5847
  14: 'Handover Initiate', // RFC 5568
  15: 'Handover Acknowledge', // RFC 5568
  16: 'Binding Revocation', // RFC 5846
  17: 'Localized Routing Initiation', // RFC 6705
  18: 'Localized Routing Acknowledgment', // RFC 6705
};

/**
 * Binding Update flag word (offset 8, big-endian 16 bits). Positions per the IANA "Binding Update Flags"
 * registry and the RFC figures (RFC 6275 §6.1.7 A H L K; RFC 5555 §3.1.3 figure adds M R P F).
 */
export const BuFlag = {
  A: 0x8000, // Acknowledge, RFC 6275 §6.1.7
  H: 0x4000, // Home Registration, RFC 6275 §6.1.7
  L: 0x2000, // Link-Local Address Compatibility, RFC 6275 §6.1.7
  K: 0x1000, // Key Management Mobility Capability, RFC 6275 §6.1.7
  M: 0x0800, // MAP Registration, RFC 4140 (HMIPv6)
  R: 0x0400, // Mobile Router, RFC 3963 §4.1
  P: 0x0200, // Proxy Registration, RFC 5213 §8.1
  F: 0x0100, // Force UDP encapsulation, RFC 5555 §3.1.3
  T: 0x0080, // TLV-header format, RFC 5845 §6.2 (PMIPv6 GRE; not defined by RFC 5555)
  /**
   * 0x0040 has two names: O "Overwrite" in the RFC 5648 §4.2 figure (MCoA, never registered with IANA) and
   * B "Bulk Binding Update" in RFC 6602 §4.1 (proxy only), which is what IANA lists. An MN BU (P = 0) means O.
   */
  O: 0x0040,
  B: 0x0040,
} as const;
/** Bits of the BU flag word with no name here (0x0020 is S, RFC 7161, PMIPv6 multicast); kept as reservedBits. */
export const BU_RESERVED_MASK = 0x003f;

/** Binding Acknowledgement flag byte (offset 7). */
export const BaFlag = {
  K: 0x80, // RFC 6275 §6.1.8
  R: 0x40, // RFC 3963 §4.2
  P: 0x20, // RFC 5213 §8.2
  T: 0x10, // RFC 5845 §6.3
  B: 0x08, // RFC 6602 §4.2
} as const;
export const BA_RESERVED_MASK = 0x07;

/**
 * Binding Acknowledgement status (RFC 6275 §6.1.8; IANA "Binding Acknowledgement Status Codes").
 * Below 128 the BU was accepted, from 128 rejected.
 */
export const BaStatus = {
  ACCEPTED: 0,
  ACCEPTED_PREFIX_DISCOVERY_NECESSARY: 1,
  GRE_KEY_OPTION_NOT_REQUIRED: 2, // RFC 5845
  GRE_TUNNELING_BUT_TLV_HEADER_NOT_SUPPORTED: 3, // RFC 5845
  MCOA_NOTCOMPLETE: 4, // RFC 5648 §4.4
  MCOA_RETURNHOME_WO_NDP: 5, // RFC 5648 §4.4
  PBU_ACCEPTED_TB_IGNORED_SETTINGSMISMATCH: 6, // RFC 6058
  REASON_UNSPECIFIED: 128,
  ADMINISTRATIVELY_PROHIBITED: 129,
  INSUFFICIENT_RESOURCES: 130,
  HOME_REGISTRATION_NOT_SUPPORTED: 131,
  NOT_HOME_SUBNET: 132,
  NOT_HOME_AGENT_FOR_THIS_MOBILE_NODE: 133,
  DUPLICATE_ADDRESS_DETECTION_FAILED: 134,
  SEQUENCE_NUMBER_OUT_OF_WINDOW: 135,
  EXPIRED_HOME_NONCE_INDEX: 136,
  EXPIRED_CARE_OF_NONCE_INDEX: 137,
  EXPIRED_NONCES: 138,
  REGISTRATION_TYPE_CHANGE_DISALLOWED: 139,
  MOBILE_ROUTER_OPERATION_NOT_PERMITTED: 140, // RFC 3963
  INVALID_PREFIX: 141, // RFC 3963
  NOT_AUTHORIZED_FOR_PREFIX: 142, // RFC 3963
  FORWARDING_SETUP_FAILED: 143, // RFC 3963
  /**
   * RFC 4285 §8 (IANA). RFC 5555 §4.4.2/§4.5 tells an HA that refuses a forced-UDP (F) request to reply with
   * "error code 144", but RFC 5555 §8 registered no status and IANA gives 144 to MIPV6-ID-MISMATCH: the
   * two meanings share this number (SPEC-NOTES §15 item 3).
   */
  MIPV6_ID_MISMATCH: 144,
  MIPV6_MESG_ID_REQD: 145, // RFC 4285
  MIPV6_AUTH_FAIL: 146, // RFC 4285
  PERMANENT_HOME_KEYGEN_TOKEN_UNAVAILABLE: 147, // RFC 4866
  CGA_AND_SIGNATURE_VERIFICATION_FAILED: 148, // RFC 4866
  PERMANENT_HOME_KEYGEN_TOKEN_EXISTS: 149, // RFC 4866
  NON_NULL_HOME_NONCE_INDEX_EXPECTED: 150, // RFC 4866
  SERVICE_AUTHORIZATION_FAILED: 151, // RFC 5149
  PROXY_REG_NOT_ENABLED: 152, // RFC 5213 §8.9 (152–162)
  NOT_LMA_FOR_THIS_MOBILE_NODE: 153,
  MAG_NOT_AUTHORIZED_FOR_PROXY_REG: 154,
  NOT_AUTHORIZED_FOR_HOME_NETWORK_PREFIX: 155,
  TIMESTAMP_MISMATCH: 156,
  TIMESTAMP_LOWER_THAN_PREV_ACCEPTED: 157,
  MISSING_HOME_NETWORK_PREFIX_OPTION: 158,
  BCE_PBU_PREFIX_SET_DO_NOT_MATCH: 159,
  MISSING_MN_IDENTIFIER_OPTION: 160,
  MISSING_HANDOFF_INDICATOR_OPTION: 161,
  MISSING_ACCESS_TECH_TYPE_OPTION: 162,
  GRE_KEY_OPTION_REQUIRED: 163, // RFC 5845
  MCOA_MALFORMED: 164, // RFC 5648 §4.4 (164–169)
  MCOA_NON_MCOA_BINDING_EXISTS: 165,
  MCOA_PROHIBITED: 166,
  MCOA_UNKNOWN_COA: 167,
  MCOA_BULK_REGISTRATION_PROHIBITED: 168,
  MCOA_SIMULTANEOUS_HOME_AND_FOREIGN_PROHIBITED: 169,
  NOT_AUTHORIZED_FOR_IPV4_MOBILITY_SERVICE: 170, // RFC 5844 (170–173)
  NOT_AUTHORIZED_FOR_IPV4_HOME_ADDRESS: 171,
  NOT_AUTHORIZED_FOR_IPV6_MOBILITY_SERVICE: 172,
  MULTIPLE_IPV4_HOME_ADDRESS_ASSIGNMENT_NOT_SUPPORTED: 173,
  /** Listed in RFC 6275 §6.1.8 but used by no RFC 6275 procedure (the alternate-CoA check work). */
  INVALID_CARE_OF_ADDRESS: 174,
  INVALID_MOBILE_NODE_GROUP_IDENTIFIER: 175, // RFC 6602
  REINIT_SA_WITH_HAC: 176, // RFC 6618
  NOT_AUTHORIZED_FOR_DELEGATED_MNP: 177, // RFC 7148
  REQUESTED_DMNP_IN_USE: 178, // RFC 7148
} as const;

/** IANA names (not Wireshark's stale draft strings for 145–148). */
export const BA_STATUS_NAMES: Readonly<Record<number, string>> = {
  0: 'Binding Update accepted',
  1: 'Accepted but prefix discovery necessary',
  2: 'GRE_KEY_OPTION_NOT_REQUIRED',
  3: 'GRE_TUNNELING_BUT_TLV_HEADER_NOT_SUPPORTED',
  4: 'MCOA NOTCOMPLETE',
  5: 'MCOA RETURNHOME WO/NDP',
  6: 'PBU_ACCEPTED_TB_IGNORED_SETTINGSMISMATCH',
  128: 'Reason unspecified',
  129: 'Administratively prohibited',
  130: 'Insufficient resources',
  131: 'Home registration not supported',
  132: 'Not home subnet',
  133: 'Not home agent for this mobile node',
  134: 'Duplicate Address Detection failed',
  135: 'Sequence number out of window',
  136: 'Expired home nonce index',
  137: 'Expired care-of nonce index',
  138: 'Expired nonces',
  139: 'Registration type change disallowed',
  140: 'Mobile Router Operation not permitted',
  141: 'Invalid Prefix',
  142: 'Not Authorized for Prefix',
  143: 'Forwarding Setup failed',
  144: 'MIPV6-ID-MISMATCH',
  145: 'MIPV6-MESG-ID-REQD',
  146: 'MIPV6-AUTH-FAIL',
  147: 'Permanent home keygen token unavailable',
  148: 'CGA and signature verification failed',
  149: 'Permanent home keygen token exists',
  150: 'Non-null home nonce index expected',
  151: 'SERVICE_AUTHORIZATION_FAILED',
  152: 'PROXY_REG_NOT_ENABLED',
  153: 'NOT_LMA_FOR_THIS_MOBILE_NODE',
  154: 'MAG_NOT_AUTHORIZED_FOR_PROXY_REG',
  155: 'NOT_AUTHORIZED_FOR_HOME_NETWORK_PREFIX',
  156: 'TIMESTAMP_MISMATCH',
  157: 'TIMESTAMP_LOWER_THAN_PREV_ACCEPTED',
  158: 'MISSING_HOME_NETWORK_PREFIX_OPTION',
  159: 'BCE_PBU_PREFIX_SET_DO_NOT_MATCH',
  160: 'MISSING_MN_IDENTIFIER_OPTION',
  161: 'MISSING_HANDOFF_INDICATOR_OPTION',
  162: 'MISSING_ACCESS_TECH_TYPE_OPTION',
  163: 'GRE_KEY_OPTION_REQUIRED',
  164: 'MCOA MALFORMED',
  165: 'MCOA NON-MCOA BINDING EXISTS',
  166: 'MCOA PROHIBITED',
  167: 'MCOA UNKNOWN COA',
  168: 'MCOA BULK REGISTRATION PROHIBITED',
  169: 'MCOA SIMULTANEOUS HOME AND FOREIGN PROHIBITED',
  170: 'NOT_AUTHORIZED_FOR_IPV4_MOBILITY_SERVICE',
  171: 'NOT_AUTHORIZED_FOR_IPV4_HOME_ADDRESS',
  172: 'NOT_AUTHORIZED_FOR_IPV6_MOBILITY_SERVICE',
  173: 'MULTIPLE_IPV4_HOME_ADDRESS_ASSIGNMENT_NOT_SUPPORTED',
  174: 'Invalid Care-of Address',
  175: 'INVALID_MOBILE_NODE_GROUP_IDENTIFIER',
  176: 'REINIT_SA_WITH_HAC',
  177: 'NOT_AUTHORIZED_FOR_DELEGATED_MNP',
  178: 'REQUESTED_DMNP_IN_USE',
};

/** True when a BA (or IPv4 AA, DNS Update) status means success: values below 128 (RFC 6275 §6.1.8). */
export function isAcceptedStatus(status: number): boolean {
  return status < 128;
}

/** Binding Error status (RFC 6275 §6.1.9). */
export const BeStatus = {
  UNKNOWN_BINDING_FOR_HOME_ADDRESS_OPTION: 1,
  UNRECOGNIZED_MH_TYPE: 2,
} as const;

/** IPv4 Address Acknowledgement option status (RFC 5555 §3.2.1; 0–127 success). */
export const Ipv4AckStatus = {
  SUCCESS: 0,
  FAILURE_REASON_UNSPECIFIED: 128,
  ADMINISTRATIVELY_PROHIBITED: 129,
  INCORRECT_IPV4_HOME_ADDRESS: 130,
  INVALID_IPV4_ADDRESS: 131,
  DYNAMIC_IPV4_HOME_ADDRESS_ASSIGNMENT_NOT_AVAILABLE: 132,
  PREFIX_ALLOCATION_UNAUTHORIZED: 133,
} as const;

/** DNS Update option status (RFC 5026 §8.1; MUST be 0 in a BU). */
export const DnsUpdateStatus = {
  PERFORMED: 0,
  REASON_UNSPECIFIED: 128,
  ADMINISTRATIVELY_PROHIBITED: 129,
  DNS_UPDATE_FAILED: 130,
} as const;

/** NAT Detection Refresh time meaning "no keepalives needed, no NAT" (RFC 5555 §3.2.2). */
export const NAT_REFRESH_TIME_NOT_NEEDED = 0xffffffff;

/** Mobility option types (IANA "Mobility Options"). */
export const MobilityOptionType = {
  PAD1: 0, // RFC 6275 §6.2.2
  PADN: 1, // RFC 6275 §6.2.3
  BINDING_REFRESH_ADVICE: 2, // RFC 6275 §6.2.4
  ALTERNATE_CARE_OF_ADDRESS: 3, // RFC 6275 §6.2.5
  NONCE_INDICES: 4, // RFC 6275 §6.2.6
  BINDING_AUTHORIZATION_DATA: 5, // RFC 6275 §6.2.7
  MOBILE_NETWORK_PREFIX: 6, // RFC 3963 §4.3
  DNS_UPDATE: 17, // RFC 5026 §8.1
  IPV4_HOME_ADDRESS: 29, // RFC 5555 §3.1.1
  /** RFC 5555 §3.2.1 and IANA; RFC 5555 §8 says 29 by mistake (SPEC-NOTES §15 item 2). */
  IPV4_ADDRESS_ACKNOWLEDGEMENT: 30,
  NAT_DETECTION: 31, // RFC 5555 §3.2.2
  IPV4_CARE_OF_ADDRESS: 32, // RFC 5555 §3.1.2
  BINDING_IDENTIFIER: 35, // RFC 5648 §4.3
} as const;

/** Display names of the registered option types 0–35 (IANA), for logs of options kept as unknown. */
export const MOBILITY_OPTION_NAMES: Readonly<Record<number, string>> = {
  0: 'Pad1',
  1: 'PadN',
  2: 'Binding Refresh Advice',
  3: 'Alternate Care-of Address',
  4: 'Nonce Indices',
  5: 'Binding Authorization Data',
  6: 'Mobile Network Prefix',
  7: 'Mobility Header Link-Layer Address', // RFC 5568
  8: 'Mobile Node Identifier', // RFC 4283
  9: 'Authentication', // RFC 4285
  10: 'Mobility Message Replay Protection', // RFC 4285
  11: 'CGA Parameters Request', // RFC 4866 (11–16)
  12: 'CGA Parameters',
  13: 'Signature',
  14: 'Permanent Home Keygen Token',
  15: 'Care-of Test Init',
  16: 'Care-of Test',
  17: 'DNS Update',
  18: 'Experimental Mobility Option', // RFC 5096
  19: 'Vendor Specific Mobility Option', // RFC 5094
  20: 'Service Selection', // RFC 5149
  21: 'Binding Authorization Data for FMIPv6', // RFC 5568
  22: 'Home Network Prefix', // RFC 5213 (22–27)
  23: 'Handoff Indicator',
  24: 'Access Technology Type',
  25: 'Mobile Node Link-layer Identifier',
  26: 'Link-local Address',
  27: 'Timestamp',
  28: 'Restart Counter', // RFC 5847
  29: 'IPv4 Home Address',
  30: 'IPv4 Address Acknowledgement',
  31: 'NAT Detection',
  32: 'IPv4 Care-of Address',
  33: 'GRE Key', // RFC 5845
  34: 'Mobility Header IPv6 Address/Prefix', // RFC 5568
  35: 'Binding Identifier',
};

// --- Timing (RFC 6275 §12 protocol constants, §13 configuration defaults; RFC 5555 §6) ---

export const INITIAL_BINDACK_TIMEOUT_MS = 1_000;
export const MAX_BINDACK_TIMEOUT_MS = 32_000;
/** InitialBindackTimeoutFirstReg default: covers the HA's DAD before the first BA (RFC 6275 §13). */
export const INITIAL_BINDACK_TIMEOUT_FIRST_REG_MS = 1_500;
export const INITIAL_DHAAD_TIMEOUT_MS = 3_000;
export const DHAAD_RETRIES = 4;
export const INITIAL_SOLICIT_TIMER_MS = 3_000;
export const MAX_DELETE_BCE_TIMEOUT_MS = 10_000;
export const MAX_NONCE_LIFETIME_SEC = 240;
export const MAX_TOKEN_LIFETIME_SEC = 210;
export const MAX_RO_FAILURE = 3;
export const MAX_RR_BINDING_LIFETIME_SEC = 420;
/** At most this many messages of one MH type per destination per second (RFC 6275 §12 MAX_UPDATE_RATE). */
export const MAX_UPDATE_RATE_PER_SEC = 3;
export const PREFIX_ADV_RETRIES = 3;
export const PREFIX_ADV_TIMEOUT_MS = 3_000;
export const MAX_MOB_PFX_ADV_INTERVAL_SEC = 86_400;
export const MIN_MOB_PFX_ADV_INTERVAL_SEC = 600;
/** MinDelayBetweenRAs default 3 s, and the least it may be configured to, 0.03 s (RFC 6275 §13). */
export const MIN_DELAY_BETWEEN_RAS_MS = 3_000;
export const MIN_DELAY_BETWEEN_RAS_FLOOR_MS = 30;
/** Default NAT binding refresh period of a DSMIPv6 MN (RFC 5555 §6, §4.3). */
export const NATKATIMEOUT_SEC = 110;

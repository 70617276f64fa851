/**
 * Diameter numbers (RFC 6733) and the dictionary of every command and AVP this project sends or reads, each with
 * the section that defines it: the base protocol (RFC 6733), the EAP application (RFC 4072), the MIPv6 AVPs
 * (RFC 5447, RFC 5778, RFC 5779) and 3GPP's S6b/SWm AVPs (TS 29.273, TS 29.212, vendor 10415).
 */

/** RFC 6733 §3: the only version. */
export const DIAMETER_VERSION = 1;
/** RFC 6733 §3: Version(1) Length(3) Flags(1) Command-Code(3) Application-ID(4) Hop-by-Hop(4) End-to-End(4). */
export const DIAMETER_HEADER_LENGTH = 20;
/** RFC 6733 §4.1: Code(4) Flags(1) Length(3), then Vendor-ID(4) when V is set. */
export const AVP_HEADER_LENGTH = 8;
export const AVP_VENDOR_HEADER_LENGTH = 12;
/** RFC 6733 §2.1: the registered TCP/SCTP port without TLS. */
export const DIAMETER_PORT = 3868;

/** Command flags (RFC 6733 §3). */
export const CommandFlag = {
  REQUEST: 0x80, // R
  PROXIABLE: 0x40, // P
  ERROR: 0x20, // E: answers only
  RETRANSMIT: 0x10, // T: a request re-sent after a failover (§5.5.4)
} as const;

/** AVP flags (RFC 6733 §4.1). The other five bits are reserved. */
export const AvpFlag = {
  VENDOR: 0x80, // V: Vendor-ID present
  MANDATORY: 0x40, // M
  PROTECTED: 0x20, // P
} as const;

/** Command codes (RFC 6733 §3.1; RFC 4072 §3.1). */
export const CommandCode = {
  CAPABILITIES_EXCHANGE: 257, // CER/CEA, RFC 6733 §5.3.1/§5.3.2
  RE_AUTH: 258, // RAR/RAA, RFC 6733 §8.3.1/§8.3.2
  ABORT_SESSION: 274, // ASR/ASA, RFC 6733 §8.5.1/§8.5.2
  SESSION_TERMINATION: 275, // STR/STA, RFC 6733 §8.4.1/§8.4.2
  DEVICE_WATCHDOG: 280, // DWR/DWA, RFC 6733 §5.5.1/§5.5.2
  DISCONNECT_PEER: 282, // DPR/DPA, RFC 6733 §5.4.1/§5.4.2
  DIAMETER_EAP: 268, // DER/DEA, RFC 4072 §3.1/§3.2
} as const;

/** Application identifiers (RFC 6733 §2.4, §11.3; RFC 4072 §2.1; TS 29.273 §7.1.1, §9.1.2; TS 29.230 §7). */
export const ApplicationId = {
  COMMON: 0, // base protocol messages (CER, DWR, DPR)
  DIAMETER_EAP: 5, // RFC 4072 §2.1
  SWM: 16777264, // TS 29.273 §7.1.1 (ePDG ↔ 3GPP AAA server)
  S6B: 16777272, // TS 29.273 §9.1.2 (PGW ↔ 3GPP AAA server)
  RELAY: 0xffffffff, // RFC 6733 §2.4
} as const;

/** IANA vendor numbers: 3GPP (TS 29.230 §2). */
export const VENDOR_3GPP = 10415;

/** Result-Code values (RFC 6733 §7.1; RFC 4072 §3.2 uses 1001 for every EAP round but the last). */
export const ResultCode = {
  DIAMETER_MULTI_ROUND_AUTH: 1001, // §7.1.1
  DIAMETER_SUCCESS: 2001, // §7.1.2
  DIAMETER_LIMITED_SUCCESS: 2002,
  DIAMETER_COMMAND_UNSUPPORTED: 3001, // §7.1.3 protocol errors (E bit set)
  DIAMETER_UNABLE_TO_DELIVER: 3002,
  DIAMETER_REALM_NOT_SERVED: 3003,
  DIAMETER_TOO_BUSY: 3004,
  DIAMETER_LOOP_DETECTED: 3005,
  DIAMETER_APPLICATION_UNSUPPORTED: 3007,
  DIAMETER_INVALID_HDR_BITS: 3008,
  DIAMETER_INVALID_AVP_BITS: 3009,
  DIAMETER_AUTHENTICATION_REJECTED: 4001, // §7.1.4 transient
  DIAMETER_AVP_UNSUPPORTED: 5001, // §7.1.5 permanent
  DIAMETER_UNKNOWN_SESSION_ID: 5002,
  DIAMETER_AUTHORIZATION_REJECTED: 5003,
  DIAMETER_INVALID_AVP_VALUE: 5004,
  DIAMETER_MISSING_AVP: 5005,
  DIAMETER_NO_COMMON_APPLICATION: 5010,
  DIAMETER_UNABLE_TO_COMPLY: 5012,
  DIAMETER_INVALID_AVP_LENGTH: 5014,
} as const;

/** Experimental-Result-Code values of vendor 3GPP used on S6b/SWm (TS 29.273 §10.3.2; TS 29.229 §6.2.2.1). */
export const ExperimentalResultCode3gpp = {
  DIAMETER_ERROR_USER_UNKNOWN: 5001,
  DIAMETER_ERROR_ROAMING_NOT_ALLOWED: 5004,
  DIAMETER_ERROR_USER_NO_NON_3GPP_SUBSCRIPTION: 5450, // TS 29.273 §10.3.2.1
  DIAMETER_ERROR_USER_NO_APN_SUBSCRIPTION: 5451, // TS 29.273 §10.3.2.2
} as const;

/** Auth-Request-Type (RFC 6733 §8.7). */
export const AuthRequestType = { AUTHENTICATE_ONLY: 1, AUTHORIZE_ONLY: 2, AUTHORIZE_AUTHENTICATE: 3 } as const;
/** Auth-Session-State (RFC 6733 §8.11). */
export const AuthSessionState = { STATE_MAINTAINED: 0, NO_STATE_MAINTAINED: 1 } as const;
/** Termination-Cause (RFC 6733 §8.15). */
export const TerminationCause = {
  LOGOUT: 1,
  SERVICE_NOT_PROVIDED: 2,
  BAD_ANSWER: 3,
  ADMINISTRATIVE: 4,
  LINK_BROKEN: 5,
  AUTH_EXPIRED: 6,
  USER_MOVED: 7,
  SESSION_TIMEOUT: 8,
} as const;
/** Disconnect-Cause (RFC 6733 §5.4.3). */
export const DisconnectCause = { REBOOTING: 0, BUSY: 1, DO_NOT_WANT_TO_TALK_TO_YOU: 2 } as const;
/** Re-Auth-Request-Type (RFC 6733 §8.12). */
export const ReAuthRequestType = { AUTHORIZE_ONLY: 0, AUTHORIZE_AUTHENTICATE: 1 } as const;
/** RAT-Type (TS 29.212 §5.3.31): the values an S2c attach can come over. */
export const RatType = { WLAN: 0, VIRTUAL: 1, EUTRAN: 1004, EHRPD: 2003 } as const;
/** MIP6-Feature-Vector bits (RFC 5447 §4.2.5; RFC 5779 §5.5; TS 29.273 §5.2.3.3). */
export const Mip6Feature = {
  MIP6_INTEGRATED: 0x1n,
  LOCAL_HOME_AGENT_ASSIGNMENT: 0x2n,
  PMIP6_SUPPORTED: 0x100_0000_0000n,
  IP4_HOA_SUPPORTED: 0x200_0000_0000n,
  LOCAL_MAG_ROUTING_SUPPORTED: 0x400_0000_0000n,
} as const;
/** Address AVP families (RFC 6733 §4.3.1: IANA Address Family Numbers). */
export const AddressFamily = { IPV4: 1, IPV6: 2 } as const;

/** The basic and derived AVP data formats (RFC 6733 §4.2, §4.3). */
export type AvpType =
  | 'OctetString'
  | 'Integer32'
  | 'Integer64'
  | 'Unsigned32'
  | 'Unsigned64'
  | 'Float32'
  | 'Float64'
  | 'Grouped'
  | 'Address'
  | 'Time'
  | 'UTF8String'
  | 'DiameterIdentity'
  | 'Enumerated';

export interface AvpDefinition {
  readonly name: string;
  readonly code: number;
  readonly vendorId: number; // 0 = IETF
  readonly type: AvpType;
  readonly source: string;
}

const ietf = <N extends string>(name: N, code: number, type: AvpType, source: string) => ({
  name,
  code,
  vendorId: 0,
  type,
  source,
});
const tgpp = <N extends string>(name: N, code: number, type: AvpType, source: string) => ({
  name,
  code,
  vendorId: VENDOR_3GPP,
  type,
  source,
});

/** Every AVP this project reads or writes. Others are kept as opaque bytes and re-encoded unchanged. */
export const AVP_DICTIONARY = [
  ietf('User-Name', 1, 'UTF8String', 'RFC 6733 §8.14'),
  ietf('Session-Timeout', 27, 'Unsigned32', 'RFC 6733 §8.13'),
  ietf('Proxy-State', 33, 'OctetString', 'RFC 6733 §6.7.4'),
  ietf('Event-Timestamp', 55, 'Time', 'RFC 6733 §8.21'),
  ietf('EAP-Key-Name', 102, 'OctetString', 'RFC 4072 §4.1.4'),
  ietf('MIP6-Feature-Vector', 124, 'Unsigned64', 'RFC 5447 §4.2.5'),
  ietf('Host-IP-Address', 257, 'Address', 'RFC 6733 §5.3.5'),
  ietf('Auth-Application-Id', 258, 'Unsigned32', 'RFC 6733 §6.8'),
  ietf('Acct-Application-Id', 259, 'Unsigned32', 'RFC 6733 §6.9'),
  ietf('Vendor-Specific-Application-Id', 260, 'Grouped', 'RFC 6733 §6.11'),
  ietf('Session-Id', 263, 'UTF8String', 'RFC 6733 §8.8'),
  ietf('Origin-Host', 264, 'DiameterIdentity', 'RFC 6733 §6.3'),
  ietf('Supported-Vendor-Id', 265, 'Unsigned32', 'RFC 6733 §5.3.6'),
  ietf('Vendor-Id', 266, 'Unsigned32', 'RFC 6733 §5.3.3'),
  ietf('Firmware-Revision', 267, 'Unsigned32', 'RFC 6733 §5.3.4'),
  ietf('Result-Code', 268, 'Unsigned32', 'RFC 6733 §7.1'),
  ietf('Product-Name', 269, 'UTF8String', 'RFC 6733 §5.3.7'),
  ietf('Disconnect-Cause', 273, 'Enumerated', 'RFC 6733 §5.4.3'),
  ietf('Auth-Request-Type', 274, 'Enumerated', 'RFC 6733 §8.7'),
  ietf('Auth-Session-State', 277, 'Enumerated', 'RFC 6733 §8.11'),
  ietf('Origin-State-Id', 278, 'Unsigned32', 'RFC 6733 §8.16'),
  ietf('Failed-AVP', 279, 'Grouped', 'RFC 6733 §7.5'),
  ietf('Proxy-Host', 280, 'DiameterIdentity', 'RFC 6733 §6.7.3'),
  ietf('Error-Message', 281, 'UTF8String', 'RFC 6733 §7.3'),
  ietf('Route-Record', 282, 'DiameterIdentity', 'RFC 6733 §6.7.1'),
  ietf('Destination-Realm', 283, 'DiameterIdentity', 'RFC 6733 §6.6'),
  ietf('Proxy-Info', 284, 'Grouped', 'RFC 6733 §6.7.2'),
  ietf('Re-Auth-Request-Type', 285, 'Enumerated', 'RFC 6733 §8.12'),
  ietf('Authorization-Lifetime', 291, 'Unsigned32', 'RFC 6733 §8.9'),
  ietf('Destination-Host', 293, 'DiameterIdentity', 'RFC 6733 §6.5'),
  ietf('Error-Reporting-Host', 294, 'DiameterIdentity', 'RFC 6733 §7.4'),
  ietf('Termination-Cause', 295, 'Enumerated', 'RFC 6733 §8.15'),
  ietf('Origin-Realm', 296, 'DiameterIdentity', 'RFC 6733 §6.4'),
  ietf('Experimental-Result', 297, 'Grouped', 'RFC 6733 §7.6'),
  ietf('Experimental-Result-Code', 298, 'Unsigned32', 'RFC 6733 §7.7'),
  ietf('Inband-Security-Id', 299, 'Unsigned32', 'RFC 6733 §6.10'),
  ietf('EAP-Payload', 462, 'OctetString', 'RFC 4072 §4.1.1'),
  ietf('EAP-Reissued-Payload', 463, 'OctetString', 'RFC 4072 §4.1.2'),
  ietf('EAP-Master-Session-Key', 464, 'OctetString', 'RFC 4072 §4.1.3'),
  ietf('Accounting-EAP-Auth-Method', 465, 'Unsigned64', 'RFC 4072 §4.1.5'),
  ietf('Service-Selection', 493, 'UTF8String', 'RFC 5778 §6.2'),
  ietf('Mobile-Node-Identifier', 506, 'UTF8String', 'RFC 5779 §5.6'),
  tgpp('RAT-Type', 1032, 'Enumerated', 'TS 29.212 §5.3.31'),
] as const satisfies readonly AvpDefinition[];

type DictionaryName = (typeof AVP_DICTIONARY)[number]['name'];

/** `AvpDefs['Session-Id']` = { code, vendorId, ... }: the dictionary entry by name. */
export const AvpDefs = Object.fromEntries(AVP_DICTIONARY.map((d) => [d.name, d])) as Record<
  DictionaryName,
  AvpDefinition
>;

const BY_KEY = new Map<string, AvpDefinition>(AVP_DICTIONARY.map((d) => [`${d.vendorId}:${d.code}`, d]));

/** The dictionary entry of an AVP, or undefined for one this project does not know (kept opaque). */
export function avpDefinition(code: number, vendorId = 0): AvpDefinition | undefined {
  return BY_KEY.get(`${vendorId}:${code}`);
}

/** Short names of the commands, for logs and counters. */
export function commandName(code: number, request: boolean): string {
  const names: Record<number, string> = {
    257: 'CE',
    258: 'RA',
    268: 'DE',
    274: 'AS',
    275: 'ST',
    280: 'DW',
    282: 'DP',
  };
  const base = names[code];
  return base ? `${base}${request ? 'R' : 'A'}` : `${code}${request ? '-request' : '-answer'}`;
}

/**
 * EAP (RFC 3748) and EAP-AKA / EAP-AKA' (RFC 4187, RFC 5448, RFC 9048) numbers.
 * EAP-SIM (RFC 4186) shares the subtype and attribute registries; its numbers are listed for display only.
 */

/** EAP Code field (RFC 3748 §4). Codes outside 1–4 MUST be silently discarded (RFC 3748 §4). */
export const EapCode = {
  REQUEST: 1,
  RESPONSE: 2,
  SUCCESS: 3,
  FAILURE: 4,
} as const;

/** EAP Type field (RFC 3748 §5; IANA "Method Types"). */
export const EapType = {
  IDENTITY: 1, // RFC 3748 §5.1
  NOTIFICATION: 2, // RFC 3748 §5.2
  NAK: 3, // legacy Nak, responses only, RFC 3748 §5.3.1
  MD5_CHALLENGE: 4, // RFC 3748 §5.4
  OTP: 5, // RFC 3748 §5.5
  GTC: 6, // RFC 3748 §5.6
  TLS: 13, // RFC 5216
  SIM: 18, // RFC 4186
  TTLS: 21, // RFC 5281
  AKA: 23, // RFC 4187 §8.1
  PEAP: 25,
  MSCHAP_V2: 26,
  AKA_PRIME: 50, // RFC 5448 §3 (same message format as EAP-AKA)
  EXPANDED: 254, // RFC 3748 §5.7
  EXPERIMENTAL: 255, // RFC 3748 §5.8
} as const;

/** Header sizes in bytes (RFC 3748 §4, §4.1; RFC 4187 §8.1). */
export const EAP_HEADER_LENGTH = 4;
export const EAP_REQUEST_HEADER_LENGTH = 5;
export const AKA_HEADER_LENGTH = 3; // Subtype + 2 reserved bytes after the EAP Type

/** EAP-AKA / EAP-SIM Subtype (RFC 4187 §11; SIM-Start and SIM-Challenge from RFC 4186 §11). */
export const AkaSubtype = {
  CHALLENGE: 1,
  AUTHENTICATION_REJECT: 2,
  SYNCHRONIZATION_FAILURE: 4,
  IDENTITY: 5,
  SIM_START: 10, // EAP-SIM only
  SIM_CHALLENGE: 11, // EAP-SIM only
  NOTIFICATION: 12,
  REAUTHENTICATION: 13,
  CLIENT_ERROR: 14,
} as const;

/**
 * Attribute types (RFC 4187 §11, RFC 4186 §11, RFC 5448 §3.1–3.2, RFC 9048 §4).
 * Types 0–127 are non-skippable and 128–255 skippable (RFC 4187 §8.1).
 */
export const AkaAttributeType = {
  AT_RAND: 1,
  AT_AUTN: 2,
  AT_RES: 3,
  AT_AUTS: 4,
  AT_PADDING: 6,
  AT_NONCE_MT: 7, // EAP-SIM only (RFC 4186 §10.4)
  AT_PERMANENT_ID_REQ: 10,
  AT_MAC: 11,
  AT_NOTIFICATION: 12,
  AT_ANY_ID_REQ: 13,
  AT_IDENTITY: 14,
  AT_VERSION_LIST: 15, // EAP-SIM only (RFC 4186 §10.2)
  AT_SELECTED_VERSION: 16, // EAP-SIM only (RFC 4186 §10.3)
  AT_FULLAUTH_ID_REQ: 17,
  AT_COUNTER: 19,
  AT_COUNTER_TOO_SMALL: 20,
  AT_NONCE_S: 21,
  AT_CLIENT_ERROR_CODE: 22,
  AT_KDF_INPUT: 23, // EAP-AKA' (RFC 5448 §3.1)
  AT_KDF: 24, // EAP-AKA' (RFC 5448 §3.2)
  AT_IV: 129,
  AT_ENCR_DATA: 130,
  AT_NEXT_PSEUDONYM: 132,
  AT_NEXT_REAUTH_ID: 133,
  AT_CHECKCODE: 134,
  AT_RESULT_IND: 135,
  AT_BIDDING: 136, // RFC 9048 §4 (first defined in RFC 5448 §4)
} as const;

/** First skippable attribute type (RFC 4187 §8.1). */
export const AKA_FIRST_SKIPPABLE_ATTRIBUTE = 128;

/** An unrecognised attribute of this type may be ignored; others end the exchange (RFC 4187 §8.1). */
export function isSkippableAkaAttribute(type: number): boolean {
  return type >= AKA_FIRST_SKIPPABLE_ATTRIBUTE;
}

/** Attribute Length is in units of 4 bytes, including the Type and Length bytes (RFC 4187 §8.1). */
export const AKA_ATTRIBUTE_UNIT_BYTES = 4;
export const AKA_MAX_ATTRIBUTE_BYTES = 255 * AKA_ATTRIBUTE_UNIT_BYTES;

/** Fixed value sizes in bytes (RFC 4187 §10.6, §10.7, §10.9, §10.12, §10.13, §10.15, §10.18). */
export const AKA_RAND_BYTES = 16;
export const AKA_AUTN_BYTES = 16;
export const AKA_AUTS_BYTES = 14;
export const AKA_MAC_BYTES = 16;
export const AKA_IV_BYTES = 16;
export const AKA_NONCE_S_BYTES = 16;
export const AKA_CHECKCODE_BYTES = 20; // SHA-1; the checkcode may also be absent (0 bytes)
/** EAP-AKA′ AT_CHECKCODE: SHA-256 (RFC 5448 §3.4.1). */
export const AKA_PRIME_CHECKCODE_BYTES = 32;
export const AKA_ENCR_BLOCK_BYTES = 16; // AES-128-CBC block
/** RES is 32..128 bits (RFC 4187 §10.8 citing TS 33.105). */
export const AKA_RES_MIN_BITS = 32;
export const AKA_RES_MAX_BITS = 128;

/**
 * AT_NOTIFICATION codes (RFC 4187 §10.19, §11). The code is 16 bits; its top bit is S (success) and the next P
 * (phase). §6.1 is authoritative for P: P = 1 means "before the Challenge round" (16384 General failure has it),
 * P = 0 "after a successful Challenge" (§11 states the opposite; its own code values contradict it).
 */
export const AkaNotificationCode = {
  GENERAL_FAILURE_AFTER_AUTHENTICATION: 0,
  TEMPORARILY_DENIED: 1026,
  NOT_SUBSCRIBED: 1031,
  GENERAL_FAILURE: 16384,
  SUCCESS: 32768,
} as const;

export const AKA_NOTIFICATION_S_BIT = 0x8000;
export const AKA_NOTIFICATION_P_BIT = 0x4000;

/** S = 0: the notification implies failure (RFC 4187 §6.1). */
export function akaNotificationImpliesFailure(code: number): boolean {
  return (code & AKA_NOTIFICATION_S_BIT) === 0;
}

/** P = 1: only valid before the Challenge / Reauthentication round, and then without AT_MAC (RFC 4187 §6.1, §9.10). */
export function akaNotificationBeforeChallenge(code: number): boolean {
  return (code & AKA_NOTIFICATION_P_BIT) !== 0;
}

/** AT_CLIENT_ERROR_CODE values (RFC 4187 §10.20; 1–3 from RFC 4186 §10.19). */
export const AkaClientErrorCode = {
  UNABLE_TO_PROCESS_PACKET: 0,
  UNSUPPORTED_VERSION: 1, // EAP-SIM
  INSUFFICIENT_NUMBER_OF_CHALLENGES: 2, // EAP-SIM
  RANDS_NOT_FRESH: 3, // EAP-SIM
} as const;

/** AT_KDF values (RFC 5448 §3.2): 1 = the default EAP-AKA' KDF using CK' and IK'. */
export const AkaKdf = {
  AKA_PRIME_WITH_CK_IK_PRIME: 1,
} as const;

/**
 * The EAP-AKA / EAP-AKA' attribute model (RFC 4187 §10; RFC 5448 §3.1–3.2; RFC 9048 §4) and its type numbers.
 * Reserved bytes are "set to zero when sending and ignored on reception" (RFC 4187 §10.x), so they are not kept.
 */
import { AKA_RAND_BYTES, AkaAttributeType as T } from './constants.ts';

/** Attributes whose value is 2 reserved bytes and a 16-byte field (RFC 4187 §10.6, 10.7, 10.12, 10.15, 10.18). */
export type AkaBlockAttribute =
  | { readonly kind: 'rand'; readonly rand: Uint8Array } // AT_RAND
  | { readonly kind: 'autn'; readonly autn: Uint8Array } // AT_AUTN
  | { readonly kind: 'mac'; readonly mac: Uint8Array } // AT_MAC (HMAC-SHA1-128)
  | { readonly kind: 'iv'; readonly iv: Uint8Array } // AT_IV
  | { readonly kind: 'nonce-s'; readonly nonceS: Uint8Array }; // AT_NONCE_S

/** Attributes whose value is only 2 reserved bytes (RFC 4187 §10.2–10.4, §10.14, §10.17). */
export type AkaFlagAttribute =
  | { readonly kind: 'permanent-id-req' }
  | { readonly kind: 'any-id-req' }
  | { readonly kind: 'fullauth-id-req' }
  | { readonly kind: 'result-ind' }
  | { readonly kind: 'counter-too-small' };

/** Attributes with a 2-byte actual length, the bytes, and zero padding (RFC 4187 §10.5, 10.10, 10.11; RFC 5448 §3.1). */
export type AkaTextAttribute =
  | { readonly kind: 'identity'; readonly identity: Uint8Array } // AT_IDENTITY (no NUL, undecorated)
  | { readonly kind: 'next-pseudonym'; readonly pseudonym: Uint8Array } // AT_NEXT_PSEUDONYM (UTF-8 username)
  | { readonly kind: 'next-reauth-id'; readonly reauthId: Uint8Array } // AT_NEXT_REAUTH_ID (UTF-8)
  | { readonly kind: 'kdf-input'; readonly networkName: Uint8Array }; // AT_KDF_INPUT (UTF-8 access network identity)

/** Attributes whose value is one 16-bit number. */
export type AkaNumberAttribute =
  | { readonly kind: 'notification'; readonly code: number } // AT_NOTIFICATION: S and P bits are code's top bits
  | { readonly kind: 'counter'; readonly counter: number } // AT_COUNTER
  | { readonly kind: 'client-error-code'; readonly clientErrorCode: number } // AT_CLIENT_ERROR_CODE
  | { readonly kind: 'kdf'; readonly kdf: number }; // AT_KDF (RFC 5448 §3.2)

export type AkaAttribute =
  | AkaBlockAttribute
  | AkaFlagAttribute
  | AkaTextAttribute
  | AkaNumberAttribute
  /** AT_RES: RES is `resLengthBits` long (32–128); `res` holds ceil(bits/8) bytes (RFC 4187 §10.8). */
  | { readonly kind: 'res'; readonly resLengthBits: number; readonly res: Uint8Array }
  | { readonly kind: 'auts'; readonly auts: Uint8Array } // AT_AUTS: 14 bytes, no reserved field (RFC 4187 §10.9)
  /** AT_PADDING: whole attribute is 4, 8 or 12 bytes of which the value is zeros (RFC 4187 §10.12). */
  | { readonly kind: 'padding'; readonly lengthBytes: number }
  | { readonly kind: 'encr-data'; readonly encryptedData: Uint8Array } // AT_ENCR_DATA: AES-CBC ciphertext
  | { readonly kind: 'checkcode'; readonly checkcode: Uint8Array } // AT_CHECKCODE: 0 or 20 bytes (RFC 4187 §10.13)
  | { readonly kind: 'bidding'; readonly prefersAkaPrime: boolean } // AT_BIDDING: D bit (RFC 9048 §4)
  /** Any other type (and EAP-SIM-only ones); `data` is the value after Type and Length. Skippable if type ≥ 128. */
  | { readonly kind: 'unknown'; readonly type: number; readonly data: Uint8Array };

type Kind = AkaAttribute['kind'];

const BLOCK_TYPES = { rand: T.AT_RAND, autn: T.AT_AUTN, mac: T.AT_MAC, iv: T.AT_IV, 'nonce-s': T.AT_NONCE_S } as const;
const FLAG_TYPES = {
  'permanent-id-req': T.AT_PERMANENT_ID_REQ,
  'any-id-req': T.AT_ANY_ID_REQ,
  'fullauth-id-req': T.AT_FULLAUTH_ID_REQ,
  'result-ind': T.AT_RESULT_IND,
  'counter-too-small': T.AT_COUNTER_TOO_SMALL,
} as const;
const TEXT_TYPES = {
  identity: T.AT_IDENTITY,
  'next-pseudonym': T.AT_NEXT_PSEUDONYM,
  'next-reauth-id': T.AT_NEXT_REAUTH_ID,
  'kdf-input': T.AT_KDF_INPUT,
} as const;
const NUMBER_TYPES = {
  notification: T.AT_NOTIFICATION,
  counter: T.AT_COUNTER,
  'client-error-code': T.AT_CLIENT_ERROR_CODE,
  kdf: T.AT_KDF,
} as const;
const OTHER_TYPES = {
  res: T.AT_RES,
  auts: T.AT_AUTS,
  padding: T.AT_PADDING,
  'encr-data': T.AT_ENCR_DATA,
  checkcode: T.AT_CHECKCODE,
  bidding: T.AT_BIDDING,
} as const;

/** Attribute type number of each known kind. */
export const AKA_ATTRIBUTE_TYPE_OF_KIND: Readonly<Record<Exclude<Kind, 'unknown'>, number>> = {
  ...BLOCK_TYPES,
  ...FLAG_TYPES,
  ...TEXT_TYPES,
  ...NUMBER_TYPES,
  ...OTHER_TYPES,
};

/** The attribute type number of `a`. */
export function akaAttributeType(a: AkaAttribute): number {
  return a.kind === 'unknown' ? a.type : AKA_ATTRIBUTE_TYPE_OF_KIND[a.kind];
}

/** AT_BIDDING D bit: the sender supports and prefers EAP-AKA' (RFC 9048 §4). */
export const BIDDING_D_BIT = 0x8000;
/** RAND, AUTN, MAC, IV and NONCE_S are all 16 bytes (RFC 4187 §10.6, 10.7, 10.12, 10.15, 10.18). */
export const AKA_BLOCK_BYTES = AKA_RAND_BYTES;

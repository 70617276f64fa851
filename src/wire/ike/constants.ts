/**
 * IKEv2 numbers (RFC 7296 §3 and the IANA "IKEv2 Parameters" registry), with the extensions this project
 * uses: RFC 4555 (MOBIKE), RFC 4739 (multiple auth), RFC 5026 (MIPv6 bootstrapping), RFC 5282 (AES-GCM),
 * RFC 5685 (redirect), RFC 5998 (EAP-only), RFC 7383 (fragmentation), RFC 7427 (signatures),
 * RFC 4868 (SHA-2), RFC 5903 (ECP), RFC 8031 (Curve25519/448), TS 24.302 (HOME_AGENT_ADDRESS).
 */

/** Header Major Version this codec reads in full (RFC 7296 §3.1). */
export const IKE_MAJOR_VERSION = 2;
export const IKE_HEADER_LENGTH = 28;
/** Generic payload header: next payload, C bit + reserved, length (RFC 7296 §3.2). */
export const PAYLOAD_HEADER_LENGTH = 4;

/** IKE UDP ports (RFC 7296 §2; RFC 3948 §2.2 for the NAT-T port). */
export const IkePort = { IKE: 500, NAT_T: 4500 } as const;

/** Exchange Type (RFC 7296 §3.1; 38 from RFC 5723). */
export const ExchangeType = {
  IKE_SA_INIT: 34,
  IKE_AUTH: 35,
  CREATE_CHILD_SA: 36,
  INFORMATIONAL: 37,
  IKE_SESSION_RESUME: 38,
} as const;

/** Header Flags bits (RFC 7296 §3.1): X X R V I X X X. */
export const HeaderFlag = { RESPONSE: 0x20, VERSION: 0x10, INITIATOR: 0x08 } as const;

/** Critical bit of the generic payload header (RFC 7296 §3.2). */
export const CRITICAL_BIT = 0x80;

/** Next Payload types (RFC 7296 §3.2; 53 SKF from RFC 7383 §2.5). */
export const PayloadType = {
  NONE: 0,
  SA: 33,
  KE: 34,
  IDI: 35,
  IDR: 36,
  CERT: 37,
  CERTREQ: 38,
  AUTH: 39,
  NONCE: 40,
  NOTIFY: 41,
  DELETE: 42,
  VENDOR_ID: 43,
  TSI: 44,
  TSR: 45,
  SK: 46,
  CP: 47,
  EAP: 48,
  SKF: 53,
} as const;

/** Protocol ID in proposals, Notify and Delete (RFC 7296 §3.3.1). */
export const ProtocolId = { NONE: 0, IKE: 1, AH: 2, ESP: 3 } as const;

/** SPI Size values in proposals (RFC 7296 §3.3.1). */
export const SpiSize = { INITIAL_IKE: 0, IKE: 8, ESP: 4, AH: 4 } as const;

/** "Last Substruc" markers (RFC 7296 §3.3.1, §3.3.2): inherited ISAKMP payload numbers. */
export const LAST_SUBSTRUCTURE = 0;
export const MORE_PROPOSALS = 2;
export const MORE_TRANSFORMS = 3;

/** Transform Type (RFC 7296 §3.3.2). */
export const TransformType = { ENCR: 1, PRF: 2, INTEG: 3, DH: 4, ESN: 5 } as const;

/** Transform IDs for ENCR (RFC 7296 §3.3.2; GCM RFC 5282 §7; ChaCha20-Poly1305 RFC 7634 §4). */
export const EncrId = {
  DES_IV64: 1,
  DES: 2,
  TRIPLE_DES: 3,
  NULL: 11,
  AES_CBC: 12,
  AES_CTR: 13,
  AES_GCM_8: 18,
  AES_GCM_12: 19,
  AES_GCM_16: 20,
  CHACHA20_POLY1305: 28,
} as const;

/** Transform IDs for PRF (RFC 7296 §3.3.2; SHA-2 RFC 4868 §4). */
export const PrfId = {
  HMAC_MD5: 1,
  HMAC_SHA1: 2,
  AES128_XCBC: 4,
  HMAC_SHA2_256: 5,
  HMAC_SHA2_384: 6,
  HMAC_SHA2_512: 7,
} as const;

/** Transform IDs for INTEG (RFC 7296 §3.3.2; SHA-2 RFC 4868 §4). NONE is proposed with AEAD ciphers. */
export const IntegId = {
  NONE: 0,
  HMAC_MD5_96: 1,
  HMAC_SHA1_96: 2,
  AES_XCBC_96: 5,
  HMAC_SHA2_256_128: 12,
  HMAC_SHA2_384_192: 13,
  HMAC_SHA2_512_256: 14,
} as const;

/** Transform IDs for DH / Key Exchange (RFC 7296 §3.3.2, RFC 3526, RFC 5903 §7, RFC 8031 §4). */
export const DhGroup = {
  NONE: 0,
  MODP_1024: 2,
  MODP_1536: 5,
  MODP_2048: 14,
  MODP_3072: 15,
  MODP_4096: 16,
  ECP_256: 19,
  ECP_384: 20,
  ECP_521: 21,
  CURVE25519: 31,
  CURVE448: 32,
} as const;

/** Transform IDs for ESN (RFC 7296 §3.3.2). */
export const EsnId = { NO: 0, YES: 1 } as const;

/** Transform attribute types (RFC 7296 §3.3.5): Key Length is TV format, in bits. */
export const TransformAttributeType = { KEY_LENGTH: 14 } as const;
/** Attribute Format bit: set = TV (2-byte value), clear = TLV (RFC 7296 §3.3.5). */
export const ATTRIBUTE_FORMAT_TV = 0x8000;

/** ID Type (RFC 7296 §3.5). */
export const IdType = {
  IPV4_ADDR: 1,
  FQDN: 2,
  RFC822_ADDR: 3,
  IPV6_ADDR: 5,
  DER_ASN1_DN: 9,
  DER_ASN1_GN: 10,
  KEY_ID: 11,
} as const;

/** Certificate Encoding (RFC 7296 §3.6). */
export const CertEncoding = {
  PKCS7_X509: 1,
  PGP: 2,
  DNS_SIGNED_KEY: 3,
  X509_SIGNATURE: 4,
  KERBEROS_TOKEN: 6,
  CRL: 7,
  ARL: 8,
  SPKI: 9,
  X509_ATTRIBUTE: 10,
  RAW_RSA_KEY: 11,
  HASH_URL_X509_CERT: 12,
  HASH_URL_X509_BUNDLE: 13,
} as const;

/** Auth Method (RFC 7296 §3.8; 14 Digital Signature from RFC 7427 §3). */
export const AuthMethod = { RSA_SIGNATURE: 1, SHARED_KEY_MIC: 2, DSS_SIGNATURE: 3, DIGITAL_SIGNATURE: 14 } as const;

/** Notify types below this value are errors, at or above it status (RFC 7296 §3.10.1). */
export const NOTIFY_STATUS_MIN = 16384;

/**
 * Notify Message Types (RFC 7296 §3.10.1; 40/41 and 16396–16402 RFC 4555; 42 RFC 5026 §5.3.2;
 * 16403 RFC 4478; 16404/16405 RFC 4739 §3; 16406–16408 RFC 5685; 16417 RFC 5998; 16430 RFC 7383;
 * 16431 RFC 7427).
 */
export const NotifyType = {
  UNSUPPORTED_CRITICAL_PAYLOAD: 1,
  INVALID_IKE_SPI: 4,
  INVALID_MAJOR_VERSION: 5,
  INVALID_SYNTAX: 7,
  INVALID_MESSAGE_ID: 9,
  INVALID_SPI: 11,
  NO_PROPOSAL_CHOSEN: 14,
  INVALID_KE_PAYLOAD: 17,
  AUTHENTICATION_FAILED: 24,
  SINGLE_PAIR_REQUIRED: 34,
  NO_ADDITIONAL_SAS: 35,
  INTERNAL_ADDRESS_FAILURE: 36,
  FAILED_CP_REQUIRED: 37,
  TS_UNACCEPTABLE: 38,
  INVALID_SELECTORS: 39,
  UNACCEPTABLE_ADDRESSES: 40,
  UNEXPECTED_NAT_DETECTED: 41,
  USE_ASSIGNED_HOA: 42,
  TEMPORARY_FAILURE: 43,
  CHILD_SA_NOT_FOUND: 44,
  INITIAL_CONTACT: 16384,
  SET_WINDOW_SIZE: 16385,
  ADDITIONAL_TS_POSSIBLE: 16386,
  IPCOMP_SUPPORTED: 16387,
  NAT_DETECTION_SOURCE_IP: 16388,
  NAT_DETECTION_DESTINATION_IP: 16389,
  COOKIE: 16390,
  USE_TRANSPORT_MODE: 16391,
  HTTP_CERT_LOOKUP_SUPPORTED: 16392,
  REKEY_SA: 16393,
  ESP_TFC_PADDING_NOT_SUPPORTED: 16394,
  NON_FIRST_FRAGMENTS_ALSO: 16395,
  MOBIKE_SUPPORTED: 16396,
  ADDITIONAL_IP4_ADDRESS: 16397,
  ADDITIONAL_IP6_ADDRESS: 16398,
  NO_ADDITIONAL_ADDRESSES: 16399,
  UPDATE_SA_ADDRESSES: 16400,
  COOKIE2: 16401,
  NO_NATS_ALLOWED: 16402,
  AUTH_LIFETIME: 16403,
  MULTIPLE_AUTH_SUPPORTED: 16404,
  ANOTHER_AUTH_FOLLOWS: 16405,
  REDIRECT_SUPPORTED: 16406,
  REDIRECT: 16407,
  REDIRECTED_FROM: 16408,
  EAP_ONLY_AUTHENTICATION: 16417,
  CHILDLESS_IKEV2_SUPPORTED: 16418, // RFC 6023 §4
  IKEV2_FRAGMENTATION_SUPPORTED: 16430,
  SIGNATURE_HASH_ALGORITHMS: 16431,
} as const;

/** Traffic Selector types (RFC 7296 §3.13.1) and their fixed selector lengths. */
export const TsType = { IPV4_ADDR_RANGE: 7, IPV6_ADDR_RANGE: 8 } as const;
export const TS_IPV4_SELECTOR_LENGTH = 16;
export const TS_IPV6_SELECTOR_LENGTH = 40;
/** "Any port" range (RFC 7296 §3.13.1). */
export const ANY_PORT_START = 0;
export const ANY_PORT_END = 65535;

/** CFG Type (RFC 7296 §3.15). */
export const CfgType = { REQUEST: 1, REPLY: 2, SET: 3, ACK: 4 } as const;

/**
 * Configuration attribute types (RFC 7296 §3.15.1; 16 RFC 5026 §8.2; 17/18 RFC 5739; 19 TS 24.302 as
 * digested in SPEC-NOTES §5; 20/21 RFC 7651). The top bit of the 16-bit field is the R bit, which is ignored on receipt.
 */
export const CpAttributeType = {
  INTERNAL_IP4_ADDRESS: 1,
  INTERNAL_IP4_NETMASK: 2,
  INTERNAL_IP4_DNS: 3,
  INTERNAL_IP4_NBNS: 4,
  INTERNAL_IP4_DHCP: 6,
  APPLICATION_VERSION: 7,
  INTERNAL_IP6_ADDRESS: 8,
  INTERNAL_IP6_DNS: 10,
  INTERNAL_IP6_DHCP: 12,
  INTERNAL_IP4_SUBNET: 13,
  SUPPORTED_ATTRIBUTES: 14,
  INTERNAL_IP6_SUBNET: 15,
  MIP6_HOME_PREFIX: 16,
  INTERNAL_IP6_LINK: 17,
  INTERNAL_IP6_PREFIX: 18,
  HOME_AGENT_ADDRESS: 19,
  P_CSCF_IP4_ADDRESS: 20,
  P_CSCF_IP6_ADDRESS: 21,
} as const;
export const CP_ATTRIBUTE_RESERVED_BIT = 0x8000;

/** Value lengths of the CP attribute layouts decoded here (RFC 7296 §3.15.1, RFC 5026 §8.2, TS 24.302). */
export const CpValueLength = {
  IPV4: 4,
  IPV6: 16,
  IPV6_PREFIX: 17,
  MIP6_HOME_PREFIX: 21,
  HOME_AGENT_IPV6: 16,
  HOME_AGENT_DUAL: 20,
} as const;

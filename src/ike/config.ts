/**
 * Configuration shared by both roles: proposal lists, timers and lifetimes. Endpoint-specific settings live in
 * `initiator.ts` and `responder.ts`. Values are validated once at the edge (STYLE.md); the engine trusts them.
 */
import { DhGroup, EncrId, IntegId, PrfId } from '../wire/ike/constants.ts';

/** One ENCR transform with its Key Length attribute in bits (RFC 7296 §3.3.5). */
export interface EncrChoice {
  readonly id: number;
  readonly keyLengthBits: number;
}

/**
 * One IKE SA proposal (RFC 7296 §3.3): alternatives per transform type, in order of preference. `integ` is empty
 * for an AEAD cipher (RFC 5282 §8: no INTEG transform is proposed with AES-GCM).
 */
export interface IkeProposalConfig {
  readonly encr: readonly EncrChoice[];
  readonly integ: readonly number[];
  readonly prf: readonly number[];
  readonly dh: readonly number[];
}

/** One ESP proposal: `dh` empty = no PFS; `esn` lists the ESN choices offered (RFC 7296 §3.3.2). */
export interface EspProposalConfig {
  readonly encr: readonly EncrChoice[];
  readonly integ: readonly number[];
  readonly dh: readonly number[];
  readonly esn: readonly boolean[];
}

const MODERN_GROUPS = [DhGroup.CURVE25519, DhGroup.ECP_256, DhGroup.MODP_2048];

/** X25519 / P-256 / MODP-2048 with AES-GCM-16-256, then AES-CBC-256 + HMAC-SHA2-256-128, PRF HMAC-SHA2-256. */
export const DEFAULT_IKE_PROPOSALS: readonly IkeProposalConfig[] = Object.freeze([
  { encr: [{ id: EncrId.AES_GCM_16, keyLengthBits: 256 }], integ: [], prf: [PrfId.HMAC_SHA2_256], dh: MODERN_GROUPS },
  {
    encr: [{ id: EncrId.AES_CBC, keyLengthBits: 256 }],
    integ: [IntegId.HMAC_SHA2_256_128],
    prf: [PrfId.HMAC_SHA2_256],
    dh: MODERN_GROUPS,
  },
]);

/** AES-GCM-16-256, then AES-CBC-256 + HMAC-SHA2-256-128; no PFS, no ESN. */
export const DEFAULT_ESP_PROPOSALS: readonly EspProposalConfig[] = Object.freeze([
  { encr: [{ id: EncrId.AES_GCM_16, keyLengthBits: 256 }], integ: [], dh: [], esn: [false] },
  { encr: [{ id: EncrId.AES_CBC, keyLengthBits: 256 }], integ: [IntegId.HMAC_SHA2_256_128], dh: [], esn: [false] },
]);

/** Soft (rekey) and hard (delete) lifetimes; `rekeyMs` 0 = this side never starts a rekey. */
export interface Lifetime {
  readonly rekeyMs: number;
  readonly hardMs: number;
}

export interface TimingConfig {
  /** First retransmission timeout of a request (RFC 7296 §2.1). */
  readonly retransmitTimeoutMs: number;
  /** Each later timeout is the previous one times this factor (exponential back-off, RFC 7296 §2.1). */
  readonly retransmitBackoff: number;
  /** Retransmissions before the peer is declared dead (the first transmission not counted). */
  readonly retransmitTries: number;
  /** Upper bound of one retransmission timeout. */
  readonly retransmitMaxTimeoutMs: number;
  /** Idle time after which an empty INFORMATIONAL checks liveness (RFC 7296 §2.4); 0 = never. */
  readonly dpdIntervalMs: number;
  /** How long an IKE SA may stay unauthenticated before it is dropped (half-open, RFC 7296 §2.6). */
  readonly halfOpenTimeoutMs: number;
  /**
   * After an unauthenticated error notify in IKE_SA_INIT, how long to keep waiting for a genuine response before
   * failing (RFC 7296 §2.21.1: "the recipient should continue trying for some time before giving up").
   */
  readonly initErrorGraceMs: number;
  readonly ikeLifetime: Lifetime;
  readonly childLifetime: Lifetime;
  /** Up to this much is taken off each soft lifetime at random, so both peers do not rekey at once (RFC 7296 §2.8). */
  readonly rekeyJitterMs: number;
  /** Minimum spacing of INVALID_IKE_SPI / INVALID_MAJOR_VERSION / INVALID_MESSAGE_ID notifications (§2.21.4). */
  readonly errorNotifyIntervalMs: number;
}

export const DEFAULT_TIMING: TimingConfig = Object.freeze({
  retransmitTimeoutMs: 1000,
  retransmitBackoff: 2,
  retransmitTries: 5,
  retransmitMaxTimeoutMs: 30_000,
  dpdIntervalMs: 30_000,
  halfOpenTimeoutMs: 30_000,
  initErrorGraceMs: 2000,
  ikeLifetime: { rekeyMs: 4 * 3600_000, hardMs: 4.5 * 3600_000 },
  childLifetime: { rekeyMs: 3600_000, hardMs: 3960_000 },
  rekeyJitterMs: 60_000,
  errorNotifyIntervalMs: 1000,
});

/** Builds a timing config from defaults and overrides. */
export function timing(overrides: Partial<TimingConfig> = {}): TimingConfig {
  return Object.freeze({ ...DEFAULT_TIMING, ...overrides });
}

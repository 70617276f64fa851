/**
 * Configuration, events and outcomes of the EAP-AKA server (the HA as EAP authenticator with its AAA/AuC).
 */
import type { HeSqnState, SqnPolicy } from '../crypto/index.ts';
import type { AkaAttributeProblem } from './aka-rules.ts';
import type { SubscriberStore } from './subscriber.ts';

export interface EapAkaServerConfig {
  readonly store: SubscriberStore;
  /** Injected randomness: `n` random bytes (RAND, and the first Identifier unless `initialIdentifier` is set). */
  readonly random: (n: number) => Uint8Array;
  /**
   * The IKEv2 IDi. IKEv2 has no EAP-Response/Identity (RFC 7296 §2.16: the IDi stands in for it), so without an
   * AKA-Identity round this is the identity that goes into MK (RFC 4187 §7).
   */
  readonly ikeIdentity?: Uint8Array | string;
  /**
   * Start with EAP-Request/AKA-Identity carrying AT_PERMANENT_ID_REQ (RFC 4187 §4.1.4). Default: only when
   * `ikeIdentity` is not an EAP-AKA permanent identity. `false` cannot skip it for such an IDi (§4.1.4 "MUST").
   */
  readonly requestIdentity?: boolean;
  /** Synchronization-Failure rounds honoured per run before giving up (default 1; RFC 4187 sets no limit). */
  readonly maxResyncs?: number;
  /** Identifier of the first Request (0–255); by default random (RFC 3748 §4.1 recommends it). */
  readonly initialIdentifier?: number;
  readonly sqnPolicy?: SqnPolicy;
  /**
   * Run EAP-AKA′ (RFC 5448, type 50) instead of EAP-AKA, with KDF 1 and this access network name in
   * AT_KDF_INPUT (the input of CK′/IK′, TS 33.402 Annex A.2). Permanent identities then start with "6".
   */
  readonly akaPrime?: { readonly networkName: string };
}

/** Why a run ended in EAP-Failure. */
export type AkaServerFailureReason =
  | AkaAttributeProblem
  | 'INVALID_IDENTITY' // AT_IDENTITY is not a permanent identity (RFC 4187 §4.1.7)
  | 'UNKNOWN_SUBSCRIBER'
  | 'SQN_EXHAUSTED' // SEQ_HE reached SEQmax (TS 33.102 Annex C)
  | 'SQN_UNAVAILABLE' // the subscriber store could not record a new SQN durably (disk full): no vector is issued
  | 'MALFORMED_RESPONSE' // the AKA Type-Data did not parse (§6.3.2)
  | 'UNEXPECTED_SUBTYPE'
  | 'BAD_MAC'
  | 'BAD_RES'
  | 'BAD_CHECKCODE'
  | 'BAD_AUTS' // MAC-S of AT_AUTS did not verify (TS 33.102 §6.3.5)
  | 'TOO_MANY_RESYNCS'
  | 'AUTHENTICATION_REJECT' // the peer refused AUTN (§6.3.3 case 2)
  | 'CLIENT_ERROR' // §6.3.3 case 1
  | 'NAK'; // the peer does not do EAP-AKA (RFC 3748 §5.3.1)

export type AkaServerEvent =
  /** SQN_HE moved: a new vector ('vector') or a resynchronisation ('resync'); already given to the store. */
  | {
      readonly kind: 'sqn-updated';
      readonly imsi: string;
      readonly sqn: HeSqnState;
      readonly cause: 'vector' | 'resync';
    }
  | {
      readonly kind: 'success';
      readonly imsi: string;
      /** The identity that went into MK (AT_IDENTITY, or the IKE IDi). */
      readonly identity: Uint8Array;
      readonly msk: Uint8Array;
      readonly emsk: Uint8Array;
    }
  | { readonly kind: 'failure'; readonly reason: AkaServerFailureReason; readonly imsi?: string };

/** What one call produced: the EAP packet to send (a Request, EAP-Success or EAP-Failure) and events. */
export interface AkaServerStep {
  readonly send?: Uint8Array;
  readonly events: readonly AkaServerEvent[];
}

/**
 * 'idle': not started; 'identity': AKA-Identity outstanding; 'challenge': AKA-Challenge outstanding;
 * 'notification': a failure AKA-Notification outstanding; 'success' / 'failure': finished.
 */
export type AkaServerPhase = 'idle' | 'identity' | 'challenge' | 'notification' | 'success' | 'failure';

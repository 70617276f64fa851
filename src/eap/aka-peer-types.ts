/**
 * Configuration, events and outcomes of the EAP-AKA peer (the UE's USIM side, RFC 4187).
 */
import type { SqnPolicy, SqnRejectReason, UsimSqnState } from '../crypto/index.ts';
import type { AkaAttributeProblem } from './aka-rules.ts';

/** The permanent identity: given whole, or built as the root NAI from IMSI, MCC and MNC (TS 23.003 §19.3.2). */
export type AkaPeerIdentityConfig =
  | { readonly identity: string | Uint8Array }
  | { readonly imsi: string; readonly mcc: string; readonly mnc: string };

export type EapAkaPeerConfig = AkaPeerIdentityConfig & {
  /** USIM subscriber key K, 16 bytes. */
  readonly k: Uint8Array;
  /** USIM OPc, 16 bytes. */
  readonly opc: Uint8Array;
  /** SEQ_MS array as last persisted (TS 33.102 Annex C.2); updates come back as `usim-sqn-updated` events. */
  readonly usimSqnState: UsimSqnState;
  readonly sqnPolicy?: SqnPolicy;
  /**
   * The IKEv2 IDi, if it is not the permanent identity: MK uses it as long as no EAP identity has been sent
   * (RFC 7296 §2.16: the IDi stands in for EAP-Response/Identity; RFC 4187 §7).
   */
  readonly ikeIdentity?: string | Uint8Array;
  /**
   * Also answer EAP-AKA′ (RFC 5448, type 50), with KDF 1 and the network name of AT_KDF_INPUT. Off by default:
   * S2c authenticates with EAP-AKA (TS 33.402 §12), and without it an AKA′ request gets a Nak for EAP-AKA.
   */
  readonly akaPrime?: boolean;
};

/** Why the peer answered AKA-Client-Error (code 0, "unable to process packet"; RFC 4187 §6.3.1 list). */
export type AkaClientErrorCause =
  | AkaAttributeProblem
  | 'MALFORMED' // the AKA Type-Data did not parse
  | 'UNEXPECTED_SUBTYPE'
  | 'BAD_MAC'
  | 'BAD_CHECKCODE'
  | 'IDENTITY_REQUEST_RULES' // not exactly one id-req attribute, or §4.1.5 sequencing broken
  | 'TOO_MANY_IDENTITY_ROUNDS' // §4.1.5: at most three
  | 'NOTIFICATION_RULES'; // §6.1 / §9.10: second round, S/P bits, AT_MAC against the P bit

export type AkaPeerFailure =
  | { readonly reason: 'AUTN_REJECTED' } // sent AKA-Authentication-Reject (RFC 4187 §6.3.1)
  | { readonly reason: 'CLIENT_ERROR'; readonly cause: AkaClientErrorCause }
  | { readonly reason: 'FAILURE_NOTIFICATION'; readonly code: number } // AT_NOTIFICATION with S = 0 (§6.1)
  | { readonly reason: 'EAP_FAILURE' }; // EAP-Failure after our Challenge response (§6.3.3: decided outside AKA)

export type AkaPeerEvent =
  /** The USIM accepted an SQN: persist `state` (TS 33.102 C.2.2). */
  | { readonly kind: 'usim-sqn-updated'; readonly state: UsimSqnState }
  /** AUTN was authentic but its SQN was refused: AKA-Synchronization-Failure sent (RFC 4187 §6.3.1). */
  | { readonly kind: 'sync-failure'; readonly sqnReason: SqnRejectReason }
  /** EAP-Request/AKA-Notification code (RFC 4187 §6). */
  | { readonly kind: 'notification'; readonly code: number }
  /** Plain EAP-Request/Notification text (RFC 3748 §5.2). */
  | { readonly kind: 'eap-notification'; readonly message: Uint8Array }
  /** EAP-Success after a good Challenge round: the MSK goes to IKEv2 AUTH (RFC 7296 §2.16). */
  | {
      readonly kind: 'success';
      readonly msk: Uint8Array;
      readonly emsk: Uint8Array;
      /** The identity that went into MK. */
      readonly identity: Uint8Array;
    }
  | ({ readonly kind: 'failure' } & AkaPeerFailure);

/** What one received packet produced: the EAP-Response to send (if any) and events, in order. */
export interface AkaPeerStep {
  readonly send?: Uint8Array;
  readonly events: readonly AkaPeerEvent[];
}

/**
 * 'start': nothing method-specific yet; 'identity': answered AKA-Identity; 'challenge-answered': sent
 * EAP-Response/AKA-Challenge and waits for EAP-Success; 'success' / 'failure': finished.
 */
export type AkaPeerPhase = 'start' | 'identity' | 'challenge-answered' | 'success' | 'failure';

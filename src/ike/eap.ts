/**
 * The EAP methods are plugged in from outside (src/eap implements EAP-AKA; tests use a tiny fake). The engine only
 * carries EAP packets in EAP payloads (RFC 7296 §2.16, §3.16) and uses the MSK for the AUTH payloads.
 */
import { EapCode, EapType } from '../wire/eap/constants.ts';

export type EapPeerStep = {
  /** The EAP Response to send, if the request called for one. */
  readonly response?: Uint8Array;
  /** Set on EAP-Success (with the MSK) or EAP-Failure. */
  /** `msk` is absent for methods that derive none (EAP-MD5, EAP-GTC): AUTH then uses SK_pi/SK_pr (RFC 7296 §2.16). */
  readonly result?: { readonly ok: true; readonly msk?: Uint8Array } | { readonly ok: false };
};

/** The UE's EAP peer for one authentication round. */
export interface EapPeer {
  handle(eap: Uint8Array): EapPeerStep;
}

export type EapServerStep = {
  readonly request?: Uint8Array;
  readonly result?:
    | {
        readonly ok: true;
        /** Absent for methods that derive no key: AUTH then uses SK_pi/SK_pr (RFC 7296 §2.16). */
        readonly msk?: Uint8Array;
        /** The authenticated subscriber identity (e.g. the permanent NAI from the AAA). */
        readonly identity: string;
        /** The EAP-Success to send; built from the last response's Identifier when absent. */
        readonly eapSuccess?: Uint8Array;
      }
    | { readonly ok: false; readonly eapFailure: Uint8Array };
};

/** The HA's EAP authenticator for one round. */
export interface EapServer {
  start(): Uint8Array;
  handle(response: Uint8Array): EapServerStep;
}

/**
 * Creates the server of one round; `ikeIdentity` is the IDi of that round (RFC 4739 §2.1: each round has its own),
 * `round` counts from 0 (1 = the RFC 4739 second authentication).
 */
export type EapServerFactory = (context: { readonly ikeIdentity: string; readonly round: number }) => EapServer;

/**
 * The HA as a pass-through authenticator (RFC 3748 §2.3) in front of an AAA server outside the engine: each EAP
 * Response (and, to open a round, an EAP-Response/Identity made from IDi, RFC 3579 §2.1) goes out as an
 * `eap-pending` event; the node answers with `IkeResponder.completeEap`. The IKE response waits meanwhile.
 */
export interface ExternalEapAuthenticator {
  readonly kind: 'external';
  /**
   * How long one AAA round may take; then the round fails with reason `timeout`. Keep it inside the initiator's
   * retransmission budget (RFC 7296 §2.1), or the UE gives up before it hears the answer; the half-open lifetime
   * (§2.6) bounds the whole conversation in any case.
   */
  readonly timeoutMs: number;
}

/** What the AAA answered for one EAP Response (RFC 3579 Access-Challenge/Accept/Reject, RFC 4072 §2). */
export type EapAnswer =
  | { readonly kind: 'continue'; readonly eap: Uint8Array }
  | {
      readonly kind: 'success';
      readonly eap: Uint8Array;
      /** Absent for methods that derive none (a second round with EAP-MD5/GTC). */
      readonly msk?: Uint8Array;
      readonly identity?: string;
    }
  | { readonly kind: 'failure'; readonly reason: string; readonly detail?: string; readonly eap?: Uint8Array };

/** EAP-Response/Identity (RFC 3748 §5.1) with the round's IDi, as RADIUS/Diameter start a conversation with. */
export function eapIdentityResponse(identity: string, identifier = 0): Uint8Array {
  const id = new TextEncoder().encode(identity);
  const out = new Uint8Array(5 + id.length);
  out.set([EapCode.RESPONSE, identifier, out.length >> 8, out.length & 0xff, EapType.IDENTITY]);
  out.set(id, 5);
  return out;
}

/** EAP-Failure answering `response` (RFC 3748 §4.2). */
export function eapFailureFor(response: Uint8Array): Uint8Array {
  return Uint8Array.of(EapCode.FAILURE, response[1] ?? 0, 0, 4);
}

/** EAP-Success answering `response`: Code 3, the response's Identifier, Length 4 (RFC 3748 §4.2). */
export function eapSuccessFor(response: Uint8Array): Uint8Array {
  return Uint8Array.of(EapCode.SUCCESS, response[1] ?? 0, 0, 4);
}

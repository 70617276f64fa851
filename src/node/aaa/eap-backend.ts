/**
 * The boundary between the HA as an EAP pass-through authenticator (RFC 3748 §2.3, TS 24.303 §5.1.3.1: "EAP over
 * IKEv2 … to perform UE authentication with an AAA server") and the AAA server behind it. One implementation per
 * transport: the embedded AAA (subscriber store in this process), RADIUS (RFC 3579) and Diameter EAP (RFC 4072, as
 * S6b for S2c: TS 29.273 §9). The IKE responder forwards each EAP Response it receives and sends back what the AAA
 * answers; the MSK of a success keys the IKE AUTH payloads (RFC 7296 §2.16).
 */

/** Why an AAA conversation failed, for logs, metrics and the IKE notify (AUTHENTICATION_FAILED in every case). */
export type AaaFailureReason =
  | 'rejected' // Access-Reject / DIAMETER_AUTHENTICATION_REJECTED: the server said no
  | 'unknown-subscriber' // DIAMETER_ERROR_USER_UNKNOWN, or the embedded store has no such IMSI
  | 'timeout' // no answer from any server within the budget
  | 'no-server' // every configured server is down or unreachable
  | 'bad-answer' // an answer we could not use (malformed, no MSK on success, bad authenticator)
  | 'aborted'; // the session was ended while a round was in flight (UE gone, ASR, HA stopping)

/** One EAP message of one attach, with the context the AAA protocols carry beside it. */
export interface EapRoundRequest {
  /**
   * Stable for the whole conversation (both RFC 4739 rounds use their own): the HA's key for the AAA session.
   * Diameter maps it to one Session-Id; RADIUS keeps its State attribute under it.
   */
  readonly sessionKey: string;
  /** The NAI from IDi (RADIUS User-Name, Diameter User-Name). */
  readonly identity: string;
  /** The EAP packet from the UE (an EAP Response), whole. The first round may carry the EAP-Response/Identity. */
  readonly eap: Uint8Array;
  /** The UE's IKE source address and port as text (RADIUS Calling-Station-Id; logs). */
  readonly peerAddress: string;
  readonly peerPort: number;
  /** The APN the UE attaches to (Diameter Service-Selection), when known. */
  readonly apn?: string;
  /** 1 for the first authentication, 2 for the RFC 4739 second round. */
  readonly round: 1 | 2;
  /** When the IKE side stops waiting (absolute, monotonic ms): RADIUS stops retransmitting then. */
  readonly deadlineMs?: number;
}

export type EapRoundResult =
  /** Access-Challenge / DIAMETER_MULTI_ROUND_AUTH: send this EAP Request to the UE and wait for its answer. */
  | { readonly kind: 'continue'; readonly eap: Uint8Array }
  /** Access-Accept / DIAMETER_SUCCESS with the EAP-Success and the MSK (64 bytes for EAP-AKA). */
  | {
      readonly kind: 'success';
      readonly eap: Uint8Array;
      /**
       * Absent only in an RFC 4739 second round (`round: 2`) with a method that derives none (EAP-MD5/GTC): the
       * AUTHs then use SK_pi/SK_pr (RFC 7296 §2.16). A first round without an MSK is a `bad-answer`.
       */
      readonly msk?: Uint8Array;
      /** The authenticated identity the AAA returned (e.g. the permanent NAI), else the request's identity. */
      readonly identity?: string;
    }
  /** Access-Reject / failure Result-Code, a timeout or an unusable answer; `eap` is the EAP-Failure when sent. */
  | { readonly kind: 'failure'; readonly reason: AaaFailureReason; readonly detail: string; readonly eap?: Uint8Array };

export interface EapBackend {
  /** Forwards one EAP Response. Never rejects: every error becomes a `failure` with its reason. */
  exchange(request: EapRoundRequest): Promise<EapRoundResult>;
  /** The attach this session belongs to is over (detach, IKE SA deleted): Diameter sends STR; RADIUS forgets State. */
  endSession(sessionKey: string, cause: 'logout' | 'admin' | 'failure'): void;
  /** The AAA ended a session by itself (Diameter ASR): the HA detaches that UE. */
  onAbort(listener: (sessionKey: string) => void): void;
  /** Closes sockets and connections (Diameter DPR first). */
  close(): Promise<void>;
}

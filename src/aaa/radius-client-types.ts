/**
 * Configuration, inputs, outcomes and counters of the sans-I/O RADIUS client (radius-client.ts).
 */

/** Why a round failed; the same words as the HA's EapBackend boundary (src/node/aaa/eap-backend.ts). */
export type RadiusFailureReason = 'rejected' | 'timeout' | 'no-server' | 'bad-answer' | 'aborted';

export interface RadiusServerConfig {
  /** How the shell reaches it (e.g. "127.0.0.1:1812"); only echoed back in transmits and events. */
  readonly address: string;
  readonly secret: Uint8Array;
}

export interface RadiusClientConfig {
  /** In order of preference; the next one is tried when one does not answer (failover, RFC 5080 §2.2.1). */
  readonly servers: readonly RadiusServerConfig[];
  /** NAS-Identifier (RFC 2865 §5.32); at least it or a NAS address is sent (§4.1). */
  readonly nasIdentifier?: string;
  /** NAS-IP-Address or NAS-IPv6-Address as text (RFC 2865 §5.4, RFC 3162 §2.1). */
  readonly nasAddress?: string;
  /** First wait for an answer; doubled on each retransmission to the same server (RFC 5080 §2.2.1). */
  readonly initialTimeoutMs?: number;
  /** Transmissions to one server before moving on to the next. */
  readonly triesPerServer?: number;
  /** A server that did not answer is skipped for this long, unless every server is marked dead. */
  readonly deadTimeMs?: number;
  /** Random bytes (Request Authenticators, initial identifiers); injected so tests are reproducible. */
  readonly random: (n: number) => Uint8Array;
}

export interface RadiusRoundInput {
  /** The caller's key for the AAA session; State (RFC 2865 §5.24) is kept under it between rounds. */
  readonly sessionKey: string;
  /** The NAI, sent as User-Name (RFC 3579 §2.1). */
  readonly identity: string;
  /** The EAP Response to forward; empty means EAP-Start (an empty EAP-Message, RFC 3579 §2.1). */
  readonly eap: Uint8Array;
  /** Calling-Station-Id (RFC 2865 §5.31), e.g. "198.51.100.7[4500]" as strongSwan writes it. */
  readonly callingStationId?: string;
  /** Absolute time by which the round ends, answered or not (the IKE exchange's own budget). */
  readonly deadlineMs: number;
  /**
   * An Access-Accept without MS-MPPE keys is a success (an RFC 4739 second round with EAP-MD5/GTC derives no MSK);
   * otherwise it is a `bad-answer`, as a first round needs the MSK for its AUTH (RFC 7296 §2.16).
   */
  readonly keylessSuccess?: boolean;
}

export type RadiusOutcome =
  | { readonly kind: 'continue'; readonly eap: Uint8Array }
  | {
      readonly kind: 'success';
      readonly eap: Uint8Array;
      /**
       * MS-MPPE-Recv-Key ‖ MS-MPPE-Send-Key (RFC 3579 §3.1 practice, as hostapd and strongSwan use it); absent only
       * when the round allowed a keyless success.
       */
      readonly msk?: Uint8Array;
      readonly identity?: string;
      readonly sessionTimeoutSec?: number;
      readonly classes: readonly Uint8Array[];
    }
  | {
      readonly kind: 'failure';
      readonly reason: RadiusFailureReason;
      readonly detail: string;
      readonly eap?: Uint8Array;
    };

export type RadiusClientEvent =
  | { readonly kind: 'outcome'; readonly round: number; readonly outcome: RadiusOutcome }
  | { readonly kind: 'server-down'; readonly server: string }
  | { readonly kind: 'dropped'; readonly server: string; readonly why: RadiusDropReason };

export interface RadiusTransmit {
  readonly server: number;
  readonly address: string;
  readonly bytes: Uint8Array;
}

/** Why a received datagram was ignored (each is counted). */
export type RadiusDropReason =
  | 'malformed' // not a RADIUS packet, or attributes the codec rejects
  | 'unexpected' // no request of ours has that Identifier on that server (late, duplicate, spoofed)
  | 'bad-code' // not Access-Accept, -Reject or -Challenge
  | 'bad-authenticator' // Response Authenticator mismatch (RFC 2865 §3)
  | 'missing-message-authenticator' // BlastRADIUS (CVE-2024-3596): required on every response
  | 'bad-message-authenticator';

/** Plain numbers for metrics; the shell exports them. */
export interface RadiusClientCounters {
  requests: number;
  retransmissions: number;
  failovers: number;
  accepts: number;
  rejects: number;
  challenges: number;
  timeouts: number;
  drops: Record<RadiusDropReason, number>;
}

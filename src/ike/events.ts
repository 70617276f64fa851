/**
 * What the engine tells the node: datagrams to send and events (STYLE.md: installing an SA is an event the node
 * applies, never a call from a core).
 */
import type { IpAddress, Ipv4Address, Ipv6Address } from '../util/ip-address.ts';
import type { IkeHeader } from '../wire/ike/header.ts';
import type { IkePayload } from '../wire/ike/payload.ts';
import type { TrafficSelector } from '../wire/ike/traffic-selector.ts';
import type { HomePrefix } from './config-payload.ts';

/** The UDP 4-tuple of an IKE datagram, as the node saw it (inbound) or must use (outbound). */
export interface IkePath {
  readonly localAddr: IpAddress;
  readonly localPort: number;
  readonly remoteAddr: IpAddress;
  readonly remotePort: number;
}

/** One IKE message to send. On port 4500 the node prefixes the 4-byte non-ESP marker (RFC 3948 §2.2). */
export interface IkeTransmit extends IkePath {
  readonly bytes: Uint8Array;
  readonly nonEspMarker: boolean;
}

/** Encryption and integrity of an SA, by IANA transform ID (names for key files). */
export interface AlgorithmIds {
  readonly encrId: number;
  readonly encrKeyBits: number;
  /** Undefined with AES-GCM. */
  readonly integId: number | undefined;
}

export interface EspKeys {
  readonly encrKey: Uint8Array;
  readonly integKey: Uint8Array;
}

export interface ChildSaEvent extends AlgorithmIds {
  readonly kind: 'child-sa-established';
  readonly ikeSaId: number;
  /** SPI the node receives on (we chose it) and SPI it sends with (the peer chose it). */
  readonly spiIn: number;
  readonly spiOut: number;
  readonly mode: 'tunnel' | 'transport';
  readonly esn: boolean;
  readonly keysIn: EspKeys;
  readonly keysOut: EspKeys;
  readonly tsLocal: readonly TrafficSelector[];
  readonly tsRemote: readonly TrafficSelector[];
  /** ESP in UDP on port 4500 (RFC 3948) because a NAT was detected. */
  readonly udpEncapsulation: boolean;
  /** The inbound SPI of the Child SA this one replaces (rekey, RFC 7296 §2.8). */
  readonly rekeyOf: number | undefined;
  /** The mobile node's Home Address when the UE's selector names one address (RFC 4877 §7.3). */
  readonly homeAddress: Ipv6Address | undefined;
}

/**
 * The payloads inside the SK payload of a message this endpoint sealed or opened (RFC 7296 §3.14), for message
 * traces; only with `messageTrace` on (the payloads stay referenced until polled). Retransmissions are not repeated.
 */
export interface MessagePayloadsEvent {
  readonly kind: 'message-payloads';
  readonly ikeSaId: number;
  readonly direction: 'sent' | 'received';
  readonly header: IkeHeader;
  readonly payloads: readonly IkePayload[];
}

/** Keys of an IKE SA for Wireshark's ikev2_decryption_table (SPEC: PEERS.md key log). */
export interface KeyLogEvent extends AlgorithmIds {
  readonly kind: 'key-log';
  readonly ikeSaId: number;
  readonly spiI: Uint8Array;
  readonly spiR: Uint8Array;
  readonly skEi: Uint8Array;
  readonly skEr: Uint8Array;
  readonly skAi: Uint8Array;
  readonly skAr: Uint8Array;
}

export type IkeEvent =
  | {
      readonly kind: 'ike-sa-established';
      readonly ikeSaId: number;
      readonly spiI: Uint8Array;
      readonly spiR: Uint8Array;
      /** The peer's identity: IDi on the HA (and EAP identities), the HA's IDr on the UE. */
      readonly peerId: string;
      readonly eapIdentities: readonly string[];
      readonly path: IkePath;
    }
  | { readonly kind: 'ike-sa-rekeyed'; readonly ikeSaId: number; readonly spiI: Uint8Array; readonly spiR: Uint8Array }
  | { readonly kind: 'ike-sa-deleted'; readonly ikeSaId: number; readonly reason: string }
  /** The IKE SA never came up (no answer, refused proposal, failed authentication...). */
  | { readonly kind: 'ike-sa-failed'; readonly ikeSaId: number; readonly reason: string; readonly notifyType?: number }
  | { readonly kind: 'eap-success'; readonly ikeSaId: number; readonly round: number; readonly identity: string }
  | {
      readonly kind: 'auth-failed';
      readonly ikeSaId: number;
      readonly reason: string;
      /** Why the external AAA failed the round (`timeout`, `rejected`, ...), for logs and metrics. */
      readonly aaaReason?: string;
      readonly detail?: string;
    }
  /**
   * The EAP Response `eap` of round `round` (0-based; 1 = RFC 4739 second round) waits for the external AAA: answer
   * with `IkeResponder.completeEap(now, ikeSaId, token, answer)` before `deadline`, after which the round fails.
   */
  | {
      readonly kind: 'eap-pending';
      readonly ikeSaId: number;
      readonly round: number;
      readonly token: number;
      /** IDi of the round (the NAI). */
      readonly identity: string;
      readonly eap: Uint8Array;
      readonly deadline: number;
      readonly path: IkePath;
    }
  | {
      readonly kind: 'home-prefix-assigned';
      readonly ikeSaId: number;
      readonly homePrefix: HomePrefix;
      /** The UE's Home Address (formed from the prefix or assigned); the subscriber identity on the HA. */
      readonly homeAddress: Ipv6Address | undefined;
      readonly subscriber: string | undefined;
      readonly ipv6Dns: readonly Ipv6Address[];
      readonly ipv4Dns: readonly Ipv4Address[];
    }
  | {
      readonly kind: 'nat-detected';
      readonly ikeSaId: number;
      readonly localBehindNat: boolean;
      readonly remoteBehindNat: boolean;
      /** From now on IKE and ESP use UDP 4500 with the non-ESP marker and NAT keepalives (RFC 3948). */
      readonly path: IkePath;
    }
  | ChildSaEvent
  | {
      readonly kind: 'child-sa-deleted';
      readonly ikeSaId: number;
      readonly spiIn: number;
      readonly spiOut: number;
      readonly reason: string;
    }
  | {
      readonly kind: 'child-sa-failed';
      readonly ikeSaId: number;
      readonly reason: string;
      readonly notifyType?: number;
    }
  /** An error notification received (or sent as the answer to a bad request), surfaced for logs and policy. */
  | {
      readonly kind: 'error-notify';
      readonly ikeSaId: number | undefined;
      readonly notifyType: number;
      readonly exchangeType: number;
      readonly direction: 'received' | 'sent';
      /** Received outside the protection of an authenticated IKE SA (RFC 7296 §2.21.1, §2.21.4). */
      readonly unauthenticated: boolean;
    }
  | MessagePayloadsEvent
  | KeyLogEvent;

/** Counters of drops and notable events; never reset by the engine. */
export interface IkeCounters {
  received: number;
  sent: number;
  retransmitted: number;
  /** Requests answered from the response cache (RFC 7296 §2.1). */
  duplicateRequests: number;
  droppedMalformed: number;
  droppedIntegrity: number;
  droppedUnknownSpi: number;
  droppedMessageId: number;
  droppedUnexpected: number;
  droppedRateLimited: number;
  /** Retransmitted requests dropped because their response is still being worked out (an AAA round, §2.1). */
  droppedInProgress: number;
  /** AAA answers that came for an IKE SA or round that no longer waits for them (deleted, timed out). */
  eapAnswersDiscarded: number;
  cookiesSent: number;
  invalidCookies: number;
}

export function newCounters(): IkeCounters {
  return {
    received: 0,
    sent: 0,
    retransmitted: 0,
    duplicateRequests: 0,
    droppedMalformed: 0,
    droppedIntegrity: 0,
    droppedUnknownSpi: 0,
    droppedMessageId: 0,
    droppedUnexpected: 0,
    droppedRateLimited: 0,
    droppedInProgress: 0,
    eapAnswersDiscarded: 0,
    cookiesSent: 0,
    invalidCookies: 0,
  };
}

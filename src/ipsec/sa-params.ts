/**
 * The plain-data description of one ESP SA (RFC 4301 §4.4.2), as the IKE engine hands it over after
 * IKE_AUTH / CREATE_CHILD_SA (keys from KEYMAT, RFC 7296 §2.17). No functions, no state: the SAD turns it into
 * an `EspSa`.
 */
import type { IpAddress } from '../util/ip-address.ts';
import type { EspSelectors } from './selectors.ts';

export type EspDirection = 'inbound' | 'outbound';
export type EspMode = 'transport' | 'tunnel';

/** Soft and hard limits by bytes and packets (RFC 4301 §4.4.2.1); time limits belong to the IKE engine. */
export interface EspLifetimeLimits {
  readonly softBytes?: number;
  readonly hardBytes?: number;
  readonly softPackets?: number;
  readonly hardPackets?: number;
}

/** UDP encapsulation of ESP (RFC 3948 §2.1): the ports IKE uses after NAT detection, as seen from our side. */
export interface EspUdpEncap {
  readonly localPort: number;
  /** The peer's port as it reaches us: 4500, or what a NAT mapped it to (RFC 7296 §2.23). */
  readonly remotePort: number;
}

export interface EspSaParams {
  /** Non-zero; the receiver's choice (RFC 4303 §2.1). Inbound SAs are looked up by it. */
  readonly spi: number;
  readonly direction: EspDirection;
  readonly mode: EspMode;
  /** ENCR transform: 12 AES-CBC (RFC 3602) or 20 AES-GCM-16 (RFC 4106), key length 128/192/256 bits. */
  readonly encr: { readonly id: number; readonly keyLengthBits: number };
  /** INTEG transform (2 HMAC-SHA1-96, 12 HMAC-SHA2-256-128); required with CBC, absent or 0 with GCM. */
  readonly integ?: number;
  /** Encryption key; for GCM followed by the 4-byte salt (RFC 4106 §8.1). */
  readonly encrKey: Uint8Array;
  readonly integKey?: Uint8Array;
  /** Extended Sequence Numbers negotiated (IKEv2 transform type 5 = 1; RFC 4303 §2.2.1). Default false. */
  readonly esn?: boolean;
  /** Inbound: anti-replay window in packets (multiple of 32, default 128); 0 disables it (RFC 4303 §3.4.3). */
  readonly replayWindow?: number;
  readonly lifetime?: EspLifetimeLimits;
  /**
   * Outbound: the last sequence number already sent, to resume a counter kept across a restart (RFC 4303 §3.3.3,
   * manually keyed SAs). Default 0: the first packet carries 1.
   */
  readonly initialSequence?: number;
  /** Present when ESP travels in UDP (RFC 3948). */
  readonly udpEncap?: EspUdpEncap;
  /** Outer addresses (our IKE endpoint and the peer's): tunnel endpoints, and the key log's columns. */
  readonly localAddress?: IpAddress;
  readonly remoteAddress?: IpAddress;
  /** Negotiated traffic selectors; absent means "any" (e.g. a manually keyed SA). */
  readonly selectors?: EspSelectors;
}

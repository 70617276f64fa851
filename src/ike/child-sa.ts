/** Child SA records kept by an IKE SA, and the event that hands one to the node for installation. */
import type { ChildSaKeys } from '../crypto/ike-prf.ts';
import type { Ipv6Address } from '../util/ip-address.ts';
import type { TrafficSelector } from '../wire/ike/traffic-selector.ts';
import type { ChildSaEvent } from './events.ts';
import type { ChildSuite } from './proposal.ts';

export type ChildMode = 'tunnel' | 'transport';

export interface ChildSa {
  readonly spiIn: number;
  readonly spiOut: number;
  readonly mode: ChildMode;
  readonly suite: ChildSuite;
  /** Our side's selectors and the peer's, whatever role we had in the exchange. */
  readonly tsLocal: readonly TrafficSelector[];
  readonly tsRemote: readonly TrafficSelector[];
  readonly homeAddress: Ipv6Address | undefined;
  /** Soft and hard expiry (RFC 7296 §2.8); Infinity when not set. */
  rekeyAt: number;
  expireAt: number;
  /** `rekeying`: our rekey is in flight; `rekeyed`: replaced, waiting to be deleted; `deleting`: Delete sent. */
  state: 'installed' | 'rekeying' | 'rekeyed' | 'deleting';
  /** The peer rekeyed this SA while our own rekey was in flight (RFC 7296 §2.8.1): its new SA and nonces. */
  collision?: { readonly peerCreated: number; readonly nonces: readonly Uint8Array[] };
}

/** RFC 7296 §2.8.1 "lowest": octet by octet, and a nonce that ends first is the lower one. */
export function compareNonces(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

export function lowestNonce(nonces: readonly Uint8Array[]): Uint8Array {
  return nonces.reduce((lo, x) => (compareNonces(x, lo) < 0 ? x : lo));
}

/** What a Child SA exchange produced, before it is filed. */
export interface NewChild {
  readonly spiIn: number;
  readonly spiOut: number;
  readonly mode: ChildMode;
  readonly suite: ChildSuite;
  readonly keys: ChildSaKeys;
  /** True when we sent the request of the exchange that created it (its keys come first, RFC 7296 §2.17). */
  readonly exchangeInitiator: boolean;
  readonly tsLocal: readonly TrafficSelector[];
  readonly tsRemote: readonly TrafficSelector[];
  readonly homeAddress: Ipv6Address | undefined;
  readonly rekeyOf: number | undefined;
}

export function childEvent(ikeSaId: number, c: NewChild, udpEncapsulation: boolean): ChildSaEvent {
  const { initiatorToResponder: i2r, responderToInitiator: r2i } = c.keys;
  return {
    kind: 'child-sa-established',
    ikeSaId,
    spiIn: c.spiIn,
    spiOut: c.spiOut,
    mode: c.mode,
    esn: c.suite.esn,
    encrId: c.suite.encr.id,
    encrKeyBits: c.suite.encr.keyLengthBits,
    integId: c.suite.integ?.id,
    keysIn: c.exchangeInitiator ? r2i : i2r,
    keysOut: c.exchangeInitiator ? i2r : r2i,
    tsLocal: c.tsLocal,
    tsRemote: c.tsRemote,
    udpEncapsulation,
    rekeyOf: c.rekeyOf,
    homeAddress: c.homeAddress,
  };
}

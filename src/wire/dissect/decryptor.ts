import type { WireError } from '../../util/errors.ts';
import type { IpAddress } from '../../util/ip-address.ts';
import type { IkeHeader } from '../ike/header.ts';
import type { EncryptedFragmentPayload, EncryptedPayload } from '../ike/payload.ts';

/**
 * What the dissector asks of a key store to look inside IKEv2 Encrypted payloads and ESP packets. The wire layer
 * does no cryptography (STYLE.md layering): an implementation (src/obs/decrypt) finds the keys, checks the ICV
 * and decrypts; the dissector strips the padding and decodes what is inside.
 */

/** The IP header right around an ESP packet (outside the UDP header when UDP-encapsulated): what SAs match on. */
export interface EspOuterAddresses {
  readonly version: 4 | 6;
  readonly source: IpAddress;
  readonly destination: IpAddress;
}

/** The outcome of opening one encrypted item. Never an exception: every failure is a value the tree shows. */
export type Opened =
  | {
      readonly kind: 'decrypted';
      /** The key log's names for the algorithms (e.g. Wireshark's "AES-CBC-128 [RFC3602]"). */
      readonly encryption: string;
      readonly integrity: string;
      /** False for "no checking" integrity entries and NULL authentication: the bytes were not authenticated. */
      readonly integrityChecked: boolean;
      /**
       * The decrypted bytes with their padding still on: IKE payloads ‖ Padding ‖ Pad Length (RFC 7296 §3.14);
       * ESP Payload Data ‖ Padding ‖ Pad Length ‖ Next Header (RFC 4303 §2).
       */
      readonly plaintext: Uint8Array;
    }
  | { readonly kind: 'integrity-failed'; readonly encryption: string; readonly integrity: string }
  | { readonly kind: 'no-key'; readonly detail: string }
  /** The key log names an algorithm this implementation cannot run. */
  | { readonly kind: 'unsupported'; readonly algorithm: string }
  /**
   * The encrypted data cannot be split as the algorithm needs (too short for IV and ICV, ciphertext not whole
   * blocks). Offsets are relative to the buffer handed in (the IKE message or the ESP packet).
   */
  | { readonly kind: 'malformed'; readonly error: WireError };

export interface Decryptor {
  /**
   * The Encrypted (SK, RFC 7296 §3.14) or Encrypted Fragment (SKF, RFC 7383 §2.5) payload `encrypted`, the last
   * payload of `message` (one whole IKE message, without a non-ESP marker), whose header is `header`.
   */
  openIke(message: Uint8Array, header: IkeHeader, encrypted: EncryptedPayload | EncryptedFragmentPayload): Opened;
  /** One ESP packet, SPI through ICV (RFC 4303 §2); `outer` is absent when the packet was given on its own. */
  openEsp(packet: Uint8Array, outer: EspOuterAddresses | undefined): Opened;
}

/** How a decryption outcome reads in the tree: `status` first, then what the reader needs to act on it. */
export function describeOpened(o: Opened): Record<string, unknown> {
  switch (o.kind) {
    case 'decrypted':
      return {
        status: 'decrypted',
        encryption: o.encryption,
        integrity: o.integrity,
        icv: o.integrityChecked ? 'verified' : 'not checked',
      };
    case 'integrity-failed':
      return { status: 'integrity check failed', encryption: o.encryption, integrity: o.integrity };
    case 'no-key':
      return { status: 'no key', detail: o.detail };
    case 'unsupported':
      return { status: `algorithm ${o.algorithm} not supported` };
    case 'malformed':
      return { status: 'malformed', detail: o.error.detail };
  }
}

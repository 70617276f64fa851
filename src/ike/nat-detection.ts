/**
 * NAT_DETECTION_SOURCE_IP / NAT_DETECTION_DESTINATION_IP (RFC 7296 §2.23): SHA-1(SPIi ‖ SPIr ‖ IP ‖ port), with
 * the SPIs as in the IKE header (SPIr zero in the first request).
 */
import { createHash } from 'node:crypto';
import { bytesEqual } from '../util/hex.ts';
import type { IpAddress } from '../util/ip-address.ts';

export function natDetectionHash(spiI: Uint8Array, spiR: Uint8Array, address: IpAddress, port: number): Uint8Array {
  const portBytes = Uint8Array.of(port >>> 8, port & 0xff);
  const d = createHash('sha1').update(spiI).update(spiR).update(address.bytes).update(portBytes).digest();
  return new Uint8Array(d.buffer, d.byteOffset, d.length);
}

/** What the NAT-D payloads of a message say, from the receiver's point of view. */
export interface NatDetectionResult {
  /** Our address/port as seen by the peer differ from ours: we are behind a NAT. */
  readonly localBehindNat: boolean;
  /** None of the peer's source hashes matches the source we saw: the peer is behind a NAT. */
  readonly remoteBehindNat: boolean;
}

/**
 * Compares received hashes with the addresses the datagram actually carried (RFC 7296 §2.23): the DESTINATION
 * hash against our address and port, the SOURCE hashes (there may be several) against the peer's.
 */
export function checkNatDetection(
  spiI: Uint8Array,
  spiR: Uint8Array,
  sourceHashes: readonly Uint8Array[],
  destinationHash: Uint8Array,
  path: {
    readonly localAddr: IpAddress;
    readonly localPort: number;
    readonly remoteAddr: IpAddress;
    readonly remotePort: number;
  },
): NatDetectionResult {
  const local = natDetectionHash(spiI, spiR, path.localAddr, path.localPort);
  const remote = natDetectionHash(spiI, spiR, path.remoteAddr, path.remotePort);
  return {
    localBehindNat: !bytesEqual(local, destinationHash),
    remoteBehindNat: !sourceHashes.some((h) => bytesEqual(h, remote)),
  };
}

/** Pieces shared by the IKE_SA_INIT tasks of both roles and by the IKE rekey tasks. */
import { NotifyType } from '../../wire/ike/constants.ts';
import type { IkePayload, NotifyPayload } from '../../wire/ike/payload.ts';
import type { IkePath, KeyLogEvent } from '../events.ts';
import type { IkeSa } from '../ike-sa.ts';
import { checkNatDetection, type NatDetectionResult, natDetectionHash } from '../nat-detection.ts';
import { findNotify, findPayloads, notify } from '../payloads.ts';
import { parseSignatureHashData, SignatureHash, signatureHashData } from '../signature.ts';

/** Nonce bytes we send: 256 bits, at least half the PRF key size of every PRF we offer (RFC 7296 §2.10). */
export const NONCE_LENGTH = 32;
/** Nonce Data must be 16–256 bytes (RFC 7296 §3.9). */
export const MIN_NONCE = 16;
export const MAX_NONCE = 256;

export function validNonce(n: Uint8Array): boolean {
  return n.length >= MIN_NONCE && n.length <= MAX_NONCE;
}

/** The hashes we verify and sign with in RFC 7427 signatures, announced in IKE_SA_INIT (RFC 7427 §4). */
export const OUR_SIGNATURE_HASHES = [SignatureHash.SHA2_256, SignatureHash.SHA2_384, SignatureHash.SHA2_512];

export function signatureHashNotify(): NotifyPayload {
  return notify(NotifyType.SIGNATURE_HASH_ALGORITHMS, signatureHashData(OUR_SIGNATURE_HASHES));
}

/**
 * NAT_DETECTION_SOURCE_IP and _DESTINATION_IP for a message with these SPIs sent over `path` (RFC 7296 §2.23):
 * the source hash names our address and port, the destination hash the peer's.
 */
export function natDetectionNotifies(spiI: Uint8Array, spiR: Uint8Array, path: IkePath): NotifyPayload[] {
  return [
    notify(NotifyType.NAT_DETECTION_SOURCE_IP, natDetectionHash(spiI, spiR, path.localAddr, path.localPort)),
    notify(NotifyType.NAT_DETECTION_DESTINATION_IP, natDetectionHash(spiI, spiR, path.remoteAddr, path.remotePort)),
  ];
}

/** Reads the peer's NAT-D notifies; undefined when it sent none (no NAT-T support, RFC 7296 §2.23). */
export function readNatDetection(
  payloads: readonly IkePayload[],
  spiI: Uint8Array,
  spiR: Uint8Array,
  path: IkePath,
): NatDetectionResult | undefined {
  const sources = findPayloads(payloads, 'notify')
    .filter((n) => n.notifyType === NotifyType.NAT_DETECTION_SOURCE_IP)
    .map((n) => n.data);
  const destination = findNotify(payloads, NotifyType.NAT_DETECTION_DESTINATION_IP);
  if (sources.length === 0 || !destination) return undefined;
  return checkNatDetection(spiI, spiR, sources, destination.data, path);
}

/** Records what NAT-D found and, if a NAT is in the way, tells the node (RFC 7296 §2.23, RFC 3948). */
export function applyNatDetection(sa: IkeSa, nat: NatDetectionResult | undefined): void {
  if (!nat) return;
  sa.natLocal = nat.localBehindNat;
  sa.natRemote = nat.remoteBehindNat;
}

export function readPeerCapabilities(sa: IkeSa, payloads: readonly IkePayload[]): void {
  const hashes = findNotify(payloads, NotifyType.SIGNATURE_HASH_ALGORITHMS);
  if (hashes) sa.peerSignatureHashes = parseSignatureHashData(hashes.data);
  if (findNotify(payloads, NotifyType.MULTIPLE_AUTH_SUPPORTED)) sa.peerMultipleAuth = true;
}

/** The key-log event of an SA whose keys were just derived (for Wireshark's ikev2_decryption_table). */
export function keyLogEvent(sa: IkeSa): KeyLogEvent {
  const keys = sa.keys;
  const suite = sa.suite;
  if (!keys || !suite) throw new RangeError('no keys to log');
  return {
    kind: 'key-log',
    ikeSaId: sa.id,
    spiI: sa.spiI,
    spiR: sa.spiR,
    skEi: keys.skEi,
    skEr: keys.skEr,
    skAi: keys.skAi,
    skAr: keys.skAr,
    encrId: suite.encr.id,
    encrKeyBits: suite.encr.keyLengthBits,
    integId: suite.integ?.id,
  };
}

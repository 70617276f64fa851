import { WireError } from '../../util/errors.ts';
import { Reader } from '../../util/reader.ts';
import { encodeWith, type Writer } from '../../util/writer.ts';
import { emitPayloadChain, firstPayloadType, parsePayloadChain, payloadChainLength } from './chain.ts';
import { IKE_HEADER_LENGTH, IKE_MAJOR_VERSION } from './constants.ts';
import { decodeIkeHeader, emitIkeHeader, type IkeHeader } from './header.ts';
import type { IkePayload } from './payload.ts';

/** A whole IKE message (RFC 7296 §3.1): header + payload chain (SK contents stay encrypted here). */
export interface IkeMessage {
  readonly header: IkeHeader;
  readonly payloads: readonly IkePayload[];
}

/**
 * Decodes one IKE message (a UDP 500 payload, or a UDP 4500 payload after the non-ESP marker).
 * Length must equal the datagram (BAD_LENGTH). A major version other than 2 is BAD_VERSION: the payloads
 * of another version are not ours to read, and the caller answers INVALID_MAJOR_VERSION (RFC 7296 §2.5)
 * from `decodeIkeHeader`, which reads any version.
 */
export function decodeIkeMessage(bytes: Uint8Array): IkeMessage {
  const { header, firstPayload } = decodeIkeHeader(bytes);
  if (header.majorVersion !== IKE_MAJOR_VERSION) {
    throw new WireError('BAD_VERSION', 'ike', 17, `IKE major version ${header.majorVersion}`);
  }
  const r = new Reader(bytes, 'ike', IKE_HEADER_LENGTH, bytes.length);
  return { header, payloads: parsePayloadChain(firstPayload, r) };
}

export function ikeMessageLength(m: IkeMessage): number {
  return IKE_HEADER_LENGTH + payloadChainLength(m.payloads);
}

export function emitIkeMessage(m: IkeMessage, w: Writer): void {
  const length = ikeMessageLength(m);
  if (length > 0xffffffff) throw new RangeError('IKE message too long');
  emitIkeHeader(m.header, firstPayloadType(m.payloads), length, w);
  emitPayloadChain(m.payloads, w);
}

export function encodeIkeMessage(m: IkeMessage): Uint8Array {
  return encodeWith(m, ikeMessageLength, emitIkeMessage);
}

/**
 * Decodes the payloads found inside a decrypted SK payload (padding and Pad Length already removed, see
 * `stripIkePadding`). `firstPayload` is the SK payload's Next Payload. Error offsets are within `bytes`.
 */
export function decodeIkePayloads(firstPayload: number, bytes: Uint8Array): IkePayload[] {
  return parsePayloadChain(firstPayload, Reader.of(bytes, 'ike'));
}

/** Encodes payloads for encryption into an SK payload; the SK payload's `firstPayload` is `firstPayloadType`. */
export function encodeIkePayloads(payloads: readonly IkePayload[]): Uint8Array {
  return encodeWith(payloads, payloadChainLength, emitPayloadChain);
}

import { WireError } from '../../util/errors.ts';
import { Reader } from '../../util/reader.ts';
import type { Writer } from '../../util/writer.ts';
import { HeaderFlag, IKE_HEADER_LENGTH } from './constants.ts';

/**
 * The fixed IKE header (RFC 7296 §3.1, Figure 4), without the two fields the chain determines:
 * Next Payload (the first payload's type) and Length (the whole message).
 */
export interface IkeHeader {
  /** 8 bytes, non-zero (RFC 7296 §3.1); checked by the engine, not here. */
  readonly initiatorSpi: Uint8Array;
  /** 8 bytes, zero in the first IKE_SA_INIT request. */
  readonly responderSpi: Uint8Array;
  /** 2 for IKEv2. Other values are kept so the caller can answer INVALID_MAJOR_VERSION (RFC 7296 §2.5). */
  readonly majorVersion: number;
  /** Sent as 0, ignored on receipt (RFC 7296 §3.1); kept for display. */
  readonly minorVersion: number;
  readonly exchangeType: number;
  readonly response: boolean; // R
  /** V: sender speaks a higher major version; IKEv2 sends it clear and ignores it (RFC 7296 §3.1). */
  readonly higherVersion: boolean; // V
  readonly initiator: boolean; // I
  readonly messageId: number;
}

/** The header as it sits on the wire: the fields above plus the first payload type and the total length. */
export interface IkeHeaderFields {
  readonly header: IkeHeader;
  readonly firstPayload: number;
  readonly length: number;
}

const SPI_LENGTH = 8;

/**
 * Reads the 28-byte header. Length must cover at least the header (BAD_LENGTH); whether it matches the
 * datagram is the caller's check (`decodeIkeHeader`). The X flag bits are ignored (RFC 7296 §3.1).
 */
export function parseIkeHeader(r: Reader): IkeHeaderFields {
  const start = r.absoluteOffset;
  const initiatorSpi = r.bytes(SPI_LENGTH, 'initiator SPI');
  const responderSpi = r.bytes(SPI_LENGTH, 'responder SPI');
  const firstPayload = r.u8('next payload');
  const version = r.u8('version');
  const exchangeType = r.u8('exchange type');
  const flags = r.u8('flags');
  const messageId = r.u32('message ID');
  const length = r.u32('length');
  if (length < IKE_HEADER_LENGTH) {
    throw new WireError('BAD_LENGTH', 'ike', start + 24, `IKE length ${length} < header length 28`);
  }
  const header: IkeHeader = {
    initiatorSpi,
    responderSpi,
    majorVersion: version >>> 4,
    minorVersion: version & 0x0f,
    exchangeType,
    response: (flags & HeaderFlag.RESPONSE) !== 0,
    higherVersion: (flags & HeaderFlag.VERSION) !== 0,
    initiator: (flags & HeaderFlag.INITIATOR) !== 0,
    messageId,
  };
  return { header, firstPayload, length };
}

export function emitIkeHeader(h: IkeHeader, firstPayload: number, length: number, w: Writer): void {
  if (h.initiatorSpi.length !== SPI_LENGTH || h.responderSpi.length !== SPI_LENGTH) {
    throw new RangeError('IKE SPIs are 8 bytes');
  }
  if (h.majorVersion >>> 4 !== 0 || h.minorVersion >>> 4 !== 0) throw new RangeError('IKE version nibbles are 0..15');
  let flags = 0;
  if (h.response) flags |= HeaderFlag.RESPONSE;
  if (h.higherVersion) flags |= HeaderFlag.VERSION;
  if (h.initiator) flags |= HeaderFlag.INITIATOR;
  w.bytes(h.initiatorSpi).bytes(h.responderSpi);
  w.u8(firstPayload)
    .u8((h.majorVersion << 4) | h.minorVersion)
    .u8(h.exchangeType)
    .u8(flags);
  w.u32(h.messageId).u32(length);
}

/**
 * Reads only the header of a datagram (UDP 500, or UDP 4500 after the non-ESP marker) and checks that
 * Length equals the datagram size (RFC 7296 §3.1: one IKE message per datagram). Works for any major
 * version, so a responder can build INVALID_MAJOR_VERSION from it (RFC 7296 §2.5).
 */
export function decodeIkeHeader(bytes: Uint8Array): IkeHeaderFields {
  const r = Reader.of(bytes, 'ike');
  const fields = parseIkeHeader(r);
  if (fields.length !== bytes.length) {
    throw new WireError('BAD_LENGTH', 'ike', 24, `IKE length ${fields.length} != datagram length ${bytes.length}`);
  }
  return fields;
}

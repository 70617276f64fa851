/**
 * Diameter messages (RFC 6733 §3):
 *
 *    0                   1                   2                   3
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |    Version    |                 Message Length                |
 *   | command flags |                  Command Code                 |
 *   |                         Application-ID                        |
 *   |                      Hop-by-Hop Identifier                    |
 *   |                      End-to-End Identifier                    |
 *   |  AVPs ...
 *
 * Message Length counts the header and every AVP with its padding, so it is a multiple of 4.
 */
import { WireError, type WireErrorCode } from '../../util/errors.ts';
import { Reader } from '../../util/reader.ts';
import { encodeWith, type Writer } from '../../util/writer.ts';
import { type Avp, avpsLength, emitAvps, parseAvps } from './avp.ts';
import { CommandFlag, DIAMETER_HEADER_LENGTH, DIAMETER_VERSION } from './constants.ts';

export interface DiameterMessage {
  /** R, P, E, T and the four reserved bits as received (RFC 6733 §3). */
  readonly flags: number;
  readonly commandCode: number;
  readonly applicationId: number;
  readonly hopByHop: number;
  readonly endToEnd: number;
  readonly avps: readonly Avp[];
}

export function isRequest(m: DiameterMessage): boolean {
  return (m.flags & CommandFlag.REQUEST) !== 0;
}

export function isError(m: DiameterMessage): boolean {
  return (m.flags & CommandFlag.ERROR) !== 0;
}

export function diameterLength(m: DiameterMessage): number {
  return DIAMETER_HEADER_LENGTH + avpsLength(m.avps);
}

export function emitDiameter(m: DiameterMessage, w: Writer): void {
  w.u8(DIAMETER_VERSION).u24(diameterLength(m));
  w.u8(m.flags).u24(m.commandCode).u32(m.applicationId).u32(m.hopByHop).u32(m.endToEnd);
  emitAvps(m.avps, w);
}

export function encodeDiameter(m: DiameterMessage): Uint8Array {
  return encodeWith(m, diameterLength, emitDiameter);
}

/**
 * Reads Version and Message Length of a header (the stream reassembler's view). Version ≠ 1 is BAD_VERSION; a
 * length below the header or not a multiple of 4 is BAD_LENGTH (RFC 6733 §3).
 */
export function peekDiameterLength(r: Reader): number {
  const start = r.absoluteOffset;
  const version = r.u8('Version');
  if (version !== DIAMETER_VERSION) failAt('BAD_VERSION', `Diameter version ${version}, must be 1`, start);
  const length = r.u24('Message Length');
  if (length < DIAMETER_HEADER_LENGTH || length % 4 !== 0) {
    failAt('BAD_LENGTH', `Message Length ${length} is below 20 or not a multiple of 4`, start + 1);
  }
  return length;
}

/** Parses one message and consumes exactly Message Length bytes. E set on a request is BAD_VALUE (§3). */
export function parseDiameter(r: Reader): DiameterMessage {
  const start = r.absoluteOffset;
  const length = peekDiameterLength(r);
  if (length - 4 > r.remaining) failAt('TRUNCATED', `Message Length ${length} exceeds the bytes received`, start + 1);
  const flags = r.u8('command flags');
  if ((flags & CommandFlag.REQUEST) !== 0 && (flags & CommandFlag.ERROR) !== 0) {
    failAt('BAD_VALUE', 'E bit set on a request', start + 4);
  }
  const commandCode = r.u24('Command Code');
  const applicationId = r.u32('Application-ID');
  const hopByHop = r.u32('Hop-by-Hop Identifier');
  const endToEnd = r.u32('End-to-End Identifier');
  const avps = parseAvps(r.sub(length - DIAMETER_HEADER_LENGTH, 'AVPs'));
  return { flags, commandCode, applicationId, hopByHop, endToEnd, avps };
}

/** Decodes a buffer holding exactly one message. */
export function decodeDiameter(bytes: Uint8Array): DiameterMessage {
  const r = Reader.of(bytes, 'diameter');
  const m = parseDiameter(r);
  r.expectEnd('Diameter message');
  return m;
}

/** A WireError at an absolute offset (Reader.fail takes an index into its own buffer). */
export function failAt(code: WireErrorCode, detail: string, offset: number): never {
  throw new WireError(code, 'diameter', offset, detail);
}

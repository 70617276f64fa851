/**
 * EAP packets (RFC 3748 §4): Code(1) | Identifier(1) | Length(2) | Data; Requests and Responses start
 * their Data with a Type octet (§4.1), Success and Failure carry no Data at all (§4.2).
 * EAP-AKA and EAP-AKA' Type-Data is decoded into `AkaBody` (RFC 4187 §8.1, RFC 5448 §3).
 */
import { WireError } from '../../util/errors.ts';
import { Reader } from '../../util/reader.ts';
import { encodeWith, type Writer } from '../../util/writer.ts';
import { type AkaBody, akaBodyLength, emitAkaBody, parseAkaBody } from './aka.ts';
import { EAP_HEADER_LENGTH, EAP_REQUEST_HEADER_LENGTH, EapCode, EapType } from './constants.ts';

/** The Type and Type-Data of a Request or Response. */
export type EapBody =
  /** Type 1 (RFC 3748 §5.1): in a Response the peer's identity (not NUL-terminated); in a Request an optional prompt. */
  | { readonly kind: 'identity'; readonly identity: Uint8Array }
  /** Type 2 (RFC 3748 §5.2): a displayable UTF-8 message in a Request; empty in the Response. */
  | { readonly kind: 'notification'; readonly message: Uint8Array }
  /** Type 3, legacy Nak (RFC 3748 §5.3.1): one or more desired Types; 0 = no viable alternative. */
  | { readonly kind: 'nak'; readonly desiredTypes: readonly number[] }
  /** Type 23 (EAP-AKA) or 50 (EAP-AKA'). */
  | ({ readonly kind: 'aka'; readonly type: typeof EapType.AKA | typeof EapType.AKA_PRIME } & AkaBody)
  /** Any other Type (including Expanded Types, 254); `data` is the Type-Data, re-encoded byte for byte. */
  | { readonly kind: 'unknown'; readonly type: number; readonly data: Uint8Array };

export interface EapRequest {
  readonly kind: 'request';
  readonly identifier: number;
  readonly body: EapBody;
}

export interface EapResponse {
  readonly kind: 'response';
  readonly identifier: number;
  readonly body: EapBody;
}

export interface EapSuccess {
  readonly kind: 'success';
  readonly identifier: number;
}

export interface EapFailure {
  readonly kind: 'failure';
  readonly identifier: number;
}

export type EapPacket = EapRequest | EapResponse | EapSuccess | EapFailure;

const CODE_OF_KIND = {
  request: EapCode.REQUEST,
  response: EapCode.RESPONSE,
  success: EapCode.SUCCESS,
  failure: EapCode.FAILURE,
};

/**
 * Parses one EAP packet and consumes exactly Length bytes of `r`.
 * Length < 4, Success/Failure with Length ≠ 4, and Request/Response without a Type are BAD_LENGTH;
 * Length beyond the buffer is TRUNCATED (RFC 3748 §4: "MUST be silently discarded").
 */
export function parseEap(r: Reader): EapPacket {
  const start = r.absoluteOffset;
  const code = r.u8('code');
  const identifier = r.u8('identifier');
  const length = r.u16('length');
  // RFC 3748 §4: codes other than 1–4 MUST be silently discarded.
  if (code < EapCode.REQUEST || code > EapCode.FAILURE) fail(r, 'BAD_VALUE', start, `unknown EAP code ${code}`);
  if (length < EAP_HEADER_LENGTH) fail(r, 'BAD_LENGTH', start + 2, `Length ${length} is shorter than the header`);
  if (length - EAP_HEADER_LENGTH > r.remaining) {
    fail(r, 'TRUNCATED', start + 2, `Length ${length} exceeds the ${r.remaining + EAP_HEADER_LENGTH} bytes received`);
  }
  if (code === EapCode.SUCCESS || code === EapCode.FAILURE) {
    const kind = code === EapCode.SUCCESS ? 'success' : 'failure';
    // RFC 3748 §4.2: Length is 4; "Success and Failure packets MUST NOT contain additional data".
    if (length !== EAP_HEADER_LENGTH) fail(r, 'BAD_LENGTH', start + 2, `${kind} with Length ${length}, must be 4`);
    return { kind, identifier };
  }
  const kind = code === EapCode.REQUEST ? 'request' : 'response';
  // RFC 3748 §4.1: "A single Type MUST be specified for each EAP Request or Response."
  if (length < EAP_REQUEST_HEADER_LENGTH) fail(r, 'BAD_LENGTH', start + 2, `${kind} with Length ${length} has no Type`);
  const type = r.u8('type');
  const data = r.sub(length - EAP_REQUEST_HEADER_LENGTH, 'type-data');
  return { kind, identifier, body: parseEapBody(type, data, start + 2) };
}

function parseEapBody(type: number, r: Reader, lengthAt: number): EapBody {
  switch (type) {
    case EapType.IDENTITY:
      return { kind: 'identity', identity: r.bytesCopy(r.remaining, 'identity') };
    case EapType.NOTIFICATION:
      return { kind: 'notification', message: r.bytesCopy(r.remaining, 'message') };
    case EapType.NAK: {
      // RFC 3748 §5.3.1: Length >= 6, i.e. at least one desired Type.
      if (r.remaining === 0) fail(r, 'BAD_LENGTH', lengthAt, 'Nak without a desired Type');
      return { kind: 'nak', desiredTypes: Array.from(r.rest()) };
    }
    case EapType.AKA:
    case EapType.AKA_PRIME:
      return { kind: 'aka', type, ...parseAkaBody(r.sub(r.remaining, 'aka', 'eap-aka')) };
    default:
      return { kind: 'unknown', type, data: r.bytesCopy(r.remaining, 'type-data') };
  }
}

export function eapLength(v: EapPacket): number {
  if (v.kind === 'success' || v.kind === 'failure') return EAP_HEADER_LENGTH;
  return EAP_REQUEST_HEADER_LENGTH + eapBodyLength(v.body);
}

function eapBodyLength(b: EapBody): number {
  switch (b.kind) {
    case 'identity':
      return b.identity.length;
    case 'notification':
      return b.message.length;
    case 'nak':
      return b.desiredTypes.length;
    case 'aka':
      return akaBodyLength(b);
    case 'unknown':
      return b.data.length;
  }
}

export function emitEap(v: EapPacket, w: Writer): void {
  const length = eapLength(v);
  if (length > 0xffff) throw new RangeError(`EAP packet of ${length} bytes does not fit the Length field`);
  checkU8(v.identifier, 'identifier');
  w.u8(CODE_OF_KIND[v.kind]).u8(v.identifier).u16(length);
  if (v.kind === 'success' || v.kind === 'failure') return;
  const b = v.body;
  switch (b.kind) {
    case 'identity':
      w.u8(EapType.IDENTITY).bytes(b.identity);
      return;
    case 'notification':
      w.u8(EapType.NOTIFICATION).bytes(b.message);
      return;
    case 'nak':
      if (b.desiredTypes.length === 0) throw new RangeError('Nak needs at least one desired Type');
      w.u8(EapType.NAK);
      for (const t of b.desiredTypes) w.u8(checkU8(t, 'desired Type'));
      return;
    case 'aka':
      w.u8(b.type);
      emitAkaBody(b, w);
      return;
    case 'unknown':
      w.u8(checkU8(b.type, 'type')).bytes(b.data);
      return;
  }
}

/** Decodes an EAP packet; bytes after Length are link-layer padding and ignored (RFC 3748 §4). */
export function decodeEap(bytes: Uint8Array): EapPacket {
  return parseEap(Reader.of(bytes, 'eap'));
}

export function encodeEap(v: EapPacket): Uint8Array {
  return encodeWith(v, eapLength, emitEap);
}

function fail(r: Reader, code: 'BAD_LENGTH' | 'BAD_VALUE' | 'TRUNCATED', at: number, detail: string): never {
  throw new WireError(code, r.layer, at, detail);
}

function checkU8(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 255) throw new RangeError(`${what}: ${v} is not an octet`);
  return v;
}

import { WireError } from '../../util/errors.ts';
import type { Reader } from '../../util/reader.ts';
import type { Writer } from '../../util/writer.ts';
import {
  ATTRIBUTE_FORMAT_TV,
  LAST_SUBSTRUCTURE,
  MORE_PROPOSALS,
  MORE_TRANSFORMS,
  TransformAttributeType,
} from './constants.ts';

/**
 * Security Association payload body (RFC 7296 §3.3): proposals → transforms → attributes.
 * The "Last Substruc", length and count fields are derived from the lists when emitting and checked
 * against them when parsing.
 */

/** Transform attribute (RFC 7296 §3.3.5). Key Length is the only defined one; others round-trip. */
export type TransformAttribute =
  | { readonly kind: 'key-length'; readonly bits: number }
  /** TV: 2-byte value in place of the length; TLV: a length-prefixed value. `type` excludes the AF bit. */
  | { readonly kind: 'unknown'; readonly type: number; readonly format: 'tv' | 'tlv'; readonly data: Uint8Array };

export interface Transform {
  readonly type: number;
  readonly id: number;
  readonly attributes: readonly TransformAttribute[];
}

export interface Proposal {
  /** Proposal Num: 1, 2, … in an offer; the chosen number in a reply (RFC 7296 §3.3.1). */
  readonly number: number;
  readonly protocolId: number;
  /** Empty for the initial IKE SA, 8 bytes for IKE rekey, 4 for ESP/AH. */
  readonly spi: Uint8Array;
  readonly transforms: readonly Transform[];
}

const PROPOSAL_HEADER_LENGTH = 8;
const TRANSFORM_HEADER_LENGTH = 8;

/** A transform with an optional Key Length attribute (RFC 7296 §3.3.5: required for AES-CBC/CTR/GCM). */
export function transform(type: number, id: number, keyLengthBits?: number): Transform {
  return { type, id, attributes: keyLengthBits === undefined ? [] : [{ kind: 'key-length', bits: keyLengthBits }] };
}

/** The Key Length attribute of a transform, if present. */
export function transformKeyLength(t: Transform): number | undefined {
  for (const a of t.attributes) if (a.kind === 'key-length') return a.bits;
  return undefined;
}

function parseAttributes(r: Reader): TransformAttribute[] {
  const out: TransformAttribute[] = [];
  while (!r.atEnd()) {
    const typeField = r.u16('attribute type');
    const type = typeField & ~ATTRIBUTE_FORMAT_TV;
    if (typeField & ATTRIBUTE_FORMAT_TV) {
      if (type === TransformAttributeType.KEY_LENGTH) out.push({ kind: 'key-length', bits: r.u16('key length') });
      else out.push({ kind: 'unknown', type, format: 'tv', data: r.bytes(2, 'TV attribute value') });
    } else {
      const length = r.u16('attribute length');
      out.push({ kind: 'unknown', type, format: 'tlv', data: r.bytes(length, 'TLV attribute value') });
    }
  }
  return out;
}

function attributeLength(a: TransformAttribute): number {
  return a.kind === 'unknown' && a.format === 'tlv' ? 4 + a.data.length : 4;
}

function emitAttribute(a: TransformAttribute, w: Writer): void {
  if (a.kind === 'key-length') {
    w.u16(ATTRIBUTE_FORMAT_TV | TransformAttributeType.KEY_LENGTH).u16(a.bits);
  } else if (a.format === 'tv') {
    if (a.data.length !== 2) throw new RangeError('a TV transform attribute carries exactly 2 bytes');
    w.u16(ATTRIBUTE_FORMAT_TV | a.type).bytes(a.data);
  } else {
    w.u16(a.type).u16(a.data.length).bytes(a.data);
  }
}

function transformLength(t: Transform): number {
  let n = TRANSFORM_HEADER_LENGTH;
  for (const a of t.attributes) n += attributeLength(a);
  return n;
}

function proposalLength(p: Proposal): number {
  let n = PROPOSAL_HEADER_LENGTH + p.spi.length;
  for (const t of p.transforms) n += transformLength(t);
  return n;
}

interface Substructure {
  readonly body: Reader;
  readonly last: number;
  readonly at: number;
}

/** Reads one substructure header (Last Substruc, reserved, length) and returns a reader over its body. */
function substructure(r: Reader, headerLength: number, what: string): Substructure {
  const at = r.absoluteOffset;
  const last = r.u8(`${what} last substruc`);
  r.skipBytes(1);
  const length = r.u16(`${what} length`);
  if (length < headerLength) {
    throw new WireError('BAD_LENGTH', r.layer, at + 2, `${what} length ${length} < ${headerLength}`);
  }
  if (length - 4 > r.remaining) {
    throw new WireError('BAD_LENGTH', r.layer, at + 2, `${what} length ${length} overruns its container`);
  }
  return { body: r.sub(length - 4, what), last, at };
}

/**
 * Last Substruc must be 0 exactly when nothing follows in the container (RFC 7296 §3.3.1, §3.3.2). Checked
 * after the body so that a wrong length is reported as such rather than as a misplaced marker.
 */
function checkLast(r: Reader, s: Substructure, more: number, what: string): void {
  if (s.last !== (r.atEnd() ? LAST_SUBSTRUCTURE : more)) {
    throw new WireError('BAD_VALUE', r.layer, s.at, `${what} last-substruc ${s.last} inconsistent with its position`);
  }
}

function parseTransform(r: Reader): Transform {
  const s = substructure(r, TRANSFORM_HEADER_LENGTH, 'transform');
  const body = s.body;
  const type = body.u8('transform type');
  body.skipBytes(1);
  const id = body.u16('transform ID');
  const attributes = parseAttributes(body);
  checkLast(r, s, MORE_TRANSFORMS, 'transform');
  return { type, id, attributes };
}

function parseProposal(r: Reader): Proposal {
  const s = substructure(r, PROPOSAL_HEADER_LENGTH, 'proposal');
  const body = s.body;
  const number = body.u8('proposal number');
  const protocolId = body.u8('protocol ID');
  const spiSize = body.u8('SPI size');
  const count = body.u8('number of transforms');
  const spi = body.bytes(spiSize, 'proposal SPI');
  const transforms: Transform[] = [];
  while (!body.atEnd()) transforms.push(parseTransform(body));
  if (transforms.length !== count) {
    throw new WireError(
      'BAD_LENGTH',
      r.layer,
      s.at + 7,
      `proposal says ${count} transforms, carries ${transforms.length}`,
    );
  }
  checkLast(r, s, MORE_PROPOSALS, 'proposal');
  return { number, protocolId, spi, transforms };
}

/** SA payload body: a list of proposals filling the payload (RFC 7296 §3.3). */
export function parseSaBody(r: Reader): Proposal[] {
  const proposals: Proposal[] = [];
  while (!r.atEnd()) proposals.push(parseProposal(r));
  return proposals;
}

export function saBodyLength(proposals: readonly Proposal[]): number {
  let n = 0;
  for (const p of proposals) n += proposalLength(p);
  return n;
}

export function emitSaBody(proposals: readonly Proposal[], w: Writer): void {
  for (let i = 0; i < proposals.length; i++) {
    const p = proposals[i]!;
    if (p.spi.length > 255 || p.transforms.length > 255) throw new RangeError('proposal SPI or transform count > 255');
    w.u8(i === proposals.length - 1 ? LAST_SUBSTRUCTURE : MORE_PROPOSALS)
      .u8(0)
      .u16(proposalLength(p));
    w.u8(p.number).u8(p.protocolId).u8(p.spi.length).u8(p.transforms.length).bytes(p.spi);
    for (let j = 0; j < p.transforms.length; j++) {
      const t = p.transforms[j]!;
      w.u8(j === p.transforms.length - 1 ? LAST_SUBSTRUCTURE : MORE_TRANSFORMS)
        .u8(0)
        .u16(transformLength(t));
      w.u8(t.type).u8(0).u16(t.id);
      for (const a of t.attributes) emitAttribute(a, w);
    }
  }
}

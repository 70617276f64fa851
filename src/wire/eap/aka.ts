/**
 * The EAP-AKA / EAP-AKA' Type-Data: Subtype(1) | Reserved(2) | attributes (RFC 4187 §8.1; RFC 5448 §3 reuses it).
 */
import type { Reader } from '../../util/reader.ts';
import type { Writer } from '../../util/writer.ts';
import { type AkaAttribute, akaAttributesLength, emitAkaAttributes, parseAkaAttributes } from './aka-attributes.ts';
import { AKA_HEADER_LENGTH, isSkippableAkaAttribute } from './constants.ts';

export interface AkaBody {
  /** `AkaSubtype` value; unknown subtypes are kept as numbers. */
  readonly subtype: number;
  /** In wire order; the order is insignificant to the protocol (RFC 4187 §8.1) but kept for the MAC. */
  readonly attributes: readonly AkaAttribute[];
}

/** Parses the Type-Data that follows an EAP Type of 23 or 50; `r` must end where the EAP packet ends. */
export function parseAkaBody(r: Reader): AkaBody {
  const subtype = r.u8('subtype');
  r.skipBytes(2, 'reserved'); // RFC 4187 §8.1 reserved field; not part of any rule on reception
  return { subtype, attributes: parseAkaAttributes(r) };
}

export function emitAkaBody(v: AkaBody, w: Writer): void {
  if (!Number.isInteger(v.subtype) || v.subtype < 0 || v.subtype > 255) throw new RangeError(`subtype ${v.subtype}`);
  w.u8(v.subtype).u16(0);
  emitAkaAttributes(v.attributes, w);
}

export function akaBodyLength(v: AkaBody): number {
  return AKA_HEADER_LENGTH + akaAttributesLength(v.attributes);
}

/** The first attribute of `kind`, typed (e.g. `findAkaAttribute(body.attributes, 'rand')?.rand`). */
export function findAkaAttribute<K extends AkaAttribute['kind']>(
  attributes: readonly AkaAttribute[],
  kind: K,
): Extract<AkaAttribute, { kind: K }> | undefined {
  for (const a of attributes) if (a.kind === kind) return a as Extract<AkaAttribute, { kind: K }>;
  return undefined;
}

/** Types of unknown non-skippable attributes: a peer answers these with AKA-Client-Error (RFC 4187 §8.1). */
export function unknownNonSkippableAkaAttributes(attributes: readonly AkaAttribute[]): number[] {
  const out: number[] = [];
  for (const a of attributes) if (a.kind === 'unknown' && !isSkippableAkaAttribute(a.type)) out.push(a.type);
  return out;
}

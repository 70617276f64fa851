/**
 * The mobility options area of a message (RFC 6275 §6.2): options in any order, Pad1/PadN between them
 * for alignment, and padding at the end so the whole MH is a multiple of 8 octets (§6.1.1).
 * Pad1/PadN are framing: parsed and checked, never returned; the emitter inserts its own.
 */
import { WireError } from '../../util/errors.ts';
import type { Reader } from '../../util/reader.ts';
import type { Writer } from '../../util/writer.ts';
import { optionAlignment, paddingBefore } from './alignment.ts';
import { MH_UNIT_OCTETS, MobilityOptionType } from './constants.ts';
import { emitMobilityOption, type MobilityOption, mobilityOptionLength, parseOptionData } from './options.ts';

/**
 * Parses the options in `b[start, end)`; `base` is the absolute offset of `b[0]` for errors.
 * Every iteration consumes at least one octet, so zero lengths cannot loop.
 */
export function parseOptionsArea(b: Uint8Array, start: number, end: number, base: number): MobilityOption[] {
  const out: MobilityOption[] = [];
  let p = start;
  while (p < end) {
    const type = b[p]!;
    if (type === MobilityOptionType.PAD1) {
      p++; // RFC 6275 §6.2.2: a single octet with no Length
      continue;
    }
    if (end - p < 2) throw new WireError('BAD_LENGTH', 'mh', base + p, `option ${type}: Length octet beyond the MH`);
    const len = b[p + 1]!;
    const next = p + 2 + len;
    if (next > end) {
      throw new WireError('BAD_LENGTH', 'mh', base + p + 1, `option ${type}: ${len} data octets overrun the MH`);
    }
    // RFC 6275 §6.2.3: PadN data "MUST be ignored by the receiver", so non-zero padding is accepted.
    if (type !== MobilityOptionType.PADN) out.push(parseOptionData(type, b, p + 2, len, base + p));
    p = next;
  }
  return out;
}

/** Convention-shaped entry point: parses the options in the rest of `r`. */
export function parseMobilityOptions(r: Reader): MobilityOption[] {
  const at = r.absoluteOffset;
  const area = r.rest();
  return parseOptionsArea(area, 0, area.length, at);
}

function checkAuthorizationDataLast(options: readonly MobilityOption[], i: number, endOffset: number): void {
  // RFC 6275 §6.2: Binding Authorization Data "MUST be the last option and MUST NOT have trailing padding".
  if (i !== options.length - 1) throw new RangeError('binding-authorization-data must be the last mobility option');
  if (endOffset % MH_UNIT_OCTETS !== 0) {
    throw new RangeError('binding-authorization-data length would need trailing padding (authenticator ≢ 4 mod 8)');
  }
}

/**
 * Offset (from the MH start) just past the options area, padding included, when the first option
 * may start at `start`. Always a multiple of 8.
 */
export function optionsAreaEnd(options: readonly MobilityOption[], start: number): number {
  let pos = start;
  for (let i = 0; i < options.length; i++) {
    const o = options[i]!;
    pos += paddingBefore(optionAlignment(o), pos) + mobilityOptionLength(o);
    if (o.kind === 'binding-authorization-data') checkAuthorizationDataLast(options, i, pos);
  }
  return pos + ((MH_UNIT_OCTETS - (pos % MH_UNIT_OCTETS)) % MH_UNIT_OCTETS);
}

/** Writes `n` octets of padding: Pad1 for one, else one PadN (RFC 6275 §6.2.2–6.2.3). */
export function emitPadding(w: Writer, n: number): void {
  if (n === 0) return;
  if (n === 1) {
    w.u8(MobilityOptionType.PAD1);
    return;
  }
  w.u8(MobilityOptionType.PADN).u8(n - 2);
  if (n > 2) w.zeros(n - 2);
}

/** Writes the options with alignment padding and the final padding; `start` is their offset in the MH. */
export function emitOptionsArea(options: readonly MobilityOption[], w: Writer, start: number): void {
  let pos = start;
  for (let i = 0; i < options.length; i++) {
    const o = options[i]!;
    const pad = paddingBefore(optionAlignment(o), pos);
    emitPadding(w, pad);
    const len = mobilityOptionLength(o);
    emitMobilityOption(o, w);
    pos += pad + len;
    if (o.kind === 'binding-authorization-data') checkAuthorizationDataLast(options, i, pos);
  }
  emitPadding(w, (MH_UNIT_OCTETS - (pos % MH_UNIT_OCTETS)) % MH_UNIT_OCTETS);
}

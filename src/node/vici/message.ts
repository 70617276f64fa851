/**
 * VICI message encoding (strongSwan src/libcharon/plugins/vici/README.md, "Message format").
 *
 * A message is a sequence of elements: SECTION_START(name) ... SECTION_END, KEY_VALUE(name, value),
 * LIST_START(name) LIST_ITEM(value)* LIST_END. Names have an 8-bit length, values a 16-bit network-order
 * length; values are arbitrary blobs (the daemon uses text, but a pool attribute may be binary).
 *
 * The typed form keeps element order and duplicate names, so decode → encode is byte-exact.
 * Names are kept as latin1 strings (one char per byte), values as bytes.
 */

import { copyBytes } from '../../util/bytes.ts';
import { ViciError } from './errors.ts';

/** Element types (README "Message format"). */
export const VICI_ELEMENT = {
  SECTION_START: 1,
  SECTION_END: 2,
  KEY_VALUE: 3,
  LIST_START: 4,
  LIST_ITEM: 5,
  LIST_END: 6,
} as const;

/**
 * Deepest section nesting the decoder accepts. The README allows arbitrary levels; charon's own messages go
 * about five deep, and a bound keeps every consumer of a decoded tree (including recursive ones) safe.
 */
export const VICI_MAX_DEPTH = 64;

export type ViciItem =
  | { readonly kind: 'value'; readonly name: string; readonly value: Uint8Array }
  | { readonly kind: 'list'; readonly name: string; readonly items: readonly Uint8Array[] }
  | { readonly kind: 'section'; readonly name: string; readonly items: readonly ViciItem[] };

/** A message is the implicit root section's items. */
export type ViciMessage = readonly ViciItem[];

const NAME_MAX = 0xff;
const VALUE_MAX = 0xffff;

/** RangeError unless `name` fits an 8-bit length with one byte per character (names are ASCII in practice). */
export function checkViciName(name: string): void {
  if (name.length > NAME_MAX) throw new RangeError(`vici name longer than ${NAME_MAX}: ${name.slice(0, 20)}...`);
  for (let i = 0; i < name.length; i++) {
    if (name.charCodeAt(i) > 0xff) throw new RangeError(`vici name is not one byte per character: ${name}`);
  }
}

function checkValue(value: Uint8Array): void {
  if (value.length > VALUE_MAX) throw new RangeError(`vici value longer than ${VALUE_MAX} bytes`);
}

function itemsLength(items: readonly ViciItem[], depth: number): number {
  if (depth > VICI_MAX_DEPTH) throw new RangeError(`vici sections nested deeper than ${VICI_MAX_DEPTH}`);
  let n = 0;
  for (const item of items) {
    checkViciName(item.name);
    n += 2 + item.name.length; // type + name length + name
    if (item.kind === 'value') {
      checkValue(item.value);
      n += 2 + item.value.length;
    } else if (item.kind === 'list') {
      for (const v of item.items) {
        checkValue(v);
        n += 3 + v.length; // LIST_ITEM + length + value
      }
      n += 1; // LIST_END
    } else {
      n += itemsLength(item.items, depth + 1) + 1; // ... SECTION_END
    }
  }
  return n;
}

/** Encoded size of a message; RangeError for names or values the format cannot carry. */
export function viciMessageLength(message: ViciMessage): number {
  return itemsLength(message, 0);
}

function putName(out: Uint8Array, at: number, name: string): number {
  out[at++] = name.length;
  for (let i = 0; i < name.length; i++) out[at++] = name.charCodeAt(i);
  return at;
}

function putValue(out: Uint8Array, at: number, value: Uint8Array): number {
  out[at] = value.length >>> 8;
  out[at + 1] = value.length & 0xff;
  out.set(value, at + 2);
  return at + 2 + value.length;
}

function emitItems(items: readonly ViciItem[], out: Uint8Array, at: number): number {
  for (const item of items) {
    if (item.kind === 'value') {
      out[at++] = VICI_ELEMENT.KEY_VALUE;
      at = putValue(out, putName(out, at, item.name), item.value);
    } else if (item.kind === 'list') {
      out[at++] = VICI_ELEMENT.LIST_START;
      at = putName(out, at, item.name);
      for (const v of item.items) {
        out[at++] = VICI_ELEMENT.LIST_ITEM;
        at = putValue(out, at, v);
      }
      out[at++] = VICI_ELEMENT.LIST_END;
    } else {
      out[at++] = VICI_ELEMENT.SECTION_START;
      at = emitItems(item.items, out, putName(out, at, item.name));
      out[at++] = VICI_ELEMENT.SECTION_END;
    }
  }
  return at;
}

/** Writes `message` into `out` at `at` (room from viciMessageLength); returns the end offset. */
export function emitViciMessage(message: ViciMessage, out: Uint8Array, at: number): number {
  return emitItems(message, out, at);
}

export function encodeViciMessage(message: ViciMessage): Uint8Array {
  const out = new Uint8Array(viciMessageLength(message));
  emitItems(message, out, 0);
  return out;
}

/** Decodes `bytes[start, end)` as one message; offsets in errors are relative to `bytes`. */
export function decodeViciMessage(bytes: Uint8Array, start = 0, end = bytes.length): ViciItem[] {
  const root: ViciItem[] = [];
  // Open sections, innermost last: their item arrays and where each started (for error offsets).
  const stack: { items: ViciItem[]; at: number }[] = [];
  let items = root;
  let list: Uint8Array[] | null = null;
  let p = start;

  const need = (n: number, what: string): void => {
    if (end - p < n) throw new ViciError('TRUNCATED', p, `${what}: need ${n} bytes, have ${end - p}`);
  };
  const readName = (): string => {
    need(1, 'name length');
    const len = bytes[p]!;
    need(1 + len, 'name');
    const name = String.fromCharCode(...bytes.subarray(p + 1, p + 1 + len));
    p += 1 + len;
    return name;
  };
  const readValue = (): Uint8Array => {
    need(2, 'value length');
    const len = (bytes[p]! << 8) | bytes[p + 1]!;
    need(2 + len, 'value');
    const value = copyBytes(bytes, p + 2, p + 2 + len);
    p += 2 + len;
    return value;
  };

  while (p < end) {
    const at = p;
    const type = bytes[p++]!;
    if (list !== null && type !== VICI_ELEMENT.LIST_ITEM && type !== VICI_ELEMENT.LIST_END) {
      // README "Lists": after LIST_START only list items may appear before LIST_END.
      throw new ViciError('BAD_STRUCTURE', at, `element type ${type} inside a list`);
    }
    switch (type) {
      case VICI_ELEMENT.SECTION_START: {
        const name = readName();
        if (stack.length >= VICI_MAX_DEPTH) {
          throw new ViciError('BAD_STRUCTURE', at, `sections nested deeper than ${VICI_MAX_DEPTH}`);
        }
        const inner: ViciItem[] = [];
        items.push({ kind: 'section', name, items: inner });
        stack.push({ items, at });
        items = inner;
        break;
      }
      case VICI_ELEMENT.SECTION_END: {
        const outer = stack.pop();
        if (outer === undefined) throw new ViciError('BAD_STRUCTURE', at, 'SECTION_END without an open section');
        items = outer.items;
        break;
      }
      case VICI_ELEMENT.KEY_VALUE: {
        const name = readName();
        items.push({ kind: 'value', name, value: readValue() });
        break;
      }
      case VICI_ELEMENT.LIST_START: {
        const name = readName();
        list = [];
        items.push({ kind: 'list', name, items: list });
        break;
      }
      case VICI_ELEMENT.LIST_ITEM:
        if (list === null) throw new ViciError('BAD_STRUCTURE', at, 'LIST_ITEM outside a list');
        list.push(readValue());
        break;
      case VICI_ELEMENT.LIST_END:
        if (list === null) throw new ViciError('BAD_STRUCTURE', at, 'LIST_END without an open list');
        list = null;
        break;
      default:
        throw new ViciError('BAD_VALUE', at, `unknown element type ${type}`);
    }
  }
  if (list !== null) throw new ViciError('BAD_STRUCTURE', end, 'list not closed at the end of the message');
  const open = stack.at(-1);
  if (open !== undefined) throw new ViciError('BAD_STRUCTURE', open.at, 'section not closed at the end of the message');
  return root;
}

/**
 * Plain-object views of VICI messages, for callers that do not care about element order.
 *
 * Building: strings and numbers become text values, booleans `yes`/`no` (the daemon's convention),
 * Uint8Array raw values (how a binary pool attribute is sent), arrays lists, objects sections.
 * JavaScript orders integer-like keys ("16") before the others; where order matters build ViciItems directly.
 *
 * Reading: values as UTF-8 text, lists as string arrays, sections as objects; a repeated name keeps the last.
 */
import type { ViciItem, ViciMessage } from './message.ts';

export type ViciInputValue = string | number | bigint | boolean | Uint8Array;
export interface ViciInput {
  readonly [name: string]: ViciInputValue | readonly ViciInputValue[] | ViciInput | undefined;
}

export interface ViciTree {
  [name: string]: string | string[] | ViciTree;
}

const utf8 = new TextEncoder();
const text = new TextDecoder();

function toBytes(v: ViciInputValue): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'boolean') return utf8.encode(v ? 'yes' : 'no');
  return utf8.encode(String(v));
}

function isSection(v: unknown): v is ViciInput {
  return typeof v === 'object' && v !== null && !(v instanceof Uint8Array) && !Array.isArray(v);
}

/** Builds a message from a plain object (keys with `undefined` values are left out). */
export function viciMessageFrom(input: ViciInput): ViciMessage {
  const items: ViciItem[] = [];
  for (const [name, v] of Object.entries(input)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) items.push({ kind: 'list', name, items: v.map(toBytes) });
    else if (isSection(v)) items.push({ kind: 'section', name, items: viciMessageFrom(v) });
    else items.push({ kind: 'value', name, value: toBytes(v as ViciInputValue) });
  }
  return items;
}

/** Sets an own enumerable property, so a name such as `__proto__` cannot change the object's prototype. */
function put(tree: ViciTree, name: string, v: string | string[] | ViciTree): void {
  Object.defineProperty(tree, name, { value: v, enumerable: true, writable: true, configurable: true });
}

/** Reads a message as a plain object (values as UTF-8 text). */
export function viciMessageToTree(message: ViciMessage): ViciTree {
  const tree: ViciTree = {};
  for (const item of message) {
    if (item.kind === 'value') put(tree, item.name, text.decode(item.value));
    else if (item.kind === 'list')
      put(
        tree,
        item.name,
        item.items.map((v) => text.decode(v)),
      );
    else put(tree, item.name, viciMessageToTree(item.items));
  }
  return tree;
}

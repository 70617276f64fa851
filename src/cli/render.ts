import { toHex } from '../util/hex.ts';
import { Ipv4Address, Ipv6Address } from '../util/ip-address.ts';

/**
 * Turns decoded wire values into plain JSON-able data: addresses as text, byte strings as hex,
 * everything else as is. Decoders keep typed values; presentation happens only here.
 */
export function toPlain(value: unknown): unknown {
  if (value instanceof Ipv4Address || value instanceof Ipv6Address) return value.toString();
  if (value instanceof Uint8Array) return toHex(value);
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(toPlain);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toPlain(v);
    return out;
  }
  return value;
}

/** An indented tree, one field a line; `kind` heads its object, lists are numbered. */
export function renderTree(value: unknown, indent = '  '): string[] {
  const lines: string[] = [];
  const walk = (v: unknown, pad: string) => {
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        if (isScalar(item)) lines.push(`${pad}[${i}] ${formatScalar(item)}`);
        else {
          lines.push(`${pad}[${i}]${headline(item)}`);
          walk(withoutKind(item), pad + indent);
        }
      });
      return;
    }
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (isScalar(x)) lines.push(`${pad}${k}: ${formatScalar(x)}`);
      else if (Array.isArray(x) && x.length === 0) lines.push(`${pad}${k}: []`);
      else if (Array.isArray(x) && x.every(isScalar)) lines.push(`${pad}${k}: [${x.map(formatScalar).join(', ')}]`);
      else {
        lines.push(`${pad}${k}:${headline(x)}`);
        walk(Array.isArray(x) ? x : withoutKind(x), pad + indent);
      }
    }
  };
  walk(value, '');
  return lines;
}

function isScalar(v: unknown): boolean {
  return v === null || typeof v !== 'object';
}

function formatScalar(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function headline(v: unknown): string {
  const kind = !Array.isArray(v) && v && typeof v === 'object' ? (v as Record<string, unknown>).kind : undefined;
  return typeof kind === 'string' ? ` ${kind}` : '';
}

function withoutKind(v: unknown): Record<string, unknown> {
  const { kind: _kind, ...rest } = v as Record<string, unknown>;
  return rest;
}

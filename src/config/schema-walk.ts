/**
 * Reads the shape of a config schema (zod 4 exposes each schema's definition as `_zod.def` for tools): the keys a
 * section allows, for "did you mean" hints, and every key path, so tests can check that the examples cover them.
 */
import type { z } from 'zod';
import type { ConfigPath } from './yaml-source.ts';

interface Def {
  readonly type: string;
  readonly shape?: Record<string, z.ZodType>;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly element?: z.ZodType;
  readonly options?: readonly z.ZodType[];
}

function def(s: z.ZodType): Def {
  return (s as unknown as { _zod: { def: Def } })._zod.def;
}

const WRAPPERS = new Set(['optional', 'prefault', 'default', 'nullable', 'readonly', 'catch', 'nonoptional']);

/** The schema under wrappers (optional, defaults) and pipes whose input side is structured. */
function unwrap(s: z.ZodType): z.ZodType {
  let cur = s;
  for (;;) {
    const d = def(cur);
    if (WRAPPERS.has(d.type) && d.innerType) cur = d.innerType;
    else if (d.type === 'pipe' && d.in && def(d.in).type !== 'unknown') cur = d.in;
    else return cur;
  }
}

/** The alternatives a (possibly discriminated) union offers at this point, or the schema alone. */
function alternatives(s: z.ZodType): z.ZodType[] {
  const u = unwrap(s);
  const d = def(u);
  return d.type === 'union' && d.options ? d.options.flatMap(alternatives) : [u];
}

/** The keys an object section at `path` allows (union alternatives merged), or undefined if none is there. */
export function knownKeysAt(schema: z.ZodType, path: ConfigPath): string[] | undefined {
  let nodes = alternatives(schema);
  for (const k of path) {
    const next: z.ZodType[] = [];
    for (const n of nodes) {
      const d = def(n);
      if (typeof k === 'number' && d.type === 'array' && d.element) next.push(...alternatives(d.element));
      if (typeof k === 'string' && d.type === 'object' && d.shape?.[k]) next.push(...alternatives(d.shape[k]));
    }
    nodes = next;
  }
  const keys = new Set<string>();
  for (const n of nodes) for (const k of Object.keys(def(n).shape ?? {})) keys.add(k);
  return keys.size > 0 ? [...keys] : undefined;
}

/** Every path to a value the schema reads, with `[]` for "any list element": `ha.dhcp.v6.vendorOptions[].code`. */
export function schemaLeafPaths(schema: z.ZodType, prefix = ''): string[] {
  const out = new Set<string>();
  const walk = (s: z.ZodType, at: string) => {
    for (const n of alternatives(s)) {
      const d = def(n);
      if (d.type === 'object' && d.shape) {
        for (const [k, v] of Object.entries(d.shape)) walk(v, at === '' ? k : `${at}.${k}`);
      } else if (d.type === 'array' && d.element) walk(d.element, `${at}[]`);
      else out.add(at);
    }
  };
  walk(schema, prefix);
  return [...out].sort();
}

/** The same notation for the values present in a plain tree (a parsed file). */
export function treeLeafPaths(tree: unknown, prefix = ''): string[] {
  const out = new Set<string>();
  const walk = (v: unknown, at: string) => {
    if (Array.isArray(v)) {
      for (const item of v) walk(item, `${at}[]`);
    } else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) walk(x, at === '' ? k : `${at}.${k}`);
    } else if (v !== undefined) out.add(at);
  };
  walk(tree, prefix);
  return [...out].sort();
}

/**
 * Overrides applied to a config tree before validation, so they are checked exactly like the file:
 *   environment  DSMIP_UE__MOBILITY__LIFETIME=1h   `__` separates keys, `_` marks a camelCase word boundary
 *                                                  (CARE_OF_ADDRESS → careOfAddress), digits index a list;
 *   flags        --set ue.mobility.lifetime=1h     dots separate keys, `[n]` or `.n` indexes a list.
 * Values are YAML (failsafe schema, like the file): `[a, b]` is a list, `~` or an empty value unsets a key.
 * Flags are applied after the environment, which is applied after the file.
 */
import { ConfigError } from '../util/errors.ts';
import { type ConfigPath, parseYamlSource, YamlSyntaxError } from './yaml-source.ts';

export interface Override {
  readonly path: ConfigPath;
  readonly value: unknown;
  /** Where it came from, for messages: `environment variable DSMIP_…` or `--set …`. */
  readonly origin: string;
}

export const ENV_PREFIX = 'DSMIP_';
const ENV_SEGMENT = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/;
const KEY_SEGMENT = /^[A-Za-z][A-Za-z0-9]*$/;

function parseValue(text: string, origin: string, path: string): unknown {
  try {
    return parseYamlSource(text, origin).tree;
  } catch (e) {
    if (e instanceof YamlSyntaxError)
      throw new ConfigError('INVALID', path, `${origin}: not a YAML value: ${e.detail}`);
    throw e;
  }
}

function camelCase(segment: string): string {
  const words = segment.toLowerCase().split('_');
  return (
    words[0]! +
    words
      .slice(1)
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join('')
  );
}

/**
 * The overrides for the config whose root key is `root` (`ue` or `ha`) found in `env`. Variables for the other
 * root, and DSMIP_ variables without `__`, are not config paths and are left alone.
 */
export function overridesFromEnv(env: Readonly<Record<string, string | undefined>>, root: string): Override[] {
  const out: Override[] = [];
  const head = `${ENV_PREFIX}${root.toUpperCase()}__`;
  for (const name of Object.keys(env).sort()) {
    const value = env[name];
    if (!name.startsWith(head) || value === undefined) continue;
    const segments = name.slice(ENV_PREFIX.length).split('__');
    const path: (string | number)[] = [];
    for (const s of segments) {
      if (/^\d+$/.test(s)) path.push(Number(s));
      else if (ENV_SEGMENT.test(s)) path.push(camelCase(s));
      else throw new ConfigError('INVALID', name, 'environment variable is not a config path (DSMIP_UE__KEY__SUB_KEY)');
    }
    const origin = `environment variable ${name}`;
    out.push({ path, value: parseValue(value, origin, name), origin });
  }
  return out;
}

/** `key.path[0].sub=value` → an override; a malformed flag is a ConfigError. */
export function parseSetFlag(flag: string): Override {
  const eq = flag.indexOf('=');
  const origin = `--set ${flag}`;
  const bad = (why: string) => new ConfigError('INVALID', flag, `--set: ${why} (expected key.path=value)`);
  if (eq <= 0) throw bad('no "="');
  const path: (string | number)[] = [];
  for (const part of flag.slice(0, eq).trim().split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) throw bad(`"${part}" is not a key`);
    if (m[1] !== '') {
      if (/^\d+$/.test(m[1]!)) path.push(Number(m[1]));
      else if (KEY_SEGMENT.test(m[1]!)) path.push(m[1]!);
      else throw bad(`"${m[1]}" is not a key`);
    } else if (m[2] === '') throw bad('empty key');
    for (const idx of m[2]!.matchAll(/\[(\d+)\]/g)) path.push(Number(idx[1]));
  }
  return { path, value: parseValue(flag.slice(eq + 1), origin, flag), origin };
}

export function formatPath(path: ConfigPath): string {
  let s = '';
  for (const k of path) s += typeof k === 'number' ? `[${k}]` : s === '' ? k : `.${k}`;
  return s;
}

/** A copy of `tree` with `o` applied; the nodes along the path are copied, the rest shared. */
function applyOne(tree: unknown, o: Override, depth: number): unknown {
  if (depth === o.path.length) return o.value;
  const key = o.path[depth]!;
  if (typeof key === 'number') {
    const list = Array.isArray(tree) ? [...tree] : [];
    if (key > list.length) {
      throw new ConfigError(
        'INVALID',
        formatPath(o.path.slice(0, depth + 1)),
        `${o.origin}: index ${key} is past the end of a list of ${list.length}`,
      );
    }
    list[key] = applyOne(list[key], o, depth + 1);
    return list;
  }
  const obj: Record<string, unknown> = {};
  if (tree !== null && typeof tree === 'object' && !Array.isArray(tree)) {
    for (const k of Object.keys(tree)) {
      const value = (tree as Record<string, unknown>)[k];
      Object.defineProperty(obj, k, { value, enumerable: true, writable: true, configurable: true });
    }
  }
  const next = applyOne(Object.hasOwn(obj, key) ? obj[key] : undefined, o, depth + 1);
  Object.defineProperty(obj, key, { value: next, enumerable: true, writable: true, configurable: true });
  return obj;
}

export function applyOverrides(tree: unknown, overrides: readonly Override[]): unknown {
  let t = tree;
  for (const o of overrides) t = applyOne(t, o, 0);
  return t;
}

/** The override that set `path` or a section containing it (the last one wins, as when applied). */
export function overrideCovering(overrides: readonly Override[], path: ConfigPath): Override | undefined {
  for (let i = overrides.length - 1; i >= 0; i--) {
    const o = overrides[i]!;
    if (o.path.length <= path.length && o.path.every((k, j) => k === path[j])) return o;
  }
  return undefined;
}

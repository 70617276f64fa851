/**
 * A YAML config file read into a plain tree, remembering where each value sits so an error can name its line.
 *
 * The failsafe schema (YAML 1.2 §10.1) keeps every scalar as text: `imsi: 001010000000001` stays an IMSI, not the
 * number 1010000000001; the config schemas parse each value's text themselves. An empty value, `~` and `null`
 * (unquoted) mean "not set", as they do in YAML's core schema.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument, Scalar } from 'yaml';

export type ConfigPath = readonly (string | number)[];

export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

export interface YamlSource {
  /** The file name used in messages. */
  readonly name: string;
  readonly tree: unknown;
  /**
   * Where `path` is written: the value for a scalar, the key for a section; for a path that is not in the file,
   * the nearest enclosing key (`exact` false).
   */
  locate(path: ConfigPath): (SourcePosition & { readonly exact: boolean }) | undefined;
}

/** A syntax error (or a structure no config can have) in YAML text; `line`/`column` are 1-based. */
export class YamlSyntaxError extends Error {
  constructor(
    readonly detail: string,
    readonly position: SourcePosition | undefined,
  ) {
    super(detail);
  }
}

/** Marks a collection whose conversion has started: an alias to it from inside is a cycle. */
const IN_PROGRESS = Symbol('in progress');
const NOT_SET = new Set(['', '~', 'null', 'Null', 'NULL']);

function pathKey(path: ConfigPath): string {
  return JSON.stringify(path);
}

interface Converter {
  readonly positions: Map<string, number>;
  readonly lineCounter: LineCounter;
  readonly done: Map<Node, unknown>;
}

function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  // defineProperty, so a key such as "__proto__" is data, never the object's prototype.
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function convert(node: unknown, path: ConfigPath, c: Converter, doc: Parameters<typeof isAlias>[0]): unknown {
  if (node === null || node === undefined) return undefined;
  if (isAlias(node)) {
    const target = node.resolve(doc as never);
    if (!target) throw new YamlSyntaxError(`unknown alias *${node.source}`, position(node, c));
    const value = c.done.get(target);
    if (value === IN_PROGRESS || !c.done.has(target)) {
      throw new YamlSyntaxError(`alias *${node.source} refers to itself`, position(node, c));
    }
    return value;
  }
  const n = node as Node;
  const start = n.range?.[0];
  if (start !== undefined && !c.positions.has(pathKey(path))) c.positions.set(pathKey(path), start);
  if (isScalar(n)) {
    const v = n.value;
    const value = n.type === Scalar.PLAIN && typeof v === 'string' && NOT_SET.has(v) ? undefined : String(v ?? '');
    c.done.set(n, value);
    return value;
  }
  if (isSeq(n)) {
    c.done.set(n, IN_PROGRESS);
    const out = n.items.map((item, i) => convert(item, [...path, i], c, doc));
    c.done.set(n, out);
    return out;
  }
  if (isMap(n)) {
    c.done.set(n, IN_PROGRESS);
    const out: Record<string, unknown> = {};
    for (const pair of n.items) {
      if (!isPair(pair) || !isScalar(pair.key)) {
        throw new YamlSyntaxError('keys must be plain names', position(pair.key ?? n, c));
      }
      const key = String(pair.key.value);
      const keyStart = pair.key.range?.[0];
      // The key's own position, kept under a marker so `locate` can prefer it for sections.
      if (keyStart !== undefined) c.positions.set(pathKey([...path, key, '#key']), keyStart);
      setOwn(out, key, convert(pair.value, [...path, key], c, doc));
    }
    c.done.set(n, out);
    return out;
  }
  throw new YamlSyntaxError('unsupported YAML node', position(n, c));
}

function position(node: unknown, c: Converter): SourcePosition | undefined {
  const start = (node as Node | undefined)?.range?.[0];
  if (start === undefined) return undefined;
  const p = c.lineCounter.linePos(start);
  return { line: p.line, column: p.col };
}

/** Parses `text`; a syntax error is a YamlSyntaxError with the line and column of the problem. */
export function parseYamlSource(text: string, name: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { schema: 'failsafe', lineCounter, prettyErrors: true, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const p = first.linePos?.[0];
    // The pretty message repeats the position and quotes the source; the position is reported separately.
    const detail = first.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new YamlSyntaxError(detail, p ? { line: p.line, column: p.col } : undefined);
  }
  const c: Converter = { positions: new Map(), lineCounter, done: new Map() };
  const tree = convert(doc.contents, [], c, doc);
  const at = (offset: number): SourcePosition => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  return {
    name,
    tree,
    locate(path) {
      for (let n = path.length; n >= 0; n--) {
        const prefix = path.slice(0, n);
        const key = c.positions.get(pathKey([...prefix, '#key']));
        const value = c.positions.get(pathKey(prefix));
        const exact = n === path.length;
        // A scalar is pointed at itself; a section (or a missing value) at the key that names it.
        const scalarValue = exact && value !== undefined && typeof valueAt(tree, prefix) !== 'object';
        const offset = scalarValue ? value : (key ?? value);
        if (offset !== undefined) return { ...at(offset), exact };
      }
      return undefined;
    },
  };
}

/** The value at `path` in a plain tree, or undefined. */
export function valueAt(tree: unknown, path: ConfigPath): unknown {
  let v = tree;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = Object.hasOwn(v, k) ? (v as Record<string | number, unknown>)[k] : undefined;
  }
  return v;
}

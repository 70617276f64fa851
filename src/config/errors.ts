/**
 * Config errors that name the file, the line, the key path and what was expected, built from zod's issues:
 *   examples/ue.yaml line 12: ue.access.ipv4.careOfAddress: expected an IPv4 address (e.g. 192.0.2.1), got "1.2.3"
 * `ConfigFileError` is a `ConfigError` (src/util/errors.ts): `code` and `path` are those of the first issue.
 */
import type { z } from 'zod';
import { ConfigError } from '../util/errors.ts';
import { formatPath, type Override, overrideCovering } from './overrides.ts';
import { LEAF_ISSUE } from './scalars.ts';
import { knownKeysAt } from './schema-walk.ts';
import { type ConfigPath, valueAt, type YamlSource } from './yaml-source.ts';

/** One problem of a config: code, key path, message, and its line and column when known. */
export interface ConfigIssue {
  readonly code: 'INVALID' | 'MISSING';
  readonly path: string;
  /** What was wrong and what was expected. */
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
  /** The flag or environment variable that set the value, when the file did not. */
  readonly origin?: string;
}

/** At most this many issues are listed; one is usually enough to fix before trying again. */
const MAX_LISTED = 20;

/** A config that failed to load or validate; `issues` lists each problem with its line and key path. */
export class ConfigFileError extends ConfigError {
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(
    code: ConfigError['code'],
    readonly file: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    const first: ConfigIssue = issues[0] ?? { code: 'INVALID', path: '', message: 'invalid' };
    super(code, first.path, first.message);
    this.line = first.line;
    this.column = first.column;
    const lines = issues.slice(0, MAX_LISTED).map((i) => formatIssue(file, i));
    if (issues.length > MAX_LISTED) lines.push(`… and ${issues.length - MAX_LISTED} more`);
    this.message = lines.join('\n');
  }
}

export function formatIssue(file: string, i: ConfigIssue): string {
  const where = i.origin ?? (i.line !== undefined ? `${file} line ${i.line}` : file);
  return i.path === '' ? `${where}: ${i.message}` : `${where}: ${i.path}: ${i.message}`;
}

/** A short rendering of a value from the file for "got …". */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string')
    return v === '' ? 'an empty string' : JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Uint8Array) return `${v.length} bytes`;
  if (typeof v === 'object' && v !== null) return 'a mapping';
  return String(v);
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  object: 'a mapping (key: value)',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
};

function oneOfText(values: readonly unknown[]): string {
  return `one of ${values.map((v) => JSON.stringify(v)).join(' | ')}`;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = Math.min(up + 1, row[j - 1]! + 1, diag + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length]!;
}

function unknownKeyMessage(key: string, known: readonly string[] | undefined): string {
  if (!known) return `unknown key "${key}"`;
  const best = [...known].sort((x, y) => editDistance(key, x) - editDistance(key, y))[0];
  if (best !== undefined && editDistance(key, best) <= Math.max(2, Math.floor(best.length / 4))) {
    return `unknown key "${key}" (did you mean "${best}"?)`;
  }
  return `unknown key "${key}" (allowed: ${known.join(', ')})`;
}

export interface IssueContext {
  readonly schema: z.ZodType;
  readonly tree: unknown;
  readonly source: YamlSource | undefined;
  readonly overrides: readonly Override[];
}

export function located(ctx: IssueContext, path: ConfigPath, code: ConfigIssue['code'], message: string): ConfigIssue {
  const o = overrideCovering(ctx.overrides, path);
  const at = o ? undefined : ctx.source?.locate(path);
  return {
    code,
    path: formatPath(path),
    message,
    ...(at ? { line: at.line, column: at.column } : {}),
    ...(o ? { origin: o.origin } : {}),
  };
}

/** One or more ConfigIssues for a zod issue (an unknown-keys issue gives one per key). */
export function configIssuesOf(issue: z.core.$ZodIssue, ctx: IssueContext): ConfigIssue[] {
  const path = issue.path.filter((k): k is string | number => typeof k !== 'symbol');
  const input = valueAt(ctx.tree, path);
  const issueFor = (message: string) =>
    input === undefined
      ? located(ctx, path, 'MISSING', `required: ${message}`)
      : located(ctx, path, 'INVALID', `${message}, got ${describeValue(input)}`);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeysAt(ctx.schema, path);
      return issue.keys.map((k) => located(ctx, [...path, k], 'INVALID', unknownKeyMessage(k, known)));
    }
    case 'invalid_type':
      return [issueFor(`expected ${TYPE_NAMES[issue.expected] ?? issue.expected}`)];
    case 'invalid_value':
      return [issueFor(`expected ${oneOfText(issue.values)}`)];
    case 'invalid_union':
      if (issue.discriminator !== undefined && 'options' in issue && issue.options) {
        return [issueFor(`expected ${oneOfText(issue.options)}`)];
      }
      return [issueFor('matches none of the allowed forms')];
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const word = issue.code === 'too_small' ? 'at least' : 'at most';
      const unit = issue.origin === 'array' ? ' item(s)' : issue.origin === 'string' ? ' character(s)' : '';
      return [located(ctx, path, 'INVALID', `needs ${word} ${bound}${unit}`)];
    }
    case 'custom': {
      const leafIssue = (issue.params as { kind?: string } | undefined)?.kind === LEAF_ISSUE;
      if (!leafIssue) return [located(ctx, path, 'INVALID', issue.message)];
      const expected = (issue.params as { expected: string }).expected;
      if (input === undefined) return [located(ctx, path, 'MISSING', `required: expected ${expected}`)];
      return [located(ctx, path, 'INVALID', `${issue.message}, got ${describeValue(input)}`)];
    }
    default:
      return [located(ctx, path, 'INVALID', issue.message)];
  }
}

/**
 * Loading a config: read the YAML file, apply environment and `--set` overrides, validate once with the schema,
 * and hand back a deeply frozen typed value. Anything wrong stops here with a ConfigFileError that names the file,
 * the line, the key path and what was expected, before any socket is opened.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { aaaSchema } from './aaa-schema.ts';
import { ConfigFileError, configIssuesOf, located } from './errors.ts';
import { type DeepReadonly, deepFreeze } from './freeze.ts';
import { haSchema } from './ha-schema.ts';
import { type HostIssue, haHostIssues, ueHostIssues } from './host-checks.ts';
import { applyOverrides, type Override, overridesFromEnv, parseSetFlag } from './overrides.ts';
import { ueSchema } from './ue-schema.ts';
import { parseYamlSource, type YamlSource, YamlSyntaxError } from './yaml-source.ts';

/** A validated, deeply frozen UE config (`ue:` of a config file). */
export type UeConfig = DeepReadonly<z.output<typeof ueSchema>>;
/** A validated, deeply frozen Home Agent config (`ha:` of a config file). */
export type HaConfig = DeepReadonly<z.output<typeof haSchema>>;
export type HaAaaConfig = HaConfig['aaa'];
export type AaaConfig = DeepReadonly<z.output<typeof aaaSchema>>;

/** Where a config comes from: a file or a text, plus environment and `--set` overrides. */
export interface ConfigInput {
  /** The YAML file to read. */
  readonly file?: string;
  /** The YAML text, instead of reading `file` (`file` or `name` then only names it in messages). */
  readonly text?: string;
  readonly name?: string;
  /** Environment to take DSMIP_<ROOT>__… overrides from (pass `process.env`; nothing is read implicitly). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** `--set key.path=value` flags, applied last. */
  readonly set?: readonly string[];
  /**
   * Also check what the config names on this host (host-checks.ts: certificate and key, files and folders, local
   * addresses, privileged ports), as `dsmip ha|ue` do before binding anything. Off for configs built elsewhere.
   */
  readonly host?: boolean;
}

function readSource(input: ConfigInput): YamlSource | undefined {
  const name = input.name ?? input.file ?? '(config)';
  let text = input.text;
  if (text === undefined && input.file !== undefined) {
    try {
      text = readFileSync(input.file, 'utf8');
    } catch (e) {
      const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      throw new ConfigFileError('UNREADABLE', name, [
        { code: 'INVALID', path: '', message: `cannot read the file (${why})` },
      ]);
    }
  }
  if (text === undefined) return undefined;
  try {
    return parseYamlSource(text, name);
  } catch (e) {
    if (!(e instanceof YamlSyntaxError)) throw e;
    const at = e.position ? { line: e.position.line, column: e.position.column } : {};
    throw new ConfigFileError('INVALID', name, [
      { code: 'INVALID', path: '', message: `not valid YAML: ${e.detail}`, ...at },
    ]);
  }
}

/**
 * Validates the section `root` of the file (and overrides) with `schema`; returns it frozen. The file must hold a
 * mapping with that single key (`ue:` or `ha:`), so key paths in messages match what is written.
 */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  root: string,
  input: ConfigInput,
  hostCheck?: (value: DeepReadonly<z.output<S>>) => readonly HostIssue[],
): DeepReadonly<z.output<S>> {
  const source = readSource(input);
  const file = source?.name ?? input.name ?? '(config)';
  const overrides: Override[] = [...overridesFromEnv(input.env ?? {}, root), ...(input.set ?? []).map(parseSetFlag)];
  const tree = applyOverrides(source?.tree, overrides);
  const fileSchema = z.strictObject({ [root]: schema });
  const result = fileSchema.safeParse(tree);
  if (!result.success) {
    const ctx = { schema: fileSchema, tree, source, overrides };
    // In file order (stable), overrides after the file: the way a reader goes through the file to fix it.
    const issues = result.error.issues
      .flatMap((i) => configIssuesOf(i, ctx))
      .sort((a, b) => (a.line ?? Number.POSITIVE_INFINITY) - (b.line ?? Number.POSITIVE_INFINITY));
    throw new ConfigFileError(issues[0]!.code, file, issues);
  }
  const value = deepFreeze((result.data as Record<string, z.output<S>>)[root]!);
  const hostIssues = input.host && hostCheck ? hostCheck(value) : [];
  if (hostIssues.length > 0) {
    const ctx = { schema: fileSchema, tree, source, overrides };
    const issues = hostIssues.map((i) => located(ctx, [root, ...i.path], 'INVALID', i.message));
    throw new ConfigFileError('INVALID', file, issues);
  }
  return value;
}

/** Loads and validates a UE config (`ue:`); throws ConfigFileError naming file, line, key path and reason. */
export function loadUeConfig(input: ConfigInput): UeConfig {
  return loadConfig(ueSchema, 'ue', input, (ue) => ueHostIssues(ue));
}

/** Loads and validates a Home Agent config (`ha:`); throws ConfigFileError naming file, line, key path and reason. */
export function loadHaConfig(input: ConfigInput): HaConfig {
  return loadConfig(haSchema, 'ha', input, (ha) => haHostIssues(ha));
}

export function loadAaaConfig(input: ConfigInput): AaaConfig {
  return loadConfig(aaaSchema, 'aaa', input);
}

/**
 * The USIM's sequence number state between runs (`ue.identity.sqnStateFile`): the SEQ_MS array of TS 33.102
 * Annex C.2, as JSON `{ "seqMs": [32 integers] }`, rewritten atomically (temporary file, then rename) whenever the
 * USIM accepts a new SQN. Without the file every run starts from `ue.identity.sqn`, and the AuC's next vector is
 * accepted as long as it is fresher; a lost file costs one Synchronization-Failure round (RFC 4187 §6.3.1).
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import {
  indOf,
  initialUsimSqnState,
  SEQ_MAX,
  SQN_ARRAY_SIZE,
  seqOf,
  sqnFromBytes,
  type UsimSqnState,
} from '../../crypto/index.ts';
import { ConfigError } from '../../util/errors.ts';

/** The state of a USIM whose highest accepted SQN is `sqn` (6 bytes; all zero = a fresh USIM). */
export function usimStateFromSqn(sqn: Uint8Array): UsimSqnState {
  const value = sqnFromBytes(sqn);
  const state = initialUsimSqnState();
  if (value === 0) return state;
  const seqMs = [...state.seqMs];
  seqMs[indOf(value)] = seqOf(value);
  return { seqMs };
}

/** Parses the file's text; ConfigError naming `path` when it is not the expected shape. */
export function parseUsimSqnFile(text: string, path: string): UsimSqnState {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new ConfigError('INVALID', path, `not JSON: ${(e as Error).message}`);
  }
  const seqMs = (v as { seqMs?: unknown } | null)?.seqMs;
  if (
    !Array.isArray(seqMs) ||
    seqMs.length !== SQN_ARRAY_SIZE ||
    !seqMs.every((x) => Number.isSafeInteger(x) && x >= 0 && x <= SEQ_MAX)
  ) {
    throw new ConfigError('INVALID', path, `needs "seqMs": ${SQN_ARRAY_SIZE} integers in 0..${SEQ_MAX}`);
  }
  return { seqMs: seqMs as number[] };
}

/** The file's state, or `fallback` when the file does not exist yet. */
export function loadUsimSqnFile(path: string, fallback: UsimSqnState): UsimSqnState {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
    throw new ConfigError('UNREADABLE', path, `cannot read the USIM SQN file: ${(e as Error).message}`);
  }
  return parseUsimSqnFile(text, path);
}

/** Throws when the file cannot be written (a full disk); the temporary file is not left behind then. */
export function saveUsimSqnFile(path: string, state: UsimSqnState): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, `${JSON.stringify({ seqMs: state.seqMs })}\n`, { mode: 0o600 });
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** The USIM state a UE runs with: from the file (else from `sqn`), saved again after each change. */
export class UsimSqnStore {
  private current: UsimSqnState;

  constructor(
    private readonly identity: { readonly sqn: Uint8Array; readonly sqnStateFile?: string | undefined },
    /** A failed save: the run goes on, the next run starts from an older state (RFC 4187 §6.3.1 resynchronises). */
    private readonly onSaveError: (e: unknown, file: string) => void,
  ) {
    const fresh = usimStateFromSqn(identity.sqn);
    const file = identity.sqnStateFile;
    this.current = file ? loadUsimSqnFile(file, fresh) : fresh;
  }

  get state(): UsimSqnState {
    return this.current;
  }

  update(state: UsimSqnState): void {
    this.current = state;
    const file = this.identity.sqnStateFile;
    if (!file) return;
    try {
      saveUsimSqnFile(file, state);
    } catch (e) {
      this.onSaveError(e, file);
    }
  }
}

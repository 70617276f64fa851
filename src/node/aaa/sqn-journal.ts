/**
 * The SQN state file: an append-only journal of SQN reservations, one line per reservation, compacted by
 * rewriting it whole (temporary file, fsync, rename) when it grows.
 *
 *   # dsmip SQN state v1: <IMSI> <SQN>, the last line of an IMSI wins
 *   001010000000001 00000007d01f
 *
 * SQN is 12 hex digits, SEQ ‖ IND (TS 33.102 Annex C): no vector with a higher SEQ than this SQN's was issued
 * for that IMSI, and after a restart SQN_HE resumes from it (src/node/aaa/subscriber-file-store.ts).
 *
 * A crash in the middle of an append leaves a torn last line without its newline; it is ignored and cut off at
 * open. That is safe because the store issues no vector under a reservation before its append and fdatasync have
 * returned. Any other malformed line is a ConfigError naming the file and line: a lost record could replay SQNs.
 *
 * One process at a time: `<file>.lock` holds the owner's PID. Two AAA servers on one state file (an HA with the
 * embedded AAA and `dsmip aaa` on the same subscriber file both default to `<subscriber file>.sqn`) would each issue
 * SQNs from their own SQN_HE and rewrite each other's reservations away, so a crash could replay SQNs; the second
 * one fails at start instead. A lock left by a process that no longer runs (a crash) is taken over.
 */
import {
  accessSync,
  closeSync,
  constants,
  fdatasyncSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ConfigError } from '../../util/errors.ts';

const HEADER = '# dsmip SQN state v1: <IMSI> <SQN>, the last line of an IMSI wins\n';
/** Owner read/write only: the file lists every subscriber's IMSI (personal data). */
export const PRIVATE_FILE_MODE = 0o600;
const RECORD = /^(\d{6,15}) ([0-9a-f]{12})$/;
/** Compaction writes this many characters per write call. */
const WRITE_CHUNK = 1 << 20;

export interface SqnJournalOptions {
  /** Called on the first failed write of a run of failures (disk full, I/O error); every failure is counted. */
  readonly onWriteError?: (error: unknown) => void;
  /** Called when a write succeeds again after failures. */
  readonly onRecovered?: () => void;
}

/** Removes `<file>.tmp-<pid>` leftovers of a crash in the middle of a rewrite (they may hold secrets). */
export function removeStaleTemporaries(file: string): void {
  const dir = dirname(file);
  const prefix = `${basename(file)}.tmp-`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return; // the open that follows reports an unusable directory
  }
  for (const name of names) {
    if (name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length))) unlinkQuietly(join(dir, name));
  }
}

export class SqnJournal {
  /** Writes that failed, appends and rewrites alike. */
  failures = 0;
  /** Record lines in the file (what compaction is measured against). */
  records = 0;
  private fd: number | undefined;
  /** Bytes known good: a failed append is cut back to this. */
  private goodLength = 0;
  private failing = false;

  private constructor(
    readonly path: string,
    private readonly options: SqnJournalOptions,
  ) {}

  /**
   * Reads the journal (`onRecord` for every record in file order; a missing file is an empty journal) and opens
   * it for appending. `key` names the config key in errors, e.g. `ha.aaa.sqnStateFile`.
   */
  static open(
    path: string,
    key: string,
    onRecord: (imsi: string, sqn: number) => void,
    options: SqnJournalOptions = {},
  ): SqnJournal {
    removeStaleTemporaries(path);
    acquireLock(path, key);
    const journal = new SqnJournal(path, options);
    let text = '';
    try {
      text = readFileSync(path, 'latin1');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
        journal.close();
        throw new ConfigError('UNREADABLE', key, `cannot read the SQN state file ${path}: ${(e as Error).message}`);
      }
    }
    // A torn last line (no newline: a crash in the middle of an append) is not a record.
    const complete = text.lastIndexOf('\n') + 1;
    try {
      journal.records = parseRecords(text.slice(0, complete), path, key, onRecord);
    } catch (e) {
      journal.close();
      throw e;
    }
    try {
      // Compaction renames a new file into place: the folder must take new files too.
      accessSync(dirname(path), constants.W_OK);
      journal.fd = openSync(path, 'a', PRIVATE_FILE_MODE);
      if (fstatSync(journal.fd).size !== complete) ftruncateSync(journal.fd, complete);
      journal.goodLength = complete;
      if (complete === 0) journal.appendText(HEADER);
    } catch (e) {
      journal.close();
      throw new ConfigError('INVALID', key, `the SQN state file ${path} is not writable: ${(e as Error).message}`);
    }
    return journal;
  }

  /** Appends one record with one write, then fdatasync; false (counted, reported) when it is not durable. */
  append(imsi: string, sqn: number): boolean {
    const ok = this.appendText(formatRecord(imsi, sqn));
    if (ok) this.records++;
    return ok;
  }

  /**
   * Replaces the whole file with one record per entry (compaction), atomically: a temporary file in the same
   * folder, fsync, rename, fsync of the folder. On failure the old file stays and the temporary file is removed.
   */
  rewrite(entries: Iterable<readonly [string, number]>): boolean {
    const tmp = `${this.path}.tmp-${process.pid}`;
    let fd: number | undefined;
    let count = 0;
    try {
      fd = openSync(tmp, 'w', PRIVATE_FILE_MODE);
      let chunk = HEADER;
      for (const [imsi, sqn] of entries) {
        chunk += formatRecord(imsi, sqn);
        count++;
        if (chunk.length >= WRITE_CHUNK) {
          writeAll(fd, chunk);
          chunk = '';
        }
      }
      writeAll(fd, chunk);
      fsyncSync(fd);
      closeSync(fd);
      fd = undefined;
      renameSync(tmp, this.path);
      syncDirectory(dirname(this.path));
      this.reopen();
    } catch (e) {
      if (fd !== undefined) closeQuietly(fd);
      unlinkQuietly(tmp);
      this.failed(e);
      return false;
    }
    this.records = count;
    this.succeeded();
    return true;
  }

  /** Closes the file and releases the lock. */
  close(): void {
    this.closeFd();
    releaseLock(this.path);
  }

  private closeFd(): void {
    if (this.fd !== undefined) closeQuietly(this.fd);
    this.fd = undefined;
  }

  /** After a rewrite put a new, complete file in place: append to it from its end. */
  private reopen(): void {
    this.closeFd();
    this.fd = openSync(this.path, 'a', PRIVATE_FILE_MODE);
    this.goodLength = fstatSync(this.fd).size;
  }

  private appendText(text: string): boolean {
    try {
      if (this.fd === undefined) this.reopen();
      const fd = this.fd!;
      // A failed append may have left part of its line: cut it off before the next one lands behind it.
      if (this.failing) ftruncateSync(fd, this.goodLength);
      const bytes = writeAll(fd, text);
      fdatasyncSync(fd);
      this.goodLength += bytes;
    } catch (e) {
      this.failed(e);
      try {
        if (this.fd !== undefined) ftruncateSync(this.fd, this.goodLength);
      } catch {
        // retried before the next append
      }
      return false;
    }
    this.succeeded();
    return true;
  }

  private failed(e: unknown): void {
    this.failures++;
    if (!this.failing) this.options.onWriteError?.(e);
    this.failing = true;
  }

  private succeeded(): void {
    if (!this.failing) return;
    this.failing = false;
    this.options.onRecovered?.();
  }
}

const lockOf = (file: string): string => `${file}.lock`;

/** Takes `<file>.lock` for this process, or throws a ConfigError naming `key` when a running process holds it. */
function acquireLock(file: string, key: string): void {
  const lock = lockOf(file);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(lock, 'wx', PRIVATE_FILE_MODE);
      try {
        writeSync(fd, `${process.pid}\n`);
      } finally {
        closeSync(fd);
      }
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new ConfigError('INVALID', key, `the SQN state file ${file} is not writable: ${(e as Error).message}`);
      }
    }
    const owner = lockOwner(lock);
    if (owner !== undefined && owner !== process.pid && processRuns(owner)) {
      throw new ConfigError(
        'INVALID',
        key,
        `the SQN state file ${file} is in use by process ${owner} (${lock}): two AAA servers on one state file would issue the same SQNs`,
      );
    }
    unlinkQuietly(lock); // this process's own, or left by a process that has ended
  }
  throw new ConfigError('INVALID', key, `cannot take the lock ${lock}`);
}

/** Removes the lock when this process holds it. */
function releaseLock(file: string): void {
  const lock = lockOf(file);
  if (lockOwner(lock) === process.pid) unlinkQuietly(lock);
}

function lockOwner(lock: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(lock, 'latin1'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // it runs, as another user
  }
}

export function formatRecord(imsi: string, sqn: number): string {
  return `${imsi} ${sqn.toString(16).padStart(12, '0')}\n`;
}

/** The records of a journal's complete lines (`text` ends with a newline or is empty); ConfigError naming `key`. */
export function parseRecords(
  text: string,
  path: string,
  key: string,
  onRecord: (imsi: string, sqn: number) => void,
): number {
  let count = 0;
  let line = 0;
  for (let at = 0; at < text.length; ) {
    const end = text.indexOf('\n', at);
    const row = text.slice(at, end);
    at = end + 1;
    line++;
    if (row === '' || row.startsWith('#')) continue;
    const m = RECORD.exec(row);
    if (!m) throw new ConfigError('INVALID', key, `${path}:${line}: not "<IMSI> <SQN as 12 hex digits>"`);
    onRecord(m[1]!, Number.parseInt(m[2]!, 16));
    count++;
  }
  return count;
}

/** Writes all of `text` (a short write is retried from where it stopped); returns the bytes written. */
function writeAll(fd: number, text: string): number {
  const bytes = Buffer.from(text, 'latin1');
  for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
  return bytes.length;
}

/** Makes a rename durable; not every platform lets a directory be fsynced, which is then skipped. */
export function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // best effort
  } finally {
    if (fd !== undefined) closeQuietly(fd);
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // nothing more to do
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/**
 * The subscriber file as a `SubscriberStore`: loaded once at start, and rewritten atomically (temporary file,
 * fsync, rename) on every SQN update, before the EAP-AKA server lets the vector out, so SQN_HE never goes
 * backwards across a restart (TS 33.102 Annex C: a reused SQN would be refused by the USIM as not fresh).
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { HeSqnState } from '../../crypto/index.ts';
import {
  formatSubscriberFile,
  InMemorySubscriberStore,
  parseSubscriberFile,
  type Subscriber,
  type SubscriberStore,
} from '../../eap/index.ts';
import { ConfigError } from '../../util/errors.ts';

export interface SubscriberFileStoreOptions {
  /**
   * Called when persisting fails (disk full, permissions). The in-memory SQN has advanced anyway, so the server
   * keeps working; after a restart the USIM's Synchronization-Failure brings SQN_HE forward again.
   */
  readonly onPersistError?: (error: unknown) => void;
}

/** Owner read/write only, for a new file: the file holds K and OPc. */
const NEW_FILE_MODE = 0o600;

export class SubscriberFileStore implements SubscriberStore {
  /** Writes that failed (see `onPersistError`). */
  persistFailures = 0;
  private readonly memory: InMemorySubscriberStore;

  private constructor(
    readonly path: string,
    subscribers: readonly Subscriber[],
    private readonly options: SubscriberFileStoreOptions,
  ) {
    this.memory = new InMemorySubscriberStore(subscribers);
  }

  /** Reads and validates the file: ConfigError UNREADABLE when it cannot be read, else as `parseSubscriberFile`. */
  static open(path: string, options: SubscriberFileStoreOptions = {}): SubscriberFileStore {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new ConfigError('UNREADABLE', path, `cannot read the subscriber file: ${(e as Error).message}`);
    }
    return new SubscriberFileStore(path, parseSubscriberFile(text), options);
  }

  get(imsi: string): Subscriber | undefined {
    return this.memory.get(imsi);
  }

  updateSqn(imsi: string, sqn: HeSqnState): void {
    this.memory.updateSqn(imsi, sqn);
    try {
      this.persist();
    } catch (e) {
      this.persistFailures++;
      this.options.onPersistError?.(e);
    }
  }

  list(): Subscriber[] {
    return this.memory.list();
  }

  /** Writes the whole file atomically: a reader sees the old file or the new one, never a mix. */
  persist(): void {
    const text = formatSubscriberFile(this.memory.list());
    const tmp = `${this.path}.tmp-${process.pid}`;
    let mode = NEW_FILE_MODE;
    try {
      mode = statSync(this.path).mode & 0o777;
    } catch {
      // the file was removed meanwhile: recreate it private
    }
    const fd = openSync(tmp, 'w', mode);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } catch (e) {
      closeSync(fd);
      unlinkSync(tmp);
      throw e;
    }
    closeSync(fd);
    renameSync(tmp, this.path);
    syncDirectory(dirname(this.path));
  }
}

/** Makes the rename itself durable; not every platform lets a directory be fsynced, which is then skipped. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // best effort
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * The subscriber file as a `SubscriberStore`: keys (K, OPc, AMF) read once into a compact table, and SQN_HE
 * persisted apart from them in the SQN state file (src/node/aaa/sqn-journal.ts) by reserved ranges, as TS 33.102
 * Annex C allows the HE: before a vector uses a SEQ above a subscriber's reserved range, one journal line
 * "reserved up to SEQ + N − 1" is appended and fdatasynced; the next N − 1 vectors cost no I/O at all. After a
 * crash SQN_HE resumes from the last persisted mark, above every SEQ that may have gone out, so no SQN is ever
 * issued twice (the USIM would refuse it as not fresh, TS 33.102 C.2.2), and the jump the USIM sees is at most
 * N per crash, far below Δ (C.2.1).
 *
 * The subscriber file is never written. An `sqn` in it (the old format kept SQN_HE there) is still read: SQN_HE
 * starts from the higher of that and the journal.
 *
 * When a range cannot be persisted (disk full), vectors continue within the ranges already on disk and
 * `nextSqn` refuses (SQN_UNAVAILABLE) beyond them: never replaying an SQN wins over availability
 * (docs/spec-choices.md).
 */
import type { HeSqnState } from '../../crypto/index.ts';
import { initialHeSqnState, makeSqn, SEQ_MAX } from '../../crypto/index.ts';
import {
  grantNextSqn,
  heSqnFromLastSqn,
  type SqnGrant,
  type Subscriber,
  type SubscriberStore,
} from '../../eap/index.ts';
import { removeStaleTemporaries, SqnJournal } from './sqn-journal.ts';
import { NO_SQN, SubscriberTable } from './subscriber-table.ts';

/**
 * Vectors per reservation. One fdatasync per 1000 vectors of a subscriber: an IMSI attacked with IKE_AUTHs costs
 * two syncs per 2000 attempts, and a UE attaching a few times a day reserves about once a year. A crash costs each
 * subscriber at most this many SEQ values: 2^43 / 1000 crashes to exhaust SEQ, and a forward jump of 1000 per
 * crash against Δ = 2^28 (TS 33.102 C.2.1). A multiple of the IND array size is not needed: SEQ alone rises.
 */
export const DEFAULT_SQN_RESERVE = 1000;
/** The largest reservation accepted: well under Δ = 2^28, so even a few crashes in a row keep the USIM in range. */
export const MAX_SQN_RESERVE = 2 ** 20;

export interface SubscriberFileStoreOptions {
  /** The SQN state file; default the subscriber file's path with `.sqn` appended. */
  readonly sqnStateFile?: string;
  /** The config key named when the state file is unusable at start. */
  readonly sqnStateKey?: string;
  /** N, the SEQ values reserved per journal line (1 … MAX_SQN_RESERVE). */
  readonly sqnReserve?: number;
  /** The first failed write of a run of failures (disk full, I/O error); every failure is counted. */
  readonly onPersistError?: (error: unknown) => void;
  /** Writes succeed again. */
  readonly onPersistRecovered?: () => void;
}

export class SubscriberFileStore implements SubscriberStore {
  /** Vectors refused because their SQN could not be reserved durably. */
  refused = 0;
  /** Reservations appended to the journal. */
  reservations = 0;
  /** SQN_HE per subscriber (same index as the table): SEQ and the IND of the last vector. */
  private readonly seqHe: Float64Array;
  private readonly ind: Uint8Array;
  /** The highest SEQ persisted as reserved; a vector above it needs a new journal line first. */
  private readonly reserved: Float64Array;
  private readonly reserve: number;
  /** Journal lines at which the next compaction is due: twice a line per IMSI, and more after a failed one. */
  private compactAt = 0;

  private constructor(
    readonly path: string,
    private readonly table: SubscriberTable,
    private readonly journal: SqnJournal,
    journalSqn: Float64Array,
    /** Journal records of IMSIs not in the subscriber file, kept so that a re-added subscriber resumes above them. */
    private readonly orphans: ReadonlyMap<string, number>,
    options: SubscriberFileStoreOptions,
  ) {
    this.reserve = options.sqnReserve ?? DEFAULT_SQN_RESERVE;
    const n = table.count;
    this.seqHe = new Float64Array(n);
    this.ind = new Uint8Array(n);
    this.reserved = new Float64Array(n);
    const initial = initialHeSqnState();
    for (let i = 0; i < n; i++) {
      const sqn = Math.max(table.fileSqn[i]!, journalSqn[i]!);
      const state = sqn === NO_SQN ? initial : heSqnFromLastSqn(sqn);
      this.seqHe[i] = state.seqHe;
      this.ind[i] = state.ind;
      this.reserved[i] = state.seqHe;
    }
    this.reserveAll();
  }

  /**
   * Loads the subscriber file and the SQN state file. ConfigError UNREADABLE when the subscriber file cannot be
   * read, INVALID as `parseSubscriberFile`, and INVALID naming `sqnStateKey` when the state file is unusable.
   */
  static open(path: string, options: SubscriberFileStoreOptions = {}): SubscriberFileStore {
    const reserve = options.sqnReserve ?? DEFAULT_SQN_RESERVE;
    if (!Number.isInteger(reserve) || reserve < 1 || reserve > MAX_SQN_RESERVE) {
      throw new RangeError(`sqnReserve must be 1 … ${MAX_SQN_RESERVE}, got ${reserve}`);
    }
    const table = SubscriberTable.load(path);
    // Earlier versions rewrote the subscriber file through `<file>.tmp-<pid>`: a crash left every K and OPc there.
    removeStaleTemporaries(path);
    const journalSqn = new Float64Array(table.count).fill(NO_SQN);
    const orphans = new Map<string, number>();
    const journal = SqnJournal.open(
      options.sqnStateFile ?? `${path}.sqn`,
      options.sqnStateKey ?? 'sqnStateFile',
      (imsi, sqn) => {
        const i = table.rowOf(imsi);
        if (i === undefined) orphans.set(imsi, sqn);
        else journalSqn[i] = sqn; // the last line of an IMSI wins (a resynchronisation may lower it)
      },
      {
        ...(options.onPersistError ? { onWriteError: options.onPersistError } : {}),
        ...(options.onPersistRecovered ? { onRecovered: options.onPersistRecovered } : {}),
      },
    );
    return new SubscriberFileStore(path, table, journal, journalSqn, orphans, options);
  }

  get size(): number {
    return this.table.count;
  }

  /** Failed writes of the state file (appends and rewrites). */
  get persistFailures(): number {
    return this.journal.failures;
  }

  get stateFile(): string {
    return this.journal.path;
  }

  get(imsi: string): Subscriber | undefined {
    const i = this.table.rowOf(imsi);
    if (i === undefined) return undefined;
    return { imsi, ...this.table.keysOf(i), sqn: { seqHe: this.seqHe[i]!, ind: this.ind[i]! } };
  }

  nextSqn(imsi: string): SqnGrant {
    const i = this.table.rowOf(imsi);
    if (i === undefined) return { ok: false, reason: 'UNKNOWN_SUBSCRIBER' };
    const grant = grantNextSqn({ seqHe: this.seqHe[i]!, ind: this.ind[i]! });
    if (!grant.ok) return grant;
    const { seqHe, ind } = grant.state;
    if (seqHe > this.reserved[i]!) {
      // This vector and the next N − 1: on disk before the first of them leaves.
      const upTo = Math.min(seqHe - 1 + this.reserve, SEQ_MAX);
      if (!this.journal.append(imsi, makeSqn(upTo, ind))) {
        this.refused++;
        return { ok: false, reason: 'SQN_UNAVAILABLE' };
      }
      this.reserved[i] = upTo;
      this.reservations++;
      if (this.journal.records >= this.compactAt) this.compact();
    }
    this.seqHe[i] = seqHe;
    this.ind[i] = ind;
    return grant;
  }

  /**
   * After a resynchronisation (TS 33.102 §6.3.5). Forward, the next `nextSqn` reserves as needed. Backward (SQN_HE
   * was more than Δ ahead of the USIM), the reservation restarts from the new value, so the next line written is
   * lower than the last; until it is written, a restart resumes above the old mark and resynchronises again.
   */
  updateSqn(imsi: string, sqn: HeSqnState): void {
    const i = this.table.rowOf(imsi);
    if (i === undefined) throw new RangeError(`updateSqn for unknown subscriber ${imsi}`);
    if (sqn.seqHe < this.reserved[i]!) this.reserved[i] = sqn.seqHe;
    this.seqHe[i] = sqn.seqHe;
    this.ind[i] = sqn.ind;
  }

  /** Writes the exact SQN_HE of every subscriber (nothing reserved ahead) and closes the state file. */
  close(): void {
    this.journal.rewrite(this.entries((i) => this.seqHe[i]!));
    this.journal.close();
  }

  /** Replaces the journal by one line per subscriber; the marks are those already durable. */
  compact(): boolean {
    const ok = this.journal.rewrite(this.entries((i) => Math.max(this.reserved[i]!, this.seqHe[i]!)));
    // After a failure, not again before as many lines more: a rewrite per reservation would cost O(subscribers).
    this.compactAt = this.journal.records + this.table.count + this.orphans.size + 1024;
    return ok;
  }

  /** At start: one rewrite gives every subscriber a fresh range, so the first attach after a restart costs no sync. */
  private reserveAll(): void {
    const upTo = (i: number) => Math.min(this.seqHe[i]! + this.reserve, SEQ_MAX);
    const ok = this.journal.rewrite(this.entries(upTo));
    this.compactAt = this.journal.records + this.table.count + this.orphans.size + 1024;
    if (!ok) return; // nothing reserved: each first vector tries again
    for (let i = 0; i < this.table.count; i++) this.reserved[i] = upTo(i);
  }

  private *entries(seqOf: (i: number) => number): Generator<readonly [string, number]> {
    for (let i = 0; i < this.table.count; i++) yield [this.table.imsiAt(i), makeSqn(seqOf(i), this.ind[i]!)];
    yield* this.orphans;
  }
}

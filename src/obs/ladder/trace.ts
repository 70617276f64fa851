/**
 * The message trace behind the ladder diagram: one entry per message between two parties, with the time it was
 * seen and a one-line summary of its key fields. Renderers (text, HTML) and the attach summary read it.
 */

/** Who sent or received a message; the demo's parties, plus any other name a caller needs. */
export type Party = 'UE' | 'NAT' | 'DNS' | 'DHCP' | 'HA' | 'AAA' | 'CN' | (string & {});

export interface TraceEntry {
  /** Milliseconds since the trace started. */
  readonly tMs: number;
  readonly from: Party;
  /** Equal to `from` for a local event (an address formed, a timer fired). */
  readonly to: Party;
  /** Short protocol tag: `IKE`, `ESP`, `MH`, `DHCPv6`, `DHCPv4`, `DNS`, `ICMPv6`, `UDP`, ... */
  readonly protocol: string;
  /** The key fields, e.g. `BU seq=7 H A K R lifetime=3600s HoA4=0.0.0.0`. */
  readonly summary: string;
  /** More lines for detailed views (outer headers, every option). */
  readonly details?: readonly string[];
  /** Size of the message on the wire. */
  readonly bytes?: number;
  /** The attach phase this message belongs to (discovery, ike, registration, dhcp, ...). */
  readonly phase?: string;
}

export interface PhaseTiming {
  readonly name: string;
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * Collects entries against a clock it is given (the node's monotonic clock, or a virtual one in tests); time 0 is
 * when the recorder was made.
 */
export class TraceRecorder {
  private readonly list: TraceEntry[] = [];
  private readonly startMs: number;
  private currentPhase: string | undefined;

  constructor(private readonly nowMs: () => number) {
    this.startMs = nowMs();
  }

  get entries(): readonly TraceEntry[] {
    return this.list;
  }

  /** Entries recorded from now on carry `name` as their phase (undefined: none). */
  setPhase(name: string | undefined): void {
    this.currentPhase = name;
  }

  /** Records a message seen now (or at `tMs`), tagged with the current phase unless it names one. */
  add(entry: Omit<TraceEntry, 'tMs'> & { readonly tMs?: number }): TraceEntry {
    const phase = entry.phase ?? this.currentPhase;
    const e: TraceEntry = {
      ...entry,
      tMs: entry.tMs ?? this.nowMs() - this.startMs,
      ...(phase !== undefined ? { phase } : {}),
    };
    this.list.push(e);
    return e;
  }

  /**
   * Replaces `entry` (as `add` returned it) by a copy with `changes`, e.g. an encrypted message once its cleartext is
   * known; returns the new entry, or undefined when `entry` is not in this trace.
   */
  revise(
    entry: TraceEntry,
    changes: Partial<Pick<TraceEntry, 'protocol' | 'summary' | 'details'>>,
  ): TraceEntry | undefined {
    const i = this.list.lastIndexOf(entry);
    if (i < 0) return undefined;
    const next: TraceEntry = { ...entry, ...changes };
    this.list[i] = next;
    return next;
  }
}

/**
 * The span of each phase in order of first appearance: from the end of the previous phase (or its own first
 * message, for the first) to its last message, so consecutive phases add up to the whole attach.
 */
export function phaseTimings(entries: readonly TraceEntry[]): PhaseTiming[] {
  const spans = new Map<string, { first: number; last: number }>();
  for (const e of entries) {
    if (e.phase === undefined) continue;
    const s = spans.get(e.phase);
    if (s) s.last = Math.max(s.last, e.tMs);
    else spans.set(e.phase, { first: e.tMs, last: e.tMs });
  }
  const out: PhaseTiming[] = [];
  for (const [name, s] of spans) {
    const previous = out.at(-1)?.endMs;
    const startMs = previous === undefined ? s.first : Math.min(previous, s.first);
    out.push({ name, startMs, endMs: Math.max(s.last, startMs) });
  }
  return out;
}

/** Parties in a sensible left-to-right order: the UE first, the home network after, others as they appear. */
const PREFERRED_ORDER: readonly string[] = ['UE', 'NAT', 'DNS', 'DHCP', 'HA', 'AAA', 'CN'];

export function partiesOf(entries: readonly TraceEntry[]): Party[] {
  const seen = new Set<string>();
  for (const e of entries) {
    seen.add(e.from);
    seen.add(e.to);
  }
  const known = PREFERRED_ORDER.filter((p) => seen.has(p));
  return [...known, ...[...seen].filter((p) => !PREFERRED_ORDER.includes(p))];
}

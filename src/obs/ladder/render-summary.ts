/**
 * The block printed under the ladder: what the attach produced (home agent, home addresses, DNS servers,
 * vendor options from DHCP) and how long each phase took.
 */
import type { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { enterpriseName } from './names.ts';
import { subOptionsText } from './summarize-dhcp.ts';
import type { PhaseTiming } from './trace.ts';

type Shown = string | Ipv4Address | Ipv6Address;

export interface VendorOptionSummary {
  /** Where it came from: `DHCPv6` (option 17) or `DHCPv4` (option 125 / 43). */
  readonly source: string;
  readonly enterpriseNumber: number;
  readonly subOptions: readonly { readonly code: number; readonly data: Uint8Array }[];
}

export interface AttachSummary {
  readonly title?: string;
  readonly homeAgent?: Shown;
  readonly careOfAddress?: Shown;
  /** What NAT detection found, e.g. `detected: BA in UDP (NAT Detection F=1)`. */
  readonly nat?: string;
  readonly homePrefix?: Shown;
  readonly ipv6HomeAddress?: Shown;
  readonly ipv4HomeAddress?: Shown;
  readonly dnsServers?: readonly Shown[];
  readonly vendorOptions?: readonly VendorOptionSummary[];
  readonly phases?: readonly PhaseTiming[];
  /** Whole attach; default the end of the last phase minus the start of the first. */
  readonly totalMs?: number;
  /** Other rows, in order. */
  readonly extra?: readonly (readonly [label: string, value: string])[];
  /** Free-text remarks (e.g. why UDP encapsulation was asked for). */
  readonly notes?: readonly string[];
}

/** One labelled row of the summary, ready for a text or HTML renderer. */
export interface SummaryRow {
  readonly label: string;
  readonly lines: readonly string[];
}

export function vendorOptionText(v: VendorOptionSummary): string {
  return `${v.source} ${enterpriseName(v.enterpriseNumber)} (${v.enterpriseNumber}): ${subOptionsText(v.subOptions)}`;
}

export function totalOf(s: AttachSummary): number | undefined {
  if (s.totalMs !== undefined) return s.totalMs;
  const phases = s.phases ?? [];
  return phases.length > 0 ? phases.at(-1)!.endMs - phases[0]!.startMs : undefined;
}

/** The rows present in `s`, in display order (phases are rendered separately). */
export function summaryRows(s: AttachSummary): SummaryRow[] {
  const rows: SummaryRow[] = [];
  const add = (label: string, v: Shown | readonly Shown[] | undefined) => {
    if (v === undefined) return;
    const lines = Array.isArray(v) ? v.map(String) : [String(v)];
    if (lines.length > 0) rows.push({ label, lines });
  };
  add('Home agent', s.homeAgent);
  add('Care-of address', s.careOfAddress);
  add('NAT', s.nat);
  add('Home prefix', s.homePrefix);
  add('IPv6 home address', s.ipv6HomeAddress);
  add('IPv4 home address', s.ipv4HomeAddress);
  add('DNS servers', s.dnsServers && s.dnsServers.length > 0 ? s.dnsServers.map(String).join(', ') : undefined);
  add('Vendor options', s.vendorOptions?.map(vendorOptionText));
  for (const [label, value] of s.extra ?? []) add(label, value);
  add('Notes', s.notes);
  return rows;
}

const LABEL_WIDTH = 19;
const BAR_WIDTH = 30;

export function renderSummaryText(s: AttachSummary): string {
  const out: string[] = [s.title ?? 'Summary'];
  const row = (label: string, lines: readonly string[]) => {
    for (const [i, line] of lines.entries()) out.push(`  ${(i === 0 ? label : '').padEnd(LABEL_WIDTH)}${line}`);
  };
  for (const r of summaryRows(s)) row(r.label, r.lines);
  const phases = s.phases ?? [];
  if (phases.length > 0) {
    const longest = Math.max(...phases.map((p) => p.endMs - p.startMs), 1e-9);
    const nameWidth = Math.max(...phases.map((p) => p.name.length), 5);
    const lines = phases.map((p) => {
      const ms = p.endMs - p.startMs;
      const bar = '#'.repeat(Math.max(ms > 0 ? 1 : 0, Math.round((ms / longest) * BAR_WIDTH)));
      return `${p.name.padEnd(nameWidth)} ${ms.toFixed(1).padStart(8)} ms  ${bar}`.trimEnd();
    });
    const total = totalOf(s);
    if (total !== undefined) lines.push(`${'total'.padEnd(nameWidth)} ${total.toFixed(1).padStart(8)} ms`);
    row('Time per phase', lines);
  }
  return `${out.join('\n')}\n`;
}

/**
 * The ladder diagram as text: a time column, one lane per party with an arrow per message, then the protocol and
 * the summary, wrapped to the width (100–120 columns suits a terminal and a log file):
 *
 *     t/ms  UE         DNS        HA
 *      0.0  |--------->|          |  DNS   query AAAA internet.ha-apn.mnc001.mcc001.pub.3gppnetwork.org
 *      1.2  |<---------|          |  DNS   response AAAA ...: AAAA 2001:db8:1::1 ttl=300
 *      2.0  |----------+--------->|  IKE   IKE_SA_INIT request #0 SA KE Ni N(NAT_DETECTION_SOURCE_IP)
 *           |          |          |        N(NAT_DETECTION_DESTINATION_IP)
 *
 * Plain ASCII; ANSI colours only when asked for (a terminal).
 */
import { type Party, partiesOf, type TraceEntry } from './trace.ts';

export interface LadderTextOptions {
  /** Lanes from left to right; default: the parties of the entries, UE first. */
  readonly columns?: readonly Party[];
  /** Total width in characters (default 110). */
  readonly width?: number;
  /** ANSI colours for arrows and protocols (default off: pipes and files get plain text). */
  readonly color?: boolean;
  /** Append the size on the wire to each summary. */
  readonly showBytes?: boolean;
  /** Print each entry's detail lines under it. */
  readonly showDetails?: boolean;
  /** Wrap long summaries onto continuation lines (default); false cuts them with "…" to keep one line each. */
  readonly wrap?: boolean;
}

const TIME_WIDTH = 8;
const MIN_TEXT_WIDTH = 30;
const COMFORTABLE_TEXT_WIDTH = 56;
const ANSI = {
  reset: '\u001b[0m',
  dim: '\u001b[2m',
  colors: ['\u001b[34m', '\u001b[32m', '\u001b[35m', '\u001b[36m', '\u001b[33m', '\u001b[31m'],
} as const;
const PROTOCOL_COLOR: Readonly<Record<string, number>> = {
  IKE: 0,
  MH: 1,
  DHCPv6: 2,
  DHCPv4: 2,
  DNS: 3,
  ESP: 4,
  EAP: 0,
};

/** Words of `text` in lines of at most `width` characters; a longer word is cut. */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (let word of text.split(/\s+/).filter((w) => w !== '')) {
    while (word.length > width) {
      if (line !== '') {
        lines.push(line);
        line = '';
      }
      lines.push(word.slice(0, width));
      word = word.slice(width);
    }
    if (line === '') line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
}

interface Layout {
  readonly columns: readonly Party[];
  readonly laneGap: number;
  readonly diagramWidth: number;
  readonly protocolWidth: number;
  readonly textWidth: number;
}

function layout(entries: readonly TraceEntry[], o: LadderTextOptions): Layout {
  const columns = o.columns ?? partiesOf(entries);
  const width = o.width ?? 110;
  const protocolWidth = Math.min(8, Math.max(3, ...entries.map((e) => e.protocol.length))) + 2;
  const fixed = TIME_WIDTH + 2 + 2 + protocolWidth;
  const spans = Math.max(1, columns.length - 1);
  // Lanes 10–14 apart (wider for long names) while the summary keeps a comfortable width; narrower only
  // when there are many parties, down to 4, with the summary never under its minimum.
  const wanted = Math.min(14, Math.max(10, ...columns.map((c) => c.length + 2)));
  const comfortable = Math.floor((width - fixed - COMFORTABLE_TEXT_WIDTH - 1) / spans);
  const possible = Math.floor((width - fixed - MIN_TEXT_WIDTH - 1) / spans);
  const laneGap = Math.max(4, Math.min(wanted, Math.max(comfortable, Math.min(possible, 6))));
  const diagramWidth = spans * laneGap + 1;
  return {
    columns,
    laneGap,
    diagramWidth,
    protocolWidth,
    textWidth: Math.max(MIN_TEXT_WIDTH, width - fixed - diagramWidth),
  };
}

function lanes(l: Layout): string[] {
  const row = Array<string>(l.diagramWidth).fill(' ');
  for (let i = 0; i < l.columns.length; i++) row[i * l.laneGap] = '|';
  return row;
}

function arrow(l: Layout, e: TraceEntry): string {
  const row = lanes(l);
  const a = l.columns.indexOf(e.from);
  const b = l.columns.indexOf(e.to);
  if (a < 0 || b < 0) throw new RangeError(`no column for ${a < 0 ? e.from : e.to} (columns: ${l.columns.join(', ')})`);
  if (a === b) {
    row[a * l.laneGap] = '*';
    return row.join('');
  }
  const [lo, hi] = a < b ? [a * l.laneGap, b * l.laneGap] : [b * l.laneGap, a * l.laneGap];
  for (let x = lo + 1; x < hi; x++) row[x] = row[x] === '|' ? '+' : '-';
  if (a < b) row[hi - 1] = '>';
  else row[lo + 1] = '<';
  return row.join('');
}

function paint(text: string, code: string | undefined): string {
  return code ? `${code}${text}${ANSI.reset}` : text;
}

/** Milliseconds with one decimal, right-aligned in the time column. */
function timeText(tMs: number): string {
  return tMs.toFixed(1).padStart(TIME_WIDTH);
}

export function renderLadderText(entries: readonly TraceEntry[], o: LadderTextOptions = {}): string {
  const l = layout(entries, o);
  const color = o.color ?? false;
  const blankLanes = lanes(l).join('');
  const indent = ' '.repeat(l.protocolWidth);
  // Each name starts at its lane; the last one may run past the diagram.
  let header = '';
  l.columns.forEach((c, i) => {
    const name = i === l.columns.length - 1 ? c : c.slice(0, Math.max(1, l.laneGap - 1));
    header = header.padEnd(i * l.laneGap) + name;
  });
  const out = [`${'t/ms'.padStart(TIME_WIDTH)}  ${header}`];
  for (const e of entries) {
    const code = color ? ANSI.colors[PROTOCOL_COLOR[e.protocol] ?? 5] : undefined;
    const text = o.showBytes && e.bytes !== undefined ? `${e.summary} [${e.bytes} B]` : e.summary;
    const [first = '', ...rest] =
      o.wrap === false
        ? [text.length > l.textWidth ? `${text.slice(0, l.textWidth - 1)}…` : text]
        : wrapText(text, l.textWidth);
    const proto = e.protocol.slice(0, l.protocolWidth - 2).padEnd(l.protocolWidth);
    out.push(
      `${paint(timeText(e.tMs), color ? ANSI.dim : undefined)}  ${paint(arrow(l, e), code)}  ${paint(proto, code)}${first}`.trimEnd(),
    );
    for (const line of rest) out.push(`${' '.repeat(TIME_WIDTH)}  ${blankLanes}  ${indent}${line}`);
    if (o.showDetails) {
      for (const d of e.details ?? []) {
        for (const line of wrapText(d, l.textWidth - 2)) {
          out.push(
            `${' '.repeat(TIME_WIDTH)}  ${blankLanes}  ${indent}${paint(`  ${line}`, color ? ANSI.dim : undefined)}`,
          );
        }
      }
    }
  }
  return `${out.join('\n')}\n`;
}

/**
 * The ladder as one self-contained HTML page (`--html FILE`): inline CSS, an inline SVG diagram (lanes, arrows,
 * time offsets, summaries; each message's details in its tooltip), the attach summary and a table of every
 * message. No script, no external resource; every piece of text is escaped. The markup is also well-formed XML.
 */
import { type AttachSummary, summaryRows, totalOf } from './render-summary.ts';
import { type Party, partiesOf, type TraceEntry } from './trace.ts';

export interface LadderHtmlOptions {
  readonly title?: string;
  readonly columns?: readonly Party[];
  readonly summary?: AttachSummary;
}

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text safe inside an element or a quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** A CSS class from a protocol tag: letters and digits only, so nothing in it can break out of the attribute. */
function protocolClass(protocol: string): string {
  return `proto-${protocol.toLowerCase().replace(/[^a-z0-9]/g, '') || 'other'}`;
}

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 2em; }
.ladder { overflow-x: auto; border: 1px solid #ddd; padding: 0.5em; }
svg text { font: 12px ui-monospace, monospace; fill: #222; }
svg .party { font-weight: bold; text-anchor: middle; }
svg .time { fill: #888; text-anchor: end; }
svg .lane { stroke: #bbb; stroke-width: 1; }
svg .arrow { stroke-width: 1.5; }
svg .msg:hover text.label { font-weight: bold; }
.proto-ike, .proto-eap { color: #1f5fbf; } .proto-mh { color: #2e8b3a; } .proto-esp { color: #b58900; }
.proto-dhcpv6, .proto-dhcpv4 { color: #8e3fae; } .proto-dns { color: #168a8a; }
svg .arrow { stroke: currentColor; } svg circle { fill: currentColor; }
svg marker path { fill: #555; fill: context-stroke; }
table { border-collapse: collapse; margin-top: 0.5em; }
td, th { border: 1px solid #ddd; padding: 0.2em 0.6em; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.mono, dd { font-family: ui-monospace, monospace; font-size: 12px; }
dl { display: grid; grid-template-columns: max-content auto; gap: 0.2em 1.5em; }
dt { font-weight: bold; } dd { margin: 0; }
ul.details { margin: 0; padding-left: 1.2em; color: #555; }
.bar { display: inline-block; height: 0.8em; background: #1f5fbf; vertical-align: middle; }
`;

const LANE_GAP = 150;
const LEFT = 80;
const ROW = 26;
const TOP = 40;
const CHAR = 7.3;

function svgLadder(entries: readonly TraceEntry[], columns: readonly Party[]): string {
  const x = (p: Party) => {
    const i = columns.indexOf(p);
    if (i < 0) throw new RangeError(`no column for ${p} (columns: ${columns.join(', ')})`);
    return LEFT + i * LANE_GAP;
  };
  const labelX = LEFT + (columns.length - 1) * LANE_GAP + 30;
  const longest = Math.max(0, ...entries.map((e) => e.protocol.length + 1 + e.summary.length));
  const width = Math.ceil(labelX + longest * CHAR + 20);
  const height = TOP + entries.length * ROW + 20;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="message ladder">`,
    '<defs><marker id="head" markerWidth="8" markerHeight="8" refX="8" refY="4" orient="auto"><path d="M0,0 L8,4 L0,8 z" /></marker></defs>',
    `<text class="time" x="${LEFT - 20}" y="20">t/ms</text>`,
  ];
  for (const c of columns) {
    parts.push(`<text class="party" x="${x(c)}" y="20">${escapeHtml(c)}</text>`);
    parts.push(`<line class="lane" x1="${x(c)}" y1="28" x2="${x(c)}" y2="${height - 10}" />`);
  }
  entries.forEach((e, i) => {
    const y = TOP + i * ROW + 12;
    const [x1, x2] = [x(e.from), x(e.to)];
    const tip = [`${e.from} → ${e.to} ${e.protocol} ${e.summary}`, ...(e.details ?? [])].join('\n');
    const shape =
      x1 === x2
        ? `<circle cx="${x1}" cy="${y - 4}" r="4" />`
        : `<line class="arrow" x1="${x1}" y1="${y - 4}" x2="${x2 + (x2 > x1 ? -2 : 2)}" y2="${y - 4}" marker-end="url(#head)" />`;
    parts.push(
      `<g class="msg ${protocolClass(e.protocol)}"><title>${escapeHtml(tip)}</title>` +
        `<text class="time" x="${LEFT - 20}" y="${y}">${e.tMs.toFixed(1)}</text>${shape}` +
        `<text class="label" x="${labelX}" y="${y}">${escapeHtml(`${e.protocol} ${e.summary}`)}</text></g>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}

function summaryHtml(s: AttachSummary): string {
  const rows = summaryRows(s).map(
    (r) => `<dt>${escapeHtml(r.label)}</dt><dd>${r.lines.map(escapeHtml).join('<br />')}</dd>`,
  );
  const phases = s.phases ?? [];
  const longest = Math.max(1e-9, ...phases.map((p) => p.endMs - p.startMs));
  const phaseRows = phases.map((p) => {
    const ms = p.endMs - p.startMs;
    return `<tr><td>${escapeHtml(p.name)}</td><td class="num">${ms.toFixed(1)} ms</td><td><span class="bar" style="width: ${Math.round((ms / longest) * 200)}px"></span></td></tr>`;
  });
  const total = totalOf(s);
  if (total !== undefined)
    phaseRows.push(`<tr><th>total</th><td class="num">${total.toFixed(1)} ms</td><td></td></tr>`);
  return [
    `<h2>${escapeHtml(s.title ?? 'Summary')}</h2>`,
    `<dl>${rows.join('')}</dl>`,
    phaseRows.length > 0 ? `<table><tr><th>phase</th><th>time</th><th></th></tr>${phaseRows.join('')}</table>` : '',
  ].join('\n');
}

function messagesTable(entries: readonly TraceEntry[]): string {
  const rows = entries.map((e) => {
    const details = (e.details ?? []).map((d) => `<li>${escapeHtml(d)}</li>`).join('');
    return (
      `<tr><td class="num">${e.tMs.toFixed(1)}</td><td>${escapeHtml(e.from)} → ${escapeHtml(e.to)}</td>` +
      `<td class="${protocolClass(e.protocol)}">${escapeHtml(e.protocol)}</td>` +
      `<td class="mono">${escapeHtml(e.summary)}${details ? `<ul class="details">${details}</ul>` : ''}</td>` +
      `<td class="num">${e.bytes ?? ''}</td></tr>`
    );
  });
  return `<table><tr><th>t/ms</th><th>direction</th><th>protocol</th><th>message</th><th>bytes</th></tr>${rows.join('\n')}</table>`;
}

export function renderLadderHtml(entries: readonly TraceEntry[], o: LadderHtmlOptions = {}): string {
  const title = o.title ?? 'DSMIPv6 attach';
  const columns = o.columns ?? partiesOf(entries);
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    `<head><meta charset="utf-8" /><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>`,
    '<body>',
    `<h1>${escapeHtml(title)}</h1>`,
    `<section class="ladder">${svgLadder(entries, columns)}</section>`,
    o.summary ? `<section class="summary">${summaryHtml(o.summary)}</section>` : '',
    `<section class="messages"><h2>Messages</h2>${messagesTable(entries)}</section>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

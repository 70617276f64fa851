/**
 * The cookie-echo flood against a real `dsmip ha` in a lab (test/e2e/netns): the flooder (ike-flooder.ts) runs in
 * the gateway's namespace from the gateway's WAN address, a legitimate `dsmip ue` attaches from its own access link
 * while it runs, and the HA's RSS (/proc) and /metrics are sampled throughout. Returns the figures; the test and the
 * measuring script (measure.ts) decide what to do with them.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LabRun } from '../netns/lab-run.ts';
import { lineWith } from '../netns/node-process.ts';

const FLOODER = new URL('./ike-flooder.ts', import.meta.url).pathname;
const REPO = new URL('../../../', import.meta.url).pathname;

export interface FloodOptions {
  readonly count: number;
  readonly ports: number;
  readonly rate: number;
  /** When the UE starts, after the flood did. */
  readonly ueAfterMs: number;
}

export interface FloodFigures {
  /** The flooder's own summary: sent, cookies received and echoed, accepted (half-open SAs made). */
  readonly flooder: Record<string, number>;
  readonly rssBeforeKb: number;
  readonly rssPeakKb: number;
  readonly rssAfterKb: number;
  /** The UE's own attach time (its "attached" line's `totalMs`: discovery to DHCP); undefined when it did not attach. */
  readonly attachMs: number | undefined;
  /** From spawning `dsmip ue` to its "attached" line (includes loading the program). */
  readonly spawnToAttachedMs: number | undefined;
  /** Largest value of each sampled metric series during the run. */
  readonly peaks: Record<string, number>;
  /** The last /metrics text. */
  readonly metrics: string;
}

export function rssKb(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? Number.NaN);
}

/** The value of each sample line `name{labels} value` of `text` whose name starts with `dsmip_`. */
export function samplesOf(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('dsmip_')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

function startFlooder(run: LabRun, o: FloodOptions): { child: ChildProcess; done: Promise<Record<string, number>> } {
  const argv = [
    '--pdeathsig',
    'KILL',
    '--',
    'ip',
    'netns',
    'exec',
    run.lab.ns.gw,
    process.execPath,
    '--import',
    'tsx',
    FLOODER,
    ...['--from', run.lab.gwWanIpv4, '--to', run.lab.haIpv4, '--port', '500'],
    ...['--count', String(o.count), '--ports', String(o.ports), '--rate', String(o.rate)],
  ];
  const child = spawn('setpriv', argv, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (b: Buffer) => {
    out += b.toString();
  });
  child.stderr?.on('data', (b: Buffer) => {
    err += b.toString();
  });
  const done = new Promise<Record<string, number>>((resolve, reject) => {
    child.once('exit', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line) as Record<string, number>);
      else reject(new Error(`flooder exited ${code}: ${err.slice(-2000)}`));
    });
  });
  return { child, done };
}

export async function runFlood(run: LabRun, o: FloodOptions): Promise<FloodFigures> {
  const haPid = run.ha.pid;
  const rssBeforeKb = rssKb(haPid);
  let rssPeakKb = rssBeforeKb;
  const peaks: Record<string, number> = {};
  let metrics = '';
  const sample = async (): Promise<void> => {
    rssPeakKb = Math.max(rssPeakKb, rssKb(haPid));
    metrics = await run.haHttp('/metrics');
    for (const [k, v] of samplesOf(metrics)) peaks[k] = Math.max(peaks[k] ?? Number.NEGATIVE_INFINITY, v);
  };
  const flooder = startFlooder(run, o);
  let floodOver = false;
  const floodDone = flooder.done.finally(() => {
    floodOver = true;
  });
  try {
    const sampler = (async () => {
      while (!floodOver) {
        await sample();
        await sleep(1000); // each sample spawns a client in the HA's namespace: keep the load it adds small
      }
    })();
    await sleep(o.ueAfterMs);
    const ueStarted = performance.now();
    const ue = run.startUe();
    let attachMs: number | undefined;
    let spawnToAttachedMs: number | undefined;
    try {
      const attached = await ue.waitFor('"attached"', (l) => lineWith(l, 'attached'), 90_000);
      spawnToAttachedMs = Math.round(performance.now() - ueStarted);
      attachMs = Math.round(Number(attached.totalMs));
    } catch {
      attachMs = undefined;
    }
    const flooderSummary = await floodDone;
    await sampler;
    await sample();
    const rssAfterKb = rssKb(haPid);
    return { flooder: flooderSummary, rssBeforeKb, rssPeakKb, rssAfterKb, attachMs, spawnToAttachedMs, peaks, metrics };
  } finally {
    if (flooder.child.exitCode === null && flooder.child.pid !== undefined) flooder.child.kill('SIGKILL');
  }
}

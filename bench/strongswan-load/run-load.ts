/**
 * One load run: a responder (strongSwan charon or `dsmip ha`) and the strongSwan load-tester in a private network
 * namespace, each pinned to its own core; the generator sets up `count` IKE SAs (each with its Child SA) and holds
 * them. The responder's CPU time (utime + stime) and RSS are read before the generator starts and once every SA is
 * up: CPU per established IKE SA = ΔCPU / established, RSS per held SA = ΔRSS / established.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Charon } from '../../scripts/peers/strongswan.ts';
import { makeTestPki } from '../../test/peers/strongswan/pki.ts';
import { createLoadNetns } from './netns.ts';
import { cpuMs, load1, rssKiB } from './proc.ts';
import {
  GENERATOR_V4,
  LOAD_HA_APN,
  RESPONDER_V4,
  RESPONDER_V6,
  startGenerator,
  startStrongswanResponder,
  writeHaConfig,
} from './setup.ts';

export type ResponderKind = 'strongswan' | 'dsmip';

export interface LoadOptions {
  /** IKE SAs to set up and hold (also the subscriber count). */
  readonly count: number;
  readonly initiators?: number;
  readonly initLimit?: number;
  /** Cores for the responder and the generator; undefined: not pinned (the npm test). */
  readonly responderCpu?: number;
  readonly generatorCpu?: number;
  /** Give up when no SA was set up for this long. */
  readonly stallMs?: number;
  /** Extra node arguments for `dsmip ha` (e.g. --cpu-prof). */
  readonly nodeArgs?: readonly string[];
}

export interface LoadResult {
  readonly responder: ResponderKind;
  readonly established: number;
  readonly children: number;
  readonly failed: number;
  readonly seconds: number;
  readonly saPerSecond: number;
  readonly cpuMsPerSa: number;
  readonly rssKiBPerSa: number;
  readonly load: string;
  /** The generator's log lines that were not successes (first few), for a failed run. */
  readonly problems: readonly string[];
}

const BIN = new URL('../../bin/dsmip', import.meta.url).pathname;

/** Counts the generator's successes as its log grows. */
class LogCounter {
  private offset = 0;
  private rest = '';
  ike = 0;
  child = 0;
  readonly problems: string[] = [];
  constructor(private readonly path: string) {}

  poll(): void {
    let size: number;
    try {
      size = statSync(this.path).size;
    } catch {
      return;
    }
    if (size <= this.offset) return;
    const fd = openSync(this.path, 'r');
    const buf = Buffer.alloc(size - this.offset);
    readSync(fd, buf, 0, buf.length, this.offset);
    closeSync(fd);
    this.offset = size;
    const lines = (this.rest + buf.toString('utf8')).split('\n');
    this.rest = lines.pop()!;
    for (const l of lines) {
      if (/IKE_SA load-test\[\d+\] established/.test(l)) this.ike++;
      else if (/CHILD_SA load-test\{\d+\} established/.test(l)) this.child++;
      else if (/fail|error|giving up|unacceptable|no_proposal|not|invalid/i.test(l)) {
        if (this.problems.length < 30) this.problems.push(l);
      }
    }
  }
}

interface Responder {
  readonly pid: number;
  stop(): Promise<void>;
  describe(): string;
}

async function startDsmip(dir: string, netns: string, o: LoadOptions, pki: ReturnType<typeof makeTestPki>) {
  const config = writeHaConfig(dir, pki, o.count);
  const logPath = join(dir, 'ha.log');
  const out = openSync(logPath, 'w');
  const pin = o.responderCpu === undefined ? [] : ['taskset', '-c', String(o.responderCpu)];
  const argv = [...pin, process.execPath, ...(o.nodeArgs ?? []), BIN, 'ha', '--config', config];
  const child: ChildProcess = spawn('setpriv', ['--pdeathsig', 'KILL', '--', 'ip', 'netns', 'exec', netns, ...argv], {
    stdio: ['ignore', out, out],
    cwd: dir,
  });
  closeSync(out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 60_000; // tsx compiles the HA at start: slow on a busy machine
  for (;;) {
    const text = readFileSync(logPath, 'utf8');
    if (text.includes('"home agent up"')) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`dsmip ha did not come up:\n${text.slice(-3000)}`);
    }
    await sleep(100);
  }
  return {
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(t);
      }
    },
    describe: () => readFileSync(logPath, 'utf8').split('\n').slice(-20).join('\n'),
  } satisfies Responder;
}

function fromCharon(c: Charon): Responder {
  return { pid: c.pid, stop: () => c.stop(), describe: () => c.log().split('\n').slice(-20).join('\n') };
}

/** Runs the generator against one responder and measures it. Everything started is stopped before returning. */
export async function runLoad(kind: ResponderKind, o: LoadOptions): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), `dsmip-load-${kind}-`));
  const ns = createLoadNetns(kind === 'dsmip' ? 'd' : 's');
  let responder: Responder | undefined;
  let generator: Charon | undefined;
  let keep = false;
  try {
    ns.ip('addr', 'add', `${RESPONDER_V4}/32`, 'dev', 'lo');
    ns.ip('addr', 'add', `${RESPONDER_V6}/128`, 'dev', 'lo');
    // A veth pair with both ends inside (this kernel has no dummy interfaces) carries the generator's address.
    ns.ip('link', 'add', 'ld0', 'type', 'veth', 'peer', 'name', 'ld1');
    ns.ip('link', 'set', 'ld0', 'up');
    ns.ip('link', 'set', 'ld1', 'up');
    ns.ip('addr', 'add', `${GENERATOR_V4}/32`, 'dev', 'ld0');
    const pki = makeTestPki(join(dir, 'pki'), [LOAD_HA_APN]);
    mkdirSync(join(dir, 'ca'));
    const caDir = join(dir, 'ca');
    writeFileSync(join(caDir, 'ca.pem'), pki.caCertPem);
    responder =
      kind === 'strongswan'
        ? fromCharon(
            await startStrongswanResponder({
              netns: ns.name,
              cpu: o.responderCpu,
              pki,
              count: o.count,
              parentDir: dir,
            }),
          )
        : await startDsmip(dir, ns.name, o, pki);
    await sleep(300);
    const cpu0 = cpuMs(responder.pid);
    const rss0 = rssKiB(responder.pid);
    const initiators = o.initiators ?? (o.count % 4 === 0 ? 4 : 1);
    const started = performance.now();
    generator = await startGenerator({
      netns: ns.name,
      cpu: o.generatorCpu,
      pki,
      count: o.count,
      initiators,
      initLimit: o.initLimit ?? 32,
      caDir,
      parentDir: dir,
    });
    const counter = new LogCounter(generator.logPath);
    let last = -1;
    let lastChange = performance.now();
    let doneAt = started;
    for (;;) {
      counter.poll();
      const now = performance.now();
      if (counter.ike !== last) {
        last = counter.ike;
        lastChange = now;
        doneAt = now;
      }
      if (counter.child >= o.count) break;
      if (now - lastChange > (o.stallMs ?? 30_000)) break;
      await sleep(50);
    }
    const cpu1 = cpuMs(responder.pid);
    await sleep(500); // let the responder finish what it was doing before its memory is read
    const rss1 = rssKiB(responder.pid);
    const seconds = (doneAt - started) / 1000;
    const established = counter.ike;
    const failed = o.count - counter.child;
    const keepEnv = process.env.DSMIP_LOAD_KEEP;
    keep = keepEnv === 'always' || (failed > 0 && keepEnv === '1');
    return {
      responder: kind,
      established,
      children: counter.child,
      failed,
      seconds,
      saPerSecond: established / seconds,
      cpuMsPerSa: established ? (cpu1 - cpu0) / established : Number.NaN,
      rssKiBPerSa: established ? (rss1 - rss0) / established : Number.NaN,
      load: load1(),
      problems: failed > 0 ? [...counter.problems, '--- responder', responder.describe(), `(files in ${dir})`] : [],
    };
  } finally {
    await generator?.stop();
    await responder?.stop();
    ns.remove();
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A server process for a test: started under `setpriv --pdeathsig KILL` (the kernel kills it if the test process
 * dies, even by SIGKILL), optionally inside a network namespace, output to a log file; ready when the log matches
 * a pattern; stopped by its PID. An exit hook kills whatever is still running.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface DaemonOptions {
  readonly name: string;
  readonly argv: readonly string[];
  readonly netns?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly logPath: string;
  readonly readyPattern: RegExp;
  readonly readyTimeoutMs?: number;
}

const live = new Set<ChildProcess>();
let hookInstalled = false;

function signal(child: ChildProcess, sig: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(child.pid, sig);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
}

export class Daemon {
  private readonly exited: Promise<void>;

  constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    readonly logPath: string,
  ) {
    this.exited = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    }).then(() => {
      live.delete(child);
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  log(): string {
    try {
      return readFileSync(this.logPath, 'utf8');
    } catch {
      return '';
    }
  }

  /** SIGTERM by PID, SIGKILL after `graceMs`. Idempotent. */
  async stop(graceMs = 3000): Promise<void> {
    signal(this.child, 'SIGTERM');
    const timer = setTimeout(() => signal(this.child, 'SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

export async function startDaemon(o: DaemonOptions): Promise<Daemon> {
  const out = openSync(o.logPath, 'w');
  const argv = o.netns === undefined ? [...o.argv] : ['ip', 'netns', 'exec', o.netns, ...o.argv];
  const child = spawn('setpriv', ['--pdeathsig', 'KILL', '--', ...argv], {
    env: { ...process.env, ...o.env },
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  live.add(child);
  if (!hookInstalled) {
    hookInstalled = true;
    process.on('exit', () => {
      for (const c of live) signal(c, 'SIGKILL');
    });
  }
  const d = new Daemon(o.name, child, o.logPath);
  const deadline = Date.now() + (o.readyTimeoutMs ?? 10_000);
  while (Date.now() < deadline) {
    if (!d.running) break;
    if (o.readyPattern.test(d.log())) return d;
    await sleep(25);
  }
  await d.stop(500);
  throw new Error(`${o.name} did not come up (pid ${d.pid}):\n${d.log().split('\n').slice(-20).join('\n')}`);
}

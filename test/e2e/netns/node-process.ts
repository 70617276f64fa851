/**
 * A `./bin/dsmip ha|ue --config <file>` process inside a lab namespace, as a user would run it: `ip netns exec` execs
 * the program in place, so the PID we hold is the node's own and SIGTERM reaches its stop handler. `setpriv
 * --pdeathsig KILL` makes the kernel kill it if the test process dies; an exit hook kills what is still running.
 * Standard output (JSON log lines) and standard error go to one file per process, kept for failure reports.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const DSMIP = new URL('../../../bin/dsmip', import.meta.url).pathname;

/** One pino JSON line (src/obs/log.ts): `msg`, `component`, `level` and the logged fields. */
export type LogLine = Record<string, unknown> & { readonly msg?: string; readonly component?: string };

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function signal(child: ChildProcess, sig: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(child.pid, sig);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
}

export class NodeProcess {
  /** Resolves with the exit code, or the signal name when a signal ended it. */
  readonly exited: Promise<number | NodeJS.Signals>;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    readonly logPath: string,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, sig) => {
        live.delete(child);
        resolve(code ?? sig ?? 'SIGKILL');
      });
    });
  }

  /** Starts `dsmip <command> --config <configPath>` in `netns`. */
  static start(o: {
    name: string;
    netns: string;
    command: 'ha' | 'ue';
    configPath: string;
    logPath: string;
  }): NodeProcess {
    const out = openSync(o.logPath, 'w');
    const program = [DSMIP, o.command, '--config', o.configPath];
    const argv = ['--pdeathsig', 'KILL', '--', 'ip', 'netns', 'exec', o.netns, ...program];
    const child = spawn('setpriv', argv, { stdio: ['ignore', out, out], env: { ...process.env, NO_COLOR: '1' } });
    closeSync(out);
    live.add(child);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.on('exit', () => {
        for (const c of live) signal(c, 'SIGKILL');
      });
    }
    return new NodeProcess(o.name, child, o.logPath);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Everything the process wrote so far. */
  text(): string {
    try {
      return readFileSync(this.logPath, 'utf8');
    } catch {
      return '';
    }
  }

  /** The JSON log lines so far (other output, such as a stack trace on standard error, is skipped). */
  lines(): LogLine[] {
    const out: LogLine[] = [];
    for (const l of this.text().split('\n')) {
      if (!l.startsWith('{')) continue;
      try {
        out.push(JSON.parse(l) as LogLine);
      } catch {
        // a line still being written
      }
    }
    return out;
  }

  /** Polls the log until `pick` returns something, the process exits, or `timeoutMs` passes (then throws). */
  async waitFor<T>(what: string, pick: (lines: LogLine[]) => T | undefined, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = pick(this.lines());
      if (hit !== undefined) return hit;
      if (!this.running) throw new Error(`${this.name} exited before ${what}`);
      if (Date.now() > deadline) throw new Error(`${this.name}: no ${what} within ${timeoutMs} ms`);
      await sleep(50);
    }
  }

  /** SIGTERM by PID and the exit code; SIGKILL after `graceMs` (then the result is 'SIGKILL'). */
  async terminate(graceMs = 8000): Promise<number | NodeJS.Signals> {
    signal(this.child, 'SIGTERM');
    const timer = setTimeout(() => signal(this.child, 'SIGKILL'), graceMs);
    const r = await this.exited;
    clearTimeout(timer);
    return r;
  }

  /** SIGKILL by PID (cleanup after a failure). */
  async kill(): Promise<void> {
    signal(this.child, 'SIGKILL');
    await this.exited;
  }
}

/** The first log line with this message (and, when given, this component). */
export function lineWith(lines: readonly LogLine[], msg: string, component?: string): LogLine | undefined {
  return lines.find((l) => l.msg === msg && (component === undefined || l.component === component));
}

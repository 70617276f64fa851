/**
 * A `dsmip` program as a child process for the end-to-end tests: optionally inside a network namespace
 * (`ip netns exec`), JSON log lines parsed as they come, waiting for a message by name, stderr kept for failures.
 */
import { type ChildProcess, spawn } from 'node:child_process';

const BIN = new URL('../../bin/dsmip', import.meta.url).pathname;

export interface DsmipProcess {
  readonly child: ChildProcess;
  /** Every JSON log line so far. */
  readonly lines: Record<string, unknown>[];
  readonly exit: Promise<number | null>;
  /** The first log line with `msg`; rejects on timeout or exit. */
  waitFor(msg: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** stdout lines that were not JSON, and stderr. */
  output(): string;
}

/**
 * `wrap` runs the program through another command that execs it in place (e.g. `unshare -m ... sh -c '...; exec "$@"'`),
 * so the PID held is still the node's own.
 */
export function startDsmip(args: readonly string[], netns?: string, wrap: readonly string[] = []): DsmipProcess {
  const argv = [...wrap, process.execPath, BIN, ...args];
  const child = netns
    ? spawn('ip', ['netns', 'exec', netns, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  const waiters: { msg: string; resolve: (l: Record<string, unknown>) => void }[] = [];
  let buffered = '';
  let text = '';
  child.stderr!.on('data', (d: Buffer) => {
    text += d.toString();
  });
  child.stdout!.on('data', (d: Buffer) => {
    buffered += d.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    for (const p of parts) {
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(p) as Record<string, unknown>;
      } catch {
        text += `${p}\n`;
        continue;
      }
      lines.push(line);
      for (const w of waiters.filter((x) => x.msg === line.msg)) w.resolve(line);
    }
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    exit,
    output: () => text,
    waitFor(msg, timeoutMs = 15_000) {
      const seen = lines.find((l) => l.msg === msg);
      if (seen) return Promise.resolve(seen);
      let timer: NodeJS.Timeout | undefined;
      const waiting = new Promise<Record<string, unknown>>((resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`no "${msg}" within ${timeoutMs} ms:\n${text}`)), timeoutMs);
        waiters.push({
          msg,
          resolve: (l) => {
            clearTimeout(timer);
            resolve(l);
          },
        });
      });
      const exited = exit.then((code) => {
        clearTimeout(timer); // or the pending timer keeps the test runner alive until it fires
        throw new Error(`exited with ${code} before "${msg}":\n${text}`);
      });
      return Promise.race([waiting, exited]);
    },
  };
}

/**
 * A UDP socket inside a network namespace, for the real-server tests: the socket lives in a child process
 * (udp-endpoint.ts) started with `ip netns exec`, under `setpriv --pdeathsig KILL` so the kernel ends it if this
 * process dies; `close()` ends it by its PID. Datagrams are bytes in and out; addresses are Node's text forms
 * (link-local ones with `%interface`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fromHex, toHex } from '../../util/hex.ts';

// From the sources the endpoint runs through tsx; from the compiled package (dist/) it is plain JavaScript.
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const ENDPOINT = new URL(FROM_SOURCE ? './udp-endpoint.ts' : './udp-endpoint.js', import.meta.url).pathname;
const LOADER = FROM_SOURCE ? ['--import', 'tsx'] : [];
const REPO_ROOT = new URL('../../../', import.meta.url).pathname;

export interface NetnsUdpOptions {
  /** Undefined: the current namespace. */
  readonly netns: string | undefined;
  readonly type: 'udp6' | 'udp4';
  /** Bind address, e.g. '::', '10.77.0.2'. */
  readonly address: string;
  readonly port: number;
  readonly readyTimeoutMs?: number;
}

export interface ReceivedDatagram {
  readonly payload: Uint8Array;
  readonly address: string;
  readonly port: number;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function kill(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(child.pid, signal);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
}

export class NetnsUdpSocket {
  private readonly listeners = new Set<(d: ReceivedDatagram) => void>();
  private readonly exited: Promise<void>;
  readonly errors: string[] = [];

  private constructor(
    private readonly child: ChildProcess,
    readonly boundPort: number,
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

  static async open(o: NetnsUdpOptions): Promise<NetnsUdpSocket> {
    const program = [
      process.execPath,
      ...LOADER,
      ENDPOINT,
      JSON.stringify({ type: o.type, address: o.address, port: o.port }),
    ];
    const inNetns = o.netns === undefined ? program : ['ip', 'netns', 'exec', o.netns, ...program];
    const child = spawn('setpriv', ['--pdeathsig', 'KILL', '--', ...inNetns], {
      cwd: REPO_ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    live.add(child);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.on('exit', () => {
        for (const c of live) kill(c, 'SIGKILL');
      });
    }
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const lines = createInterface({ input: child.stdout! });
    let socket: NetnsUdpSocket | undefined;
    const ready = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`UDP endpoint not ready: ${stderr}`)),
        o.readyTimeoutMs ?? 15_000,
      );
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`UDP endpoint exited with ${code}: ${stderr}`));
      });
      lines.on('line', (line) => {
        const m = JSON.parse(line) as {
          ready?: { port: number };
          recv?: string;
          address?: string;
          port?: number;
          error?: string;
        };
        if (m.ready) {
          clearTimeout(timer);
          resolve(m.ready.port);
        } else if (m.recv !== undefined && socket) {
          const d = { payload: fromHex(m.recv), address: m.address ?? '', port: m.port ?? 0 };
          for (const l of socket.listeners) l(d);
        } else if (m.error) socket?.errors.push(m.error);
      });
    });
    try {
      const port = await ready;
      socket = new NetnsUdpSocket(child, port);
      return socket;
    } catch (e) {
      kill(child, 'SIGKILL');
      live.delete(child);
      throw e;
    }
  }

  send(payload: Uint8Array, address: string, port: number): void {
    this.child.stdin?.write(`${JSON.stringify({ send: toHex(payload), address, port })}\n`);
  }

  onMessage(listener: (d: ReceivedDatagram) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The next datagram that satisfies `match`, or an error after `timeoutMs`. */
  receive(match: (d: ReceivedDatagram) => boolean, timeoutMs: number): Promise<ReceivedDatagram> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`no matching datagram within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.onMessage((d) => {
        if (!match(d)) return;
        clearTimeout(timer);
        off();
        resolve(d);
      });
    });
  }

  /** Closes stdin (the endpoint exits), then SIGTERM and SIGKILL by PID if it lingers. Idempotent. */
  async close(graceMs = 2000): Promise<void> {
    this.child.stdin?.end();
    const term = setTimeout(() => kill(this.child, 'SIGTERM'), graceMs / 2);
    const hard = setTimeout(() => kill(this.child, 'SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(term);
    clearTimeout(hard);
  }
}

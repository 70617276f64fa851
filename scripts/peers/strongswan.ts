/**
 * Runs private strongSwan 5.9 charon instances as test peers (child processes of the test, no systemd).
 *
 * `ensureStrongswan()` runs install-strongswan.sh (which installs and builds only what is missing) and returns
 * the eap-aka-3gpp plugin it built. `startCharon()` writes a private directory (strongswan.conf, swanctl/),
 * starts /usr/sbin/charon-systemd with that plugin LD_PRELOADed, waits until its VICI socket answers and
 * loads the swanctl configuration. `stop()` ends the process by its PID. A test that throws before stopping
 * still leaves nothing behind: an exit hook kills live instances, and each charon runs under
 * `setpriv --pdeathsig KILL`, so the kernel kills it if the test process dies by a signal.
 */
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { ViciClient } from '../../src/node/vici/client.ts';
import { type CharonKernel, type CharonLogGroup, renderStrongswanConf, type SettingValue } from './strongswan-conf.ts';

const INSTALL_SCRIPT = new URL('./install-strongswan.sh', import.meta.url).pathname;
const CHARON = '/usr/sbin/charon-systemd';
const SWANCTL = '/usr/sbin/swanctl';
const run = promisify(execFile);

let pluginPath: string | undefined;

/** Installs/builds what is missing (once per process) and returns the eap-aka-3gpp plugin's path. */
export function ensureStrongswan(): string {
  if (pluginPath !== undefined) return pluginPath;
  const r = spawnSync('bash', [INSTALL_SCRIPT], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) {
    throw new Error(`scripts/peers/install-strongswan.sh failed (exit ${r.status}):\n${r.stderr.trim()}`);
  }
  if (r.stderr.trim() !== '') process.stderr.write(r.stderr);
  const path = r.stdout.trim().split('\n').at(-1) ?? '';
  if (!path.endsWith('.so')) throw new Error(`install-strongswan.sh printed no plugin path: ${r.stdout}`);
  pluginPath = path;
  return path;
}

/** The load-tester plugin that install-strongswan.sh builds beside eap-aka-3gpp. */
export function loadTesterPluginPath(): string {
  return ensureStrongswan().replace(/eap-aka-3gpp\.so$/, 'load-tester.so');
}

/**
 * `count` distinct UDP ports that are free right now on both IPv4 and IPv6 (a dual-stack bind on ::), for a
 * responder's IKE and NAT-T ports. Fixed ports would collide when test files run in parallel.
 */
export async function freeUdpPorts(count: number): Promise<number[]> {
  const sockets = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createSocket>>((resolve, reject) => {
          const s = createSocket({ type: 'udp6', ipv6Only: false });
          s.once('error', reject);
          s.bind(0, '::', () => resolve(s));
        }),
    ),
  );
  const ports = sockets.map((s) => s.address().port);
  await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  return ports;
}

/** Checks a value written into swanctl.conf / strongswan.conf: no blanks, braces, quotes or comments. */
export function confValue(what: string, value: string): string {
  if (value === '' || /[\s{}"#]/.test(value))
    throw new RangeError(`${what} cannot go into a strongSwan config: ${value}`);
  return value;
}

export interface CharonOptions {
  /** Names the directory and the log; also the instance's label in errors. */
  readonly name: string;
  /** IKE port (0: chosen by the kernel, for an initiator). */
  readonly port: number;
  readonly natTPort: number;
  /** The swanctl.conf text (connections, secrets); loaded with `swanctl --load-all` once charon answers. */
  readonly swanctlConf: string;
  /** Credential files under swanctl/, e.g. `{ 'x509/ha.pem': pem, 'private/ha.key': pem, 'x509ca/ca.pem': pem }`. */
  readonly credentials?: Readonly<Record<string, string>>;
  readonly kernel?: CharonKernel;
  readonly akaRequestIdentity?: boolean;
  readonly akaSeqCheck?: boolean;
  readonly logLevels?: Partial<Record<CharonLogGroup, number>>;
  /** Plugins loaded in addition to the fixed list, and lines for their `plugins { }` sections. */
  readonly extraPlugins?: readonly string[];
  readonly pluginSections?: readonly string[];
  /** Run inside this network namespace (`ip netns exec`); the VICI socket is a file, reachable from anywhere. */
  readonly netns?: string;
  /** Parent of the private directory (default: the OS temp dir). */
  readonly parentDir?: string;
  readonly readyTimeoutMs?: number;
  /** Pin charon to this CPU (`taskset -c`), e.g. to give a responder and a load generator one core each. */
  readonly cpu?: number;
  /** load-tester plugin settings (scripts/peers/strongswan-conf.ts); the plugin is LD_PRELOADed when given. */
  readonly loadTester?: Readonly<Record<string, SettingValue>>;
  readonly charonSettings?: Readonly<Record<string, SettingValue>>;
  /** charon's retransmit_tries (default 2 here). */
  readonly retransmitTries?: number;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Signals a process we started, by PID; one that already ended (ESRCH) is fine. */
function signal(child: ChildProcess, sig: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(child.pid, sig);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) signal(child, 'SIGKILL');
  });
}

function tail(path: string, lines = 30): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no file)';
  }
}

/** A running charon test instance. */
export class Charon {
  private exited = false;
  private readonly exitedPromise: Promise<void>;

  constructor(
    readonly name: string,
    /** The private directory: strongswan.conf, swanctl/, charon.vici, charon.log, stdout.log. */
    readonly dir: string,
    private readonly child: ChildProcess,
    /** A VICI connection opened once charon answered; closed by stop(). */
    readonly vici: ViciClient,
  ) {
    this.exitedPromise = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    }).then(() => {
      this.exited = true;
      live.delete(child);
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get viciSocketPath(): string {
    return join(this.dir, 'charon.vici');
  }

  get logPath(): string {
    return join(this.dir, 'charon.log');
  }

  get swanctlConfPath(): string {
    return join(this.dir, 'swanctl', 'swanctl.conf');
  }

  /** The whole charon log so far. */
  log(): string {
    return readFileSync(this.logPath, 'utf8');
  }

  /** `swanctl --load-all` against this instance; returns swanctl's output, throws with it on failure. */
  async loadAll(): Promise<string> {
    const args = ['--load-all', '--file', this.swanctlConfPath, '--uri', `unix://${this.viciSocketPath}`];
    try {
      const { stdout, stderr } = await run(SWANCTL, args, {
        env: { ...process.env, STRONGSWAN_CONF: join(this.dir, 'strongswan.conf') },
      });
      return stdout + stderr;
    } catch (e) {
      const out = e as { stdout?: string; stderr?: string };
      throw new Error(`${this.name}: swanctl --load-all failed:\n${out.stdout ?? ''}${out.stderr ?? String(e)}`);
    }
  }

  /** Ends the instance by PID: SIGTERM, then SIGKILL after `graceMs`. Idempotent. */
  async stop(graceMs = 3000): Promise<void> {
    this.vici.close();
    if (!this.exited) {
      signal(this.child, 'SIGTERM');
      const timer = setTimeout(() => signal(this.child, 'SIGKILL'), graceMs);
      await this.exitedPromise;
      clearTimeout(timer);
    }
  }

  /** Stops the instance and deletes its directory (keep it when a test failed, to read the log). */
  async dispose(keepDir = false): Promise<void> {
    await this.stop();
    if (!keepDir) rmSync(this.dir, { recursive: true, force: true });
  }
}

function writeFiles(dir: string, o: CharonOptions): void {
  const swanctl = join(dir, 'swanctl');
  for (const sub of ['x509', 'x509ca', 'private']) mkdirSync(join(swanctl, sub), { recursive: true });
  writeFileSync(join(swanctl, 'swanctl.conf'), o.swanctlConf);
  for (const [rel, content] of Object.entries(o.credentials ?? {})) {
    if (rel.startsWith('/') || rel.split('/').includes('..'))
      throw new RangeError(`credential path must stay in swanctl/: ${rel}`);
    mkdirSync(dirname(join(swanctl, rel)), { recursive: true });
    writeFileSync(join(swanctl, rel), content, { mode: 0o600 });
  }
  const conf = renderStrongswanConf({
    name: o.name,
    port: o.port,
    natTPort: o.natTPort,
    viciSocketPath: join(dir, 'charon.vici'),
    logPath: join(dir, 'charon.log'),
    kernel: o.kernel,
    akaRequestIdentity: o.akaRequestIdentity,
    akaSeqCheck: o.akaSeqCheck,
    logLevels: o.logLevels,
    loadTester: o.loadTester,
    charonSettings: o.charonSettings,
    extraPlugins: o.extraPlugins,
    pluginSections: o.pluginSections,
    retransmitTries: o.retransmitTries,
  });
  writeFileSync(join(dir, 'strongswan.conf'), conf);
}

/** Starts charon, waits for its VICI socket, loads swanctl.conf. On any failure the process is stopped. */
export async function startCharon(o: CharonOptions): Promise<Charon> {
  const plugin = ensureStrongswan();
  const dir = mkdtempSync(join(o.parentDir ?? tmpdir(), `dsmip-charon-${o.name}-`));
  writeFiles(dir, o);
  const out = openSync(join(dir, 'stdout.log'), 'w');
  const preload = o.loadTester ? `${plugin} ${loadTesterPluginPath()}` : plugin;
  const env = { ...process.env, STRONGSWAN_CONF: join(dir, 'strongswan.conf'), LD_PRELOAD: preload };
  // setpriv --pdeathsig: the kernel kills charon if this process dies, even by SIGKILL (exit hooks do not run
  // then); the flag survives the exec of `ip netns exec`, taskset and charon, which all keep the PID.
  const pinned = o.cpu === undefined ? [CHARON] : ['taskset', '-c', String(o.cpu), CHARON];
  const inNetns = o.netns === undefined ? pinned : ['ip', 'netns', 'exec', o.netns, ...pinned];
  const child = spawn('setpriv', ['--pdeathsig', 'KILL', '--', ...inNetns], { env, stdio: ['ignore', out, out] });
  closeSync(out);
  installExitHook();
  live.add(child);

  const deadline = Date.now() + (o.readyTimeoutMs ?? 10_000);
  let vici: ViciClient | undefined;
  let lastError: unknown;
  while (vici === undefined && Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
    try {
      vici = await ViciClient.connect(join(dir, 'charon.vici'));
    } catch (e) {
      lastError = e;
      await sleep(50);
    }
  }
  if (vici === undefined) {
    signal(child, 'SIGKILL');
    live.delete(child);
    const why = child.exitCode !== null ? `exited with ${child.exitCode}` : `no VICI socket (${String(lastError)})`;
    throw new Error(
      `charon ${o.name} did not come up: ${why}\n--- stdout.log\n${tail(join(dir, 'stdout.log'))}\n--- charon.log\n${tail(join(dir, 'charon.log'))}`,
    );
  }
  const charon = new Charon(o.name, dir, child, vici);
  try {
    await charon.loadAll();
  } catch (e) {
    await charon.stop();
    throw e;
  }
  return charon;
}

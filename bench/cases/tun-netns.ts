// User traffic through the HA's real user-space path (issue 7; target without ESP: ≥ 1 Gbit/s at 1400-byte packets
// and ≥ 100,000 packets/s at 100-byte packets, on one core), as root, in private network namespaces
// (tun-netns-lab.ts): the HA process (tun-netns-ha.ts) pinned to one core with taskset, a C load generator
// (tun-loadgen.c, sendmmsg; AES-GCM sealing for the ESP runs) pinned to the other. "One core" is the HA process's:
// a veth hands a packet to the peer namespace on the sending CPU, so the receive softirq of what the generator sends
// (uplink: the UDP receive up to the HA's socket; downlink: the routing into the HA's TUN device) runs on the
// generator's core, outside the HA's CPU time.
//   tun-uplink-*     UDP-encapsulated packets (RFC 5555 §4.1) from 1024 bound HoAs into the HA's 4191 → source
//                    check → TUN write (the kernel then routes them to a sink interface)
//   tun-downlink-*   packets the kernel routes into the HA's TUN for 1024 bound HoAs → binding lookup → UDP 4191 out
//   tun-esp-*        the same on one UE's ESP data SA (RFC 5555 §5.2.2, AES-256-GCM, UDP 4500): opened, selector
//                    and binding checks, TUN write; TUN read, sealed, sent
// Each figure is the growth of the HA forwarder's own counters (packets it wrote to the TUN device, or sent into a
// tunnel) over a 2-second window after a warm-up, not the offered load; Gbit/s counts inner packet bytes. An ESP
// figure fails unless its window shows the ESP path at work: data-SA packets opened (uplink), or the downlink SA's
// outbound sequence number grown (packets sealed).
// `*-cpu-per-gbit` is the HA process's CPU time (process.cpuUsage, user + system) per Gbit forwarded in the two
// 1400-byte windows. Not root, no native addon, no gcc/libcrypto headers or one CPU: the figures are reported as
// not measured, with the reason.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { nativeAvailability } from '../../src/node/net/native.ts';
import type { Bench, Figure } from '../harness.ts';
import {
  BINDINGS,
  CN6,
  DOWNLINK_COA,
  downlinkRing,
  ESP,
  HA_VETH6,
  HA4,
  LOADGEN4,
  LOADGEN6,
  UPLINK_PORT,
  uplinkRing,
} from './tun-netns-lab.ts';

export const benches: Bench[] = [];

const HERE = fileURLToPath(new URL('.', import.meta.url));
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const WARM_UP_S = 0.8;
const WINDOW_S = 2;
const SIZES = [1400, 100] as const;

type Direction = 'uplink' | 'downlink';
interface Run {
  readonly esp: boolean;
  readonly direction: Direction;
  readonly size: (typeof SIZES)[number];
}
interface Measured {
  readonly packets: number;
  readonly bytes: number;
  /** Inner packets the data SAs opened, and packets sealed on the downlink data SA, in the window. */
  readonly espOpened: number;
  readonly espSealed: number;
  readonly cpuUs: number;
  readonly ms: number;
  readonly drops: Record<string, number>;
  readonly offered: number;
}

function which(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Why the real path cannot be measured here, or undefined. */
function unavailable(): string | undefined {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return 'needs root on Linux (namespaces, TUN)';
  const native = nativeAvailability();
  if (!native.available) return native.reason;
  for (const cmd of ['ip', 'tc', 'taskset', 'gcc']) if (!which(cmd)) return `\`${cmd}\` is missing`;
  if (!existsSync('/usr/include/openssl/evp.h'))
    return 'the OpenSSL headers are missing (libssl-dev), for the load generator';
  if (availableParallelism() < 2) return 'needs two CPUs (the HA on one, the load generator on the other)';
  return undefined;
}

function figureName(r: Run): string {
  return `tun-${r.esp ? 'esp-' : ''}${r.direction}-${r.size}B`;
}

const RUNS: Run[] = [false, true].flatMap((esp) =>
  (['uplink', 'downlink'] as const).flatMap((direction) => SIZES.map((size) => ({ esp, direction, size }))),
);

function sh(args: string[]): void {
  execFileSync(args[0]!, args.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** The two namespaces, the veth pairs, the sink, addresses, routes and forwarding. */
function buildLab(ha: string, lg: string): void {
  sh(['ip', 'netns', 'add', ha]);
  sh(['ip', 'netns', 'add', lg]);
  sh(['ip', '-n', ha, 'link', 'set', 'lo', 'up']);
  sh(['ip', '-n', lg, 'link', 'set', 'lo', 'up']);
  sh(['ip', '-n', ha, 'link', 'add', 'dsmb0', 'type', 'veth', 'peer', 'name', 'dsmb1', 'netns', lg]);
  sh(['ip', '-n', ha, 'addr', 'add', `${HA4}/24`, 'dev', 'dsmb0']);
  sh(['ip', '-n', ha, '-6', 'addr', 'add', `${HA_VETH6}/64`, 'dev', 'dsmb0', 'nodad']);
  sh(['ip', '-n', ha, 'link', 'set', 'dsmb0', 'up']);
  sh(['ip', '-n', lg, 'addr', 'add', `${LOADGEN4}/24`, 'dev', 'dsmb1']);
  sh(['ip', '-n', lg, '-6', 'addr', 'add', `${LOADGEN6}/64`, 'dev', 'dsmb1', 'nodad']);
  sh(['ip', '-n', lg, 'link', 'set', 'dsmb1', 'up']);
  sh(['ip', '-n', lg, '-6', 'route', 'add', '2001:db8:100::/40', 'via', HA_VETH6]);
  // The rest of the world: an interface whose queue takes nothing (pfifo, limit 0) drops what is routed to it, as a
  // NIC's queue would take it (this kernel has no dummy device). Static neighbours: no ARP or ND on the way.
  sh(['ip', '-n', ha, 'link', 'add', 'dsmbd', 'type', 'veth', 'peer', 'name', 'dsmbp']);
  sh(['ip', '-n', ha, 'link', 'set', 'dsmbp', 'up']);
  sh(['ip', '-n', ha, 'link', 'set', 'dsmbd', 'up']);
  sh(['tc', '-n', ha, 'qdisc', 'replace', 'dev', 'dsmbd', 'root', 'pfifo', 'limit', '0']);
  sh(['ip', '-n', ha, 'route', 'add', '198.51.100.0/24', 'dev', 'dsmbd']);
  sh(['ip', '-n', ha, '-6', 'route', 'add', '2001:db8:6::/64', 'dev', 'dsmbd']);
  for (const a of [DOWNLINK_COA, CN6]) {
    sh(['ip', '-n', ha, 'neigh', 'replace', a, 'lladdr', '02:00:00:00:00:01', 'dev', 'dsmbd', 'nud', 'permanent']);
  }
  sh(['ip', 'netns', 'exec', ha, 'sysctl', '-qw', 'net.ipv6.conf.all.forwarding=1', 'net.ipv4.ip_forward=1']);
}

class HaProcess {
  private readonly lines: Interface;
  private readonly waiting: ((line: string) => void)[] = [];
  private readonly exited: Promise<void>;

  private constructor(readonly child: ChildProcess) {
    this.lines = createInterface({ input: child.stdout! });
    this.lines.on('line', (l) => this.waiting.shift()?.(l));
    // Listened for from the start: a child that already exited never emits 'exit' again.
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  static async start(ns: string): Promise<HaProcess> {
    const child = spawn(
      'ip',
      ['netns', 'exec', ns, 'taskset', '-c', '0', process.execPath, '--import', 'tsx', join(HERE, 'tun-netns-ha.ts')],
      { cwd: REPO, stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const p = new HaProcess(child);
    try {
      const ready = JSON.parse(await p.next(60_000)) as { ready?: boolean; tunnels?: number };
      if (!ready.ready || ready.tunnels !== 2 * (BINDINGS + 1)) {
        throw new Error(`HA process not ready: ${JSON.stringify(ready)}`);
      }
    } catch (e) {
      await p.stop(); // not left running when it never became ready
      throw e;
    }
    return p;
  }

  next(timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('the HA process did not answer')), timeoutMs);
      this.waiting.push((l) => {
        clearTimeout(t);
        resolve(l);
      });
    });
  }

  async measure(direction: Direction, seconds: number): Promise<Omit<Measured, 'offered'>> {
    const answer = this.next(seconds * 1000 + 10_000);
    this.child.stdin!.write(`measure ${direction} ${seconds}\n`);
    return JSON.parse(await answer) as Omit<Measured, 'offered'>;
  }

  /** Asks it to quit, kills it after 5 s; returns at once when it has exited already. */
  async stop(): Promise<void> {
    const c = this.child;
    if (c.exitCode !== null || c.signalCode !== null) return;
    c.stdin!.end('quit\n');
    const t = setTimeout(() => c.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(t);
  }
}

/** Runs the load generator for one figure in the load namespace, measuring in the HA meanwhile. */
async function runOne(r: Run, lg: string, gen: string, dir: string, ha: HaProcess): Promise<Measured> {
  const ring = join(dir, `${figureName(r)}.ring`);
  writeFileSync(ring, r.direction === 'uplink' ? uplinkRing(r.size, r.esp) : downlinkRing(r.size, r.esp));
  const source = r.direction === 'uplink' ? [LOADGEN4, String(r.esp ? 4500 : UPLINK_PORT)] : [LOADGEN6, '0'];
  const seconds = WARM_UP_S + WINDOW_S + 0.5;
  // Each ESP run starts its sequence numbers well above the previous run's (32-bit, no ESN: RFC 4303 §2.2).
  const firstSequence = String(1 + 100_000_000 * RUNS.indexOf(r));
  const esp = r.esp && r.direction === 'uplink' ? [ESP.uplink.spiIn.toString(16), ESP.uplink.key, firstSequence] : [];
  const child = spawn(
    'ip',
    ['netns', 'exec', lg, 'taskset', '-c', '1', gen, ...source, String(seconds), ring, ...esp],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout!.on('data', (b: Buffer) => {
    out += b.toString();
  });
  const done = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await new Promise((res) => setTimeout(res, WARM_UP_S * 1000));
  const m = await ha.measure(r.direction, WINDOW_S);
  if ((await done) !== 0) throw new Error(`load generator failed for ${figureName(r)}`);
  // An ESP figure measures the ESP path or nothing: the data SAs must show the window's packets.
  const espWork = r.direction === 'uplink' ? m.espOpened : m.espSealed;
  if (r.esp && espWork === 0) {
    throw new Error(`${figureName(r)}: no packet went through the data SA (${JSON.stringify(m.drops)})`);
  }
  return { ...m, offered: Number(out.trim()) / seconds };
}

async function measureAll(wanted: readonly Run[]): Promise<Map<string, Measured>> {
  const pid = process.pid;
  const haNs = `dsmb-ha-${pid}`;
  const lgNs = `dsmb-lg-${pid}`;
  const dir = mkdtempSync(join(tmpdir(), 'dsmip-tun-bench-'));
  const results = new Map<string, Measured>();
  let ha: HaProcess | undefined;
  try {
    const gen = join(dir, 'tun-loadgen');
    execFileSync('gcc', ['-O2', '-o', gen, join(HERE, 'tun-loadgen.c'), '-lcrypto'], { stdio: 'inherit' });
    buildLab(haNs, lgNs);
    ha = await HaProcess.start(haNs);
    for (const r of wanted) {
      const m = await runOne(r, lgNs, gen, dir, ha);
      results.set(figureName(r), m);
      const pps = (m.packets * 1000) / m.ms;
      const esp = r.esp ? `, ESP ${r.direction === 'uplink' ? `opened ${m.espOpened}` : `sealed ${m.espSealed}`}` : '';
      process.stderr.write(
        `# ${figureName(r)}: offered ${Math.round(m.offered)} pkt/s, forwarded ${Math.round(pps)} pkt/s${esp}, ` +
          `HA process CPU ${((m.cpuUs / 1000 / m.ms) * 100).toFixed(0)}% of its core ` +
          `(the veth receive softirq runs on the generator's core), drops ${JSON.stringify(m.drops)}\n`,
      );
    }
  } finally {
    await ha?.stop();
    for (const ns of [haNs, lgNs]) {
      try {
        sh(['ip', 'netns', 'del', ns]);
      } catch {
        // not created
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

const only = process.argv.slice(2);
const wants = (name: string) => only.length === 0 || only.some((o) => name.includes(o));
const cpuName = (esp: boolean) => `tun-${esp ? 'esp-' : ''}cpu-per-gbit`;
const wantedRuns = RUNS.filter((r) => wants(figureName(r)) || (r.size === 1400 && wants(cpuName(r.esp))));
let all: Promise<Map<string, Measured>> | undefined;
const results = () => {
  all ??= measureAll(wantedRuns);
  return all;
};

function rateFigure(r: Run): Figure {
  const name = figureName(r);
  return {
    name,
    unit: r.size === 1400 ? 'Gbit/s' : 'pkt/s',
    measure: async () => {
      const m = (await results()).get(name)!;
      return r.size === 1400 ? (m.bytes * 8) / (m.ms / 1000) / 1e9 : (m.packets * 1000) / m.ms;
    },
  };
}

function cpuFigure(esp: boolean): Figure {
  return {
    name: cpuName(esp),
    unit: 'core-s/Gbit',
    measure: async () => {
      const r = await results();
      const runs = ['uplink', 'downlink'].map((d) => r.get(`tun-${esp ? 'esp-' : ''}${d}-1400B`)!);
      const cpuS = runs.reduce((s, m) => s + m.cpuUs / 1e6, 0);
      const gbit = runs.reduce((s, m) => s + (m.bytes * 8) / 1e9, 0);
      return cpuS / gbit;
    },
  };
}

const why = unavailable();
export const figures: Figure[] = why
  ? []
  : [
      ...RUNS.filter((r) => !r.esp).map(rateFigure),
      cpuFigure(false),
      ...RUNS.filter((r) => r.esp).map(rateFigure),
      cpuFigure(true),
    ];
if (why) {
  for (const name of [...RUNS.map(figureName), cpuName(false), cpuName(true)].filter(wants)) {
    console.log(`${name}: not measured (${why})`);
  }
}

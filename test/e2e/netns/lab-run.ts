/**
 * One end-to-end run in a fresh lab (topology.ts): dnsmasq for the HA-APN and a UDP echo server in the
 * correspondent node's namespace, `dsmip ha` in the HA's, dumpcap on the HA's WAN link (running before the UE starts), then `dsmip ue` in the UE's.
 * `close()` stops everything it started, by PID, and deletes the namespaces and files whatever happened before;
 * `report()` gathers what a CI log needs to diagnose a failure (both nodes' logs, dnsmasq's, the NAT's conntrack
 * table and a one-line-per-packet decode of the capture).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Daemon } from '../../peers/dhcp-dns/daemon.ts';
import { ensureDhcpDnsPeers } from '../../peers/dhcp-dns/install.ts';
import { type DecodedPacket, plainSummary, summary } from './capture-decode.ts';
import {
  HA_METRICS,
  type HaOptions,
  startLabDns,
  type UeOptions,
  type UeTimers,
  ueKeyDir,
  writeHaConfig,
  writeUeConfig,
} from './lab-files.ts';
import { lineWith, NodeProcess } from './node-process.ts';
import { type AccessKind, buildLab, type Lab, natConntrack, runIn } from './topology.ts';
import { startEchoServer } from './user-plane.ts';
import { startWanCapture, type WanCapture } from './wan-capture.ts';

const run = promisify(execFile);

export interface LabRun {
  readonly lab: Lab;
  readonly dir: string;
  readonly ha: NodeProcess;
  /** Started by `startUe`. */
  ue: NodeProcess | undefined;
  readonly capture: WanCapture;
  /** The UDP echo server on the correspondent node (user-plane.ts). */
  readonly echo: Daemon;
  /** The UE's key log directory (WIRESHARK_CONFIG_DIR for the decode). */
  readonly keyDir: string;
  startUe(): NodeProcess;
  /** GET on the HA's metrics server, from inside the HA's namespace. */
  haHttp(path: '/status' | '/metrics'): Promise<string>;
  /** Everything needed to diagnose a failure; `packets` when the capture was decoded already. */
  report(packets?: readonly DecodedPacket[]): Promise<string>;
  close(): Promise<void>;
}

const liveDirs = new Set<string>();
let exitHookInstalled = false;

export async function startLabRun(
  access: AccessKind,
  tag: string,
  timers: UeTimers,
  haOptions: HaOptions = {},
  ueOptions: UeOptions = {},
): Promise<LabRun> {
  ensureDhcpDnsPeers();
  const lab = buildLab(access, tag); // an exit hook deletes its namespaces if anything below throws
  const dir = mkdtempSync(join(tmpdir(), `dsmip-netns-${tag}-`));
  liveDirs.add(dir);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const d of liveDirs) rmSync(d, { recursive: true, force: true });
    });
  }
  let dns: Daemon | undefined;
  let ha: NodeProcess | undefined;
  let capture: WanCapture | undefined;
  let echo: Daemon | undefined;
  const cleanup = async (): Promise<void> => {
    await r.ue?.kill();
    await ha?.kill();
    await dns?.stop();
    await echo?.stop();
    await capture?.stop();
    lab.dispose();
  };
  const r: LabRun = {
    lab,
    dir,
    get ha(): NodeProcess {
      if (!ha) throw new Error('the HA was not started');
      return ha;
    },
    ue: undefined,
    get echo(): Daemon {
      if (!echo) throw new Error('the echo server was not started');
      return echo;
    },
    get capture(): WanCapture {
      if (!capture) throw new Error('the capture was not started');
      return capture;
    },
    keyDir: ueKeyDir(dir),
    startUe() {
      r.ue = NodeProcess.start({
        name: 'ue',
        netns: lab.ns.ue,
        command: 'ue',
        configPath: writeUeConfig(lab, dir, timers, ueOptions),
        logPath: join(dir, 'ue.log'),
      });
      return r.ue;
    },
    haHttp: async (path) => {
      const url = `http://${HA_METRICS.address}:${HA_METRICS.port}${path}`;
      // A one-line Node client run inside the HA's namespace (the test process lives in another one).
      const client = `fetch(${JSON.stringify(url)}, { signal: AbortSignal.timeout(3000) })
        .then(async (r) => { if (!r.ok) throw new Error('HTTP ' + r.status); process.stdout.write(await r.text()); })`;
      const { stdout } = await run('ip', ['netns', 'exec', lab.ns.ha, process.execPath, '-e', client]);
      return stdout;
    },
    report: async (packets) => {
      const conntrack = access === 'ipv4-nat' ? safe(() => natConntrack(lab).join('\n')) : '(no NAT)';
      const decoded = packets ? summary(packets) : capture ? await plainSummary(capture.file, r.keyDir) : '';
      return [
        `==== lab ${JSON.stringify(lab.ns)} in ${dir}`,
        `==== UE (pid ${r.ue?.pid}) log\n${r.ue?.text() ?? '(not started)'}`,
        `==== HA (pid ${ha?.pid}) log\n${ha?.text() ?? '(not started)'}`,
        `==== dnsmasq log\n${dns?.log() ?? '(not started)'}`,
        `==== UDP echo server on the CN\n${echo?.log() ?? '(not started)'}`,
        `==== NAT conntrack (UDP)\n${conntrack}`,
        `==== UE addresses and routes\n${safe(() => ueNetworkState(lab))}`,
        `==== capture on the HA's WAN link\n${decoded}`,
      ].join('\n');
    },
    close: async () => {
      await cleanup();
      rmSync(dir, { recursive: true, force: true });
      liveDirs.delete(dir);
    },
  };
  try {
    dns = await startLabDns(lab, dir);
    echo = await startEchoServer(lab, dir);
    ha = NodeProcess.start({
      name: 'ha',
      netns: lab.ns.ha,
      command: 'ha',
      configPath: writeHaConfig(lab, dir, haOptions),
      logPath: join(dir, 'ha.log'),
    });
    // The capture starts while the HA loads (the HA sends nothing on its own); both are up before the UE runs.
    const probe = { probeFrom: lab.ns.gw, probeTo: lab.haIpv4 };
    capture = await startWanCapture({ netns: lab.ns.ha, iface: lab.haWanInterface, dir, ...probe });
    await ha.waitFor('"home agent up"', (lines) => lineWith(lines, 'home agent up'), 20_000);
  } catch (e) {
    const report = await r.report();
    await r.close();
    throw new Error(`lab setup failed: ${(e as Error).message}\n${report}`);
  }
  return r;
}

function ueNetworkState(lab: Lab): string {
  const ue = lab.ns.ue;
  return [runIn(ue, 'ip', 'addr'), runIn(ue, 'ip', 'route'), runIn(ue, 'ip', '-6', 'route')].join('\n');
}

function safe(f: () => string): string {
  try {
    return f();
  } catch (e) {
    return `(failed: ${(e as Error).message})`;
  }
}

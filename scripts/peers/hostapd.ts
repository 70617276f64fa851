/**
 * Runs Debian's hostapd 2.10 as a RADIUS EAP-AKA / EAP-AKA' server for tests (child processes of the test, no
 * systemd), with hostapd's own HLR/AuC gateway `hlr_auc_gw` (built by install-hostapd.sh) computing Milenage from
 * a private database file. `startHostapdAaa()` writes a private directory, starts hlr_auc_gw on a UNIX datagram
 * socket and hostapd with `driver=none` as a RADIUS server on a free loopback port, and waits until hostapd says
 * it is ready. `stop()` ends both by PID. Both run under `setpriv --pdeathsig KILL`, so they die with the test.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freeUdpPorts } from './strongswan.ts';

const INSTALL_SCRIPT = new URL('./install-hostapd.sh', import.meta.url).pathname;
let gatewayPath: string | undefined;

/** Installs/builds what is missing (once per process) and returns hlr_auc_gw's path. */
export function ensureHostapd(): string {
  if (gatewayPath !== undefined) return gatewayPath;
  const r = spawnSync('bash', [INSTALL_SCRIPT], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0)
    throw new Error(`scripts/peers/install-hostapd.sh failed (exit ${r.status}):\n${r.stderr.trim()}`);
  const path = r.stdout.trim().split('\n').at(-1) ?? '';
  if (!path.endsWith('hlr_auc_gw')) throw new Error(`install-hostapd.sh printed no hlr_auc_gw path: ${r.stdout}`);
  gatewayPath = path;
  return path;
}

/** One Milenage subscriber line of hlr_auc_gw's database: IMSI Ki OPc AMF SQN (hex). */
export interface HlrSubscriber {
  readonly imsi: string;
  readonly k: string;
  readonly opc: string;
  readonly amf: string;
  readonly sqn: string;
}

export interface HostapdAaaOptions {
  readonly secret: string;
  readonly subscribers: readonly HlrSubscriber[];
  /** RADIUS clients allowed (default 127.0.0.1/32). */
  readonly clientNetwork?: string;
  /** A database file to reuse (to restart with the same SQN state); written from `subscribers` when absent. */
  readonly milenageDb?: string;
}

export class HostapdAaa {
  constructor(
    readonly dir: string,
    readonly port: number,
    readonly milenageDb: string,
    private readonly children: ChildProcess[],
  ) {}

  log(): string {
    return readFileSync(join(this.dir, 'hostapd.log'), 'utf8');
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null || c.pid === undefined) return resolve();
            c.once('exit', () => resolve());
            process.kill(c.pid, 'SIGTERM');
          }),
      ),
    );
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function spawnLogged(dir: string, name: string, argv: string[]): ChildProcess {
  const out = openSync(join(dir, `${name}.log`), 'w');
  const child = spawn('setpriv', ['--pdeathsig', 'KILL', '--', ...argv], { stdio: ['ignore', out, out] });
  closeSync(out);
  return child;
}

export async function startHostapdAaa(o: HostapdAaaOptions): Promise<HostapdAaa> {
  const gateway = ensureHostapd();
  const dir = mkdtempSync(join(tmpdir(), 'dsmip-hostapd-'));
  const [port] = await freeUdpPorts(1);
  const db = o.milenageDb ?? join(dir, 'milenage.db');
  if (!o.milenageDb) {
    writeFileSync(db, `${o.subscribers.map((s) => `${s.imsi} ${s.k} ${s.opc} ${s.amf} ${s.sqn}`).join('\n')}\n`);
  }
  const sock = join(dir, 'hlr.sock');
  writeFileSync(join(dir, 'clients'), `${o.clientNetwork ?? '127.0.0.1/32'} ${o.secret}\n`);
  // Identities starting with "0" are EAP-AKA permanent identities, "6" EAP-AKA' (RFC 4187 §4.1.1.6, RFC 5448 §3).
  writeFileSync(join(dir, 'eap_users'), '"0"* AKA\n"6"* AKA\'\n');
  writeFileSync(
    join(dir, 'hostapd.conf'),
    [
      'driver=none',
      'interface=as0',
      'logger_stdout=-1',
      'logger_stdout_level=0',
      `radius_server_clients=${join(dir, 'clients')}`,
      `radius_server_auth_port=${port}`,
      'eap_server=1',
      `eap_user_file=${join(dir, 'eap_users')}`,
      `eap_sim_db=unix:${sock}`,
      '',
    ].join('\n'),
  );
  // -u keeps SQN in the database file across restarts (TS 33.102 Annex C: the HE's SQN only moves forward).
  const hlr = spawnLogged(dir, 'hlr', [gateway, '-u', '-m', db, '-s', sock]);
  const children = [hlr];
  try {
    for (let i = 0; !existsSync(sock); i++) {
      if (i > 100 || hlr.exitCode !== null)
        throw new Error(`hlr_auc_gw did not start: ${readFileSync(join(dir, 'hlr.log'), 'utf8')}`);
      await sleep(20);
    }
    const hostapd = spawnLogged(dir, 'hostapd', ['/usr/sbin/hostapd', '-dd', join(dir, 'hostapd.conf')]);
    children.push(hostapd);
    for (let i = 0; ; i++) {
      const log = readFileSync(join(dir, 'hostapd.log'), 'utf8');
      if (/RADIUS server: (?:Created|using) |interface state .*ENABLED|as0: AP-ENABLED/.test(log)) break;
      if (i > 150 || hostapd.exitCode !== null) throw new Error(`hostapd did not start:\n${log}`);
      await sleep(20);
    }
    return new HostapdAaa(dir, port!, db, children);
  } catch (e) {
    await new HostapdAaa(dir, port!, db, children).stop();
    throw e;
  }
}

/**
 * Kea 2.2 DHCPv6 / DHCPv4 servers inside a test's server namespace, each with a private directory for its
 * configuration, PID and lock files (KEA_PIDFILE_DIR, KEA_LOCKFILE_DIR), logging to a file; stopped by PID.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Daemon, startDaemon } from './daemon.ts';

export interface Kea {
  readonly daemon: Daemon;
  readonly dir: string;
  stop(keepDir?: boolean): Promise<void>;
}

/** `config` is the object under "Dhcp6" / "Dhcp4"; a stdout logger is added. */
export async function startKea(family: 4 | 6, netns: string, config: Record<string, unknown>): Promise<Kea> {
  const dir = mkdtempSync(join(tmpdir(), `dsmip-kea${family}-`));
  const key = family === 6 ? 'Dhcp6' : 'Dhcp4';
  const program = family === 6 ? 'kea-dhcp6' : 'kea-dhcp4';
  const full = {
    [key]: {
      'lease-database': { type: 'memfile', persist: false },
      ...config,
      loggers: [{ name: program, output_options: [{ output: 'stdout' }], severity: 'DEBUG', debuglevel: 40 }],
    },
  };
  const conf = join(dir, `${program}.json`);
  writeFileSync(conf, JSON.stringify(full, null, 1));
  const daemon = await startDaemon({
    name: program,
    argv: [`/usr/sbin/${program}`, '-c', conf],
    netns,
    env: { KEA_PIDFILE_DIR: dir, KEA_LOCKFILE_DIR: dir },
    logPath: join(dir, `${program}.log`),
    readyPattern: family === 6 ? /DHCP6_STARTED/ : /DHCP4_STARTED/,
  });
  return {
    daemon,
    dir,
    stop: async (keepDir = false) => {
      await daemon.stop();
      if (!keepDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

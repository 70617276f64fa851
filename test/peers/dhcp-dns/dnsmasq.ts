/**
 * dnsmasq 2.90 as the DNS server for the HA-APN, on 127.0.0.1 at a free port, answering only from its own records
 * (no upstream): `host-record` lines with explicit TTLs; names under the `local=` domains that it does not know are
 * NXDOMAIN, and a known name without records of a type is NODATA (PEERS.md "DHCP and DNS servers").
 */
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { NodeDnsResolver } from '../../../src/node/dns/resolver.ts';
import { type Daemon, startDaemon } from './daemon.ts';

export interface DnsmasqRecord {
  readonly name: string;
  readonly ipv6?: readonly string[];
  readonly ipv4?: readonly string[];
  readonly ttlSec: number;
}

export interface Dnsmasq {
  /** `127.0.0.1:<port>` for `Resolver.setServers`. */
  readonly server: string;
  readonly daemon: Daemon;
  stop(): Promise<void>;
}

/** A port free for both UDP and TCP on 127.0.0.1 right now (dnsmasq serves both). */
async function freeDnsPort(): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const udp = createSocket('udp4');
    const port = await new Promise<number>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(0, '127.0.0.1', () => resolve(udp.address().port));
    });
    const tcpFree = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    await new Promise<void>((resolve) => udp.close(() => resolve()));
    if (tcpFree) return port;
  }
  throw new Error('no free DNS port on 127.0.0.1');
}

/** host-record takes one IPv4 and one IPv6 address per line; more addresses take more lines for the same name. */
export function dnsmasqConf(port: number, records: readonly DnsmasqRecord[], localDomains: readonly string[]): string {
  const lines = [`port=${port}`, 'listen-address=127.0.0.1', 'bind-interfaces', 'no-resolv', 'no-hosts', 'log-queries'];
  for (const r of records) {
    const n = Math.max(r.ipv4?.length ?? 0, r.ipv6?.length ?? 0);
    for (let i = 0; i < n; i++) {
      const addresses = [r.ipv4?.[i], r.ipv6?.[i]].filter((a) => a !== undefined);
      lines.push(`host-record=${r.name},${addresses.join(',')},${r.ttlSec}`);
    }
  }
  for (const d of localDomains) lines.push(`local=/${d}/`);
  return `${lines.join('\n')}\n`;
}

export async function startDnsmasq(
  records: readonly DnsmasqRecord[],
  localDomains: readonly string[],
): Promise<Dnsmasq> {
  const dir = mkdtempSync(join(tmpdir(), 'dsmip-dnsmasq-'));
  for (let attempt = 0; ; attempt++) {
    const port = await freeDnsPort();
    const conf = join(dir, 'dnsmasq.conf');
    writeFileSync(conf, dnsmasqConf(port, records, localDomains));
    let daemon: Daemon;
    try {
      // -k: stay in the foreground (no fork, so the PID is dnsmasq's); no PID file; log to stderr.
      daemon = await startDaemon({
        name: 'dnsmasq',
        argv: ['/usr/sbin/dnsmasq', '-k', '-C', conf, '--pid-file', '--log-facility=-'],
        logPath: join(dir, 'dnsmasq.log'),
        readyPattern: /started, version/,
      });
    } catch (e) {
      if (attempt < 3) continue; // the port was taken in between
      throw e;
    }
    // Ready when it answers: the log line comes just before the sockets serve.
    const probe = new NodeDnsResolver({ servers: [`127.0.0.1:${port}`], timeoutMs: 200, tries: 1 });
    for (let i = 0; i < 50; i++) {
      const r = await probe.lookup(records[0]?.name ?? 'probe.invalid', 'A');
      if (r.kind !== 'error') break;
      await sleep(20);
    }
    return {
      server: `127.0.0.1:${port}`,
      daemon,
      stop: async () => {
        await daemon.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}

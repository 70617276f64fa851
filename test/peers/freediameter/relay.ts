/**
 * freeDiameter 1.2 (Debian) as a Diameter relay between the HA's client and our AAA server: plain TCP on loopback,
 * its own Identity and realm, a ConnectPeer to the AAA server (No_TLS), acl_wl letting the HA connect without TLS
 * (ALLOW_IPSEC: "implicitly protected", i.e. no TLS on the Diameter connection), and the dictionaries that know
 * the S6b AVPs (dict_eap RFC 4072, dict_nasreq, dict_mip6i RFC 5778, dict_dcca + dict_dcca_3gpp for RAT-Type).
 * Relaying is freeDiameter's default (it advertises the relay application 0xffffffff).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Daemon, startDaemon } from '../dhcp-dns/daemon.ts';

export const INSTALL_SCRIPT = new URL('../../../scripts/peers/install-freediameter.sh', import.meta.url).pathname;
const EXT = '/usr/lib/freeDiameter';

let installed = false;
export function ensureFreeDiameter(): void {
  if (installed) return;
  const r = spawnSync('bash', [INSTALL_SCRIPT], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`scripts/peers/install-freediameter.sh failed:\n${r.stderr.trim()}`);
  installed = true;
}

export interface RelayOptions {
  readonly dir: string;
  readonly identity: string; // e.g. relay1.relay.example
  readonly realm: string;
  readonly port: number;
  /** The AAA server it connects to. */
  readonly aaa: { readonly identity: string; readonly port: number };
  /** Peers allowed to connect to it without TLS (the HA). */
  readonly allow: readonly string[];
}

/** A self-signed certificate: freeDiameter 1.2 refuses to start without TLS_Cred even if no peer uses TLS. */
function makeCert(dir: string, name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.cert.pem`);
  const key = join(dir, `${name}.key.pem`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}

export async function startRelay(o: RelayOptions): Promise<Daemon> {
  const { cert, key } = makeCert(o.dir, o.identity);
  const acl = join(o.dir, `${o.identity}.acl.conf`);
  writeFileSync(acl, `ALLOW_IPSEC ${o.allow.join(' ')}\n`);
  const conf = join(o.dir, `${o.identity}.conf`);
  writeFileSync(
    conf,
    [
      `Identity = "${o.identity}";`,
      `Realm = "${o.realm}";`,
      `Port = ${o.port};`,
      'SecPort = 0;',
      'No_SCTP;',
      'No_IPv6;',
      'ListenOn = "127.0.0.1";',
      'TwTimer = 6;',
      'TcTimer = 1;',
      `TLS_Cred = "${cert}", "${key}";`,
      `TLS_CA = "${cert}";`,
      'AppServThreads = 1;',
      ...['dict_nasreq', 'dict_eap', 'dict_rfc5777', 'dict_mip6i', 'dict_dcca', 'dict_dcca_3gpp'].map(
        (d) => `LoadExtension = "${EXT}/${d}.fdx";`,
      ),
      `LoadExtension = "${EXT}/acl_wl.fdx" : "${acl}";`,
      `ConnectPeer = "${o.aaa.identity}" { ConnectTo = "127.0.0.1"; Port = ${o.aaa.port}; No_TLS; No_SCTP; };`,
      '',
    ].join('\n'),
  );
  return startDaemon({
    name: `freeDiameterd ${o.identity}`,
    argv: ['freeDiameterd', '-c', conf],
    logPath: join(o.dir, `${o.identity}.log`),
    readyPattern: /Core state: 2 -> 3|freeDiameterd daemon initialized/,
    readyTimeoutMs: 15_000,
  });
}

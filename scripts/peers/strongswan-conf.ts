/**
 * strongswan.conf for one private charon test instance (strongSwan 5.9, run as charon-systemd, which falls
 * back to the `charon` section). Everything a test peer needs is set here, nothing is read from /etc:
 * ports, a private VICI socket, a file log whose `ike = 4` level dumps the IKE keys, the plugin list (with
 * `fips-prf`, without which the EAP-AKA method does not load) and the EAP-AKA knobs.
 */

const yesNo = (b: boolean): string => (b ? 'yes' : 'no');

export type CharonKernel = 'netlink' | 'libipsec';

/** charon's log groups (strongswan.conf(5), "Logger Configuration"); -1 silences, 4 is the most verbose. */
export type CharonLogGroup = 'default' | 'ike' | 'cfg' | 'enc' | 'net' | 'knl' | 'chd' | 'job' | 'lib' | 'asn';

export interface StrongswanConfOptions {
  /** Shown in the file's header comment. */
  readonly name: string;
  /** IKE port; 0 lets the kernel choose (an initiator needs no fixed port). */
  readonly port: number;
  /** NAT-T port (RFC 3948); 0 lets the kernel choose. */
  readonly natTPort: number;
  readonly viciSocketPath: string;
  readonly logPath: string;
  /**
   * kernel-netlink only: IKE SAs work, CHILD_SAs cannot be installed on a kernel without ESP.
   * kernel-libipsec adds user-space ESP over a TUN device (tunnel mode, UDP-encapsulated only).
   */
  readonly kernel?: CharonKernel;
  /** eap-aka `request_identity`: whether the server starts with AKA-Identity (RFC 4187 §4.1.2); default no. */
  readonly akaRequestIdentity?: boolean;
  /** eap-aka-3gpp `seq_check`: whether the card (peer) checks the SQN freshness; default no. */
  readonly akaSeqCheck?: boolean;
  /** Per-group file log levels, merged over the defaults (ike 4 so keys are logged). */
  readonly logLevels?: Partial<Record<CharonLogGroup, number>>;
  readonly retransmitTries?: number;
  readonly retransmitTimeoutSec?: number;
  /** Plugins loaded in addition to the fixed list. */
  readonly extraPlugins?: readonly string[];
  /**
   * Settings of the load-tester plugin (`charon.plugins.load-tester`, LD_PRELOADed like eap-aka-3gpp): when given,
   * the plugin is loaded before kernel-netlink, so its fake kernel (`fake_kernel = yes`) is the kernel-ipsec
   * interface that CHILD_SAs are installed in, and `enable = yes` is implied.
   */
  readonly loadTester?: Readonly<Record<string, SettingValue>>;
  /** Further `charon.*` settings, e.g. `ikesa_table_size`, `block_threshold`, `cookie_threshold`. */
  readonly charonSettings?: Readonly<Record<string, SettingValue>>;
  /** Lines added inside `charon.plugins { }`, e.g. an `eap-radius { servers { ... } }` section. */
  readonly pluginSections?: readonly string[];
}

export type SettingValue = string | number | boolean;

function settingLine(indent: string, key: string, value: SettingValue): string {
  const text = typeof value === 'boolean' ? yesNo(value) : String(value);
  // A value ends at a newline; a brace would open a section, `#` a comment.
  if (!/^[\w.-]+$/.test(key) || /[\n{}#]/.test(text)) throw new RangeError(`bad strongswan.conf setting ${key}`);
  return `${indent}${key} = ${text}`;
}

/** Loaded in this order (load_modular = no); eap-aka-3gpp comes from the LD_PRELOADed build. */
const BASE_PLUGINS = [
  'random',
  'nonce',
  'openssl',
  'pem',
  'pkcs1',
  'pkcs8',
  'x509',
  'revocation',
  'constraints',
  'pubkey',
  'aes',
  'sha1',
  'sha2',
  'hmac',
  'gcm',
  'curve25519',
  'kdf',
  'fips-prf',
];
const TAIL_PLUGINS = ['socket-default', 'vici', 'eap-identity', 'eap-aka', 'eap-aka-3gpp'];

export const DEFAULT_LOG_LEVELS: Readonly<Record<CharonLogGroup, number>> = {
  default: 1,
  ike: 4, // DBG4 dumps Sk_e/Sk_a and natd_chunk (the SPIs) that keys-from-log turns into Wireshark's table
  cfg: 2, // "selected proposal", pool leases, attribute handling
  enc: 1,
  net: 1,
  knl: 1,
  chd: 1,
  job: 1,
  lib: 1,
  asn: 0,
};

function checkPort(name: string, port: number): void {
  if (!Number.isInteger(port) || port < 0 || port > 0xffff) throw new RangeError(`${name} must be 0..65535: ${port}`);
}

function checkPath(name: string, path: string): void {
  // strongswan.conf values end at a newline; a brace or a quote would open a section or string.
  if (!path.startsWith('/') || /[\s{}"#]/.test(path))
    throw new RangeError(`${name} must be an absolute plain path: ${path}`);
}

export function renderStrongswanConf(o: StrongswanConfOptions): string {
  checkPort('port', o.port);
  checkPort('natTPort', o.natTPort);
  checkPath('viciSocketPath', o.viciSocketPath);
  checkPath('logPath', o.logPath);
  const kernel = o.kernel ?? 'netlink';
  const plugins = [
    ...BASE_PLUGINS,
    ...(kernel === 'libipsec' ? ['kernel-libipsec'] : []),
    ...(o.loadTester ? ['load-tester'] : []),
    'kernel-netlink',
    ...TAIL_PLUGINS,
    ...(o.extraPlugins ?? []),
  ];
  const levels = { ...DEFAULT_LOG_LEVELS, ...o.logLevels };
  const logLines = Object.entries(levels).map(([group, level]) => `      ${group} = ${level}`);
  const libipsec = kernel === 'libipsec' ? ['    kernel-libipsec {', '      allow_peer_ts = yes', '    }'] : [];
  const loadTester = o.loadTester
    ? [
        '    load-tester {',
        ...Object.entries({ enable: true, ...o.loadTester }).map(([k, v]) => settingLine('      ', k, v)),
        '    }',
      ]
    : [];
  const charonSettings = Object.entries(o.charonSettings ?? {}).map(([k, v]) => settingLine('  ', k, v));
  return [
    `# charon test instance "${o.name}", generated by scripts/peers/strongswan-conf.ts`,
    'charon {',
    '  load_modular = no',
    `  load = ${plugins.join(' ')}`,
    `  port = ${o.port}`,
    `  port_nat_t = ${o.natTPort}`,
    '  install_virtual_ip = no',
    '  install_routes = no',
    '  routing_table = 0', // no policy-routing rule in the host's tables
    `  retransmit_tries = ${o.retransmitTries ?? 2}`,
    `  retransmit_timeout = ${o.retransmitTimeoutSec ?? 2}`,
    ...charonSettings,
    '  plugins {',
    '    vici {',
    `      socket = unix://${o.viciSocketPath}`,
    '    }',
    '    eap-aka {',
    `      request_identity = ${yesNo(o.akaRequestIdentity ?? false)}`,
    '    }',
    '    eap-aka-3gpp {',
    `      seq_check = ${yesNo(o.akaSeqCheck ?? false)}`,
    '    }',
    ...libipsec,
    ...loadTester,
    ...(o.pluginSections ?? []).map((l) => `    ${l}`),
    '  }',
    '  filelog {',
    '    test {',
    `      path = ${o.logPath}`,
    '      time_format = %H:%M:%S',
    '      ike_name = yes',
    '      append = no',
    '      flush_line = yes',
    ...logLines,
    '    }',
    '  }',
    '  journal {',
    '    default = -1',
    '  }',
    '  syslog {',
    '    daemon {',
    '      default = -1',
    '    }',
    '  }',
    '}',
    'swanctl {',
    `  socket = unix://${o.viciSocketPath}`,
    '}',
    '',
  ].join('\n');
}

/**
 * Structured logs (pino): JSON lines by default, pino-pretty on a terminal or when asked, one child logger per
 * component, the level from config. Key material never reaches a log line unless `logSecrets` is set: the key log
 * files (keylog.ts) are the way to decrypt a capture. Byte strings are logged as hex, addresses as text.
 */
import type { Writable } from 'node:stream';
import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';
import pinoPretty from 'pino-pretty';
import type { LogFormat, LogLevel } from '../config/common-schema.ts';
import { toHex } from '../util/hex.ts';

/** A pino logger. */
export type { Logger };

/** The parts of the system that log; each gets its own child logger with `component` set. */
export type LogComponent =
  | 'ike'
  | 'esp'
  | 'eap'
  | 'aaa'
  | 'mip'
  | 'dhcp'
  | 'discovery'
  | 'dns'
  | 'net'
  | 'tun'
  | 'node'
  | 'metrics'
  | 'config'
  | 'cli'
  | 'demo';

/** Level, format, destination and name of a logger made by createLogger. */
export interface LogOptions {
  readonly level?: LogLevel;
  readonly format?: LogFormat;
  /** Let key material through (debugging only). */
  readonly logSecrets?: boolean;
  /** Where lines go; default standard output. */
  readonly destination?: Writable & { readonly isTTY?: boolean };
  /** `name` field of every line, e.g. `dsmip-ha`. */
  readonly name?: string;
  /** Colours in pretty output; default: when the destination is a terminal. */
  readonly color?: boolean;
}

const REDACTED = '[redacted]';
/** Longest byte string logged in full; longer ones are cut (a packet dump belongs in the pcap). */
const MAX_LOGGED_BYTES = 256;
const MAX_DEPTH = 8;

/**
 * Field names that hold key material, compared case-insensitively: USIM and AKA values (TS 33.102 §6.3: K, OPc,
 * CK, IK, RES), EAP-AKA keys (RFC 4187 §7: MK, K_encr, K_aut, MSK, EMSK), IKEv2 keys (RFC 7296 §2.14: SKEYSEED,
 * SK_d, SK_ai/ar, SK_ei/er, SK_pi/pr), ESP keys, private keys and secrets.
 */
const SECRET_FIELDS = new Set(
  [
    'k',
    'opc',
    'op',
    'ck',
    'ik',
    'kc',
    'res',
    'xres',
    'mk',
    'msk',
    'emsk',
    'kAut',
    'kEncr',
    'kRe',
    'skeyseed',
    'skD',
    'skAi',
    'skAr',
    'skEi',
    'skEr',
    'skPi',
    'skPr',
    'keymat',
    'encrKey',
    'integKey',
    'cipherKey',
    'privateKey',
    'sharedSecret',
    'psk',
    'preSharedKey',
    'password',
  ].map((s) => s.toLowerCase()),
);

export function isSecretField(name: string): boolean {
  const n = name.toLowerCase();
  return SECRET_FIELDS.has(n) || n.endsWith('secret');
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function bytesText(b: Uint8Array): string {
  return b.length <= MAX_LOGGED_BYTES ? toHex(b) : `${toHex(b.subarray(0, MAX_LOGGED_BYTES))}…(${b.length} bytes)`;
}

/**
 * A copy of a log object fit for a log line: secret fields replaced (unless `logSecrets`), byte strings as hex.
 * Plain objects and arrays are walked to a bounded depth; other objects (errors, addresses) are left to their
 * serializers and `toJSON`.
 */
export function sanitizeLogObject(value: unknown, logSecrets: boolean, depth = 0): unknown {
  if (value instanceof Uint8Array) return bytesText(value);
  if (value === null || typeof value !== 'object' || depth >= MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((v) => sanitizeLogObject(v, logSecrets, depth + 1));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = !logSecrets && isSecretField(k) ? REDACTED : sanitizeLogObject(v, logSecrets, depth + 1);
  }
  return out;
}

function loggerOptions(o: LogOptions): LoggerOptions {
  const logSecrets = o.logSecrets ?? false;
  return {
    level: o.level ?? 'info',
    ...(o.name ? { name: o.name } : {}),
    base: o.name ? { name: o.name } : {},
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
      log: (obj) => sanitizeLogObject(obj, logSecrets) as Record<string, unknown>,
    },
  };
}

/**
 * Whether a logger lets secrets through: child bindings are serialized apart from each line's fields (pino does
 * not pass them through `formatters.log`), so `componentLogger` sanitizes them itself with its parent's setting.
 */
const SECRETS_ALLOWED = new WeakMap<Logger, boolean>();

function remember(logger: Logger, o: LogOptions): Logger {
  SECRETS_ALLOWED.set(logger, o.logSecrets ?? false);
  return logger;
}

/** The root logger. `format: auto` is pretty on a terminal and JSON otherwise. */
export function createLogger(o: LogOptions = {}): Logger {
  const destination = o.destination ?? process.stdout;
  const tty = destination.isTTY === true;
  const pretty = o.format === 'pretty' || ((o.format ?? 'auto') === 'auto' && tty);
  if (!pretty) return remember(pino(loggerOptions(o), destination as DestinationStream), o);
  const stream = pinoPretty({
    destination,
    sync: true,
    colorize: o.color ?? tty,
    ignore: 'pid,hostname,name',
    translateTime: 'SYS:HH:MM:ss.l',
    messageFormat: '{if component}[{component}] {end}{msg}',
    hideObject: false,
  });
  return remember(pino(loggerOptions(o), stream), o);
}

/** The logger of one component: every line carries `component` (and `bindings`, sanitized like fields). */
export function componentLogger(root: Logger, component: LogComponent, bindings: Record<string, unknown> = {}): Logger {
  const logSecrets = SECRETS_ALLOWED.get(root) ?? false;
  const child = root.child(sanitizeLogObject({ component, ...bindings }, logSecrets) as Record<string, unknown>);
  SECRETS_ALLOWED.set(child, logSecrets);
  return child;
}

/** A logger that writes nothing (tests, library use without logs). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** A JSON logger that keeps its lines in memory, parsed: for tests that check what was logged. */
export function createMemoryLogger(o: Omit<LogOptions, 'destination' | 'format'> = {}): {
  readonly logger: Logger;
  readonly lines: Record<string, unknown>[];
} {
  const lines: Record<string, unknown>[] = [];
  const destination: DestinationStream = {
    write(line: string) {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    },
  };
  return { logger: remember(pino(loggerOptions({ level: 'trace', ...o }), destination), o), lines };
}

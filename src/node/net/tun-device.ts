/**
 * A TUN device (IFF_TUN | IFF_NO_PI: each read and write is one whole IPv4 or IPv6 packet) from the native addon,
 * and its configuration through iproute2 (`ip`): addresses, MTU, link up, routes. The interface exists as long as
 * the fd is open, so `close()` removes it with its addresses and routes: a detach leaves nothing behind.
 */
import { execFileSync } from 'node:child_process';
import { nativeModule, PacketHandle } from './native.ts';

export interface TunOptions {
  /** Interface name (at most 15 bytes); empty for the kernel's choice. */
  readonly name: string;
  readonly mtu: number;
}

export interface TunConfiguration {
  /** e.g. "2001:db8:100::1/128", "10.10.0.2/32". */
  readonly addresses: readonly string[];
  /** Prefixes routed into the device, e.g. "::/0", "10.20.0.0/24". */
  readonly routes: readonly string[];
}

export class TunDevice extends PacketHandle {
  constructor(
    fd: number,
    readonly name: string,
    readonly mtu: number,
    native: ReturnType<typeof nativeModule>,
  ) {
    super(fd, native);
  }
}

/** Opens the device (ENOADDON without the addon, EPERM without CAP_NET_ADMIN, as Error `code`s) and sets its MTU. */
export function openTun(options: TunOptions): TunDevice {
  if (Buffer.byteLength(options.name) > 15) throw new RangeError(`TUN name ${options.name}: at most 15 bytes`);
  const native = nativeModule();
  const [fd, name] = native.openTun(options.name);
  const dev = new TunDevice(fd, name, options.mtu, native);
  try {
    ip('link', 'set', 'dev', name, 'mtu', String(options.mtu), 'up');
  } catch (e) {
    dev.close();
    throw e;
  }
  return dev;
}

/** Adds addresses and routes (replacing routes that exist). IPv6 addresses skip DAD: the link is point-to-point. */
export function configureTun(dev: TunDevice, c: TunConfiguration): void {
  for (const a of c.addresses) {
    if (a.includes(':')) ip('-6', 'addr', 'add', a, 'dev', dev.name, 'nodad');
    else ip('addr', 'add', a, 'dev', dev.name);
  }
  for (const r of c.routes) ip(r.includes(':') ? '-6' : '-4', 'route', 'replace', r, 'dev', dev.name);
}

function ip(...args: string[]): void {
  try {
    execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    const stderr = (e as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`ip ${args.join(' ')}: ${stderr || String(e)}`);
  }
}

/**
 * Opening a node's TUN device through the native addon (src/node/net/tun-device.ts), with one clear error when it
 * cannot be done: the addon missing or not loadable, no privilege (CAP_NET_ADMIN), or `ip` refusing the
 * configuration. Tests inject their own opener.
 */
import { nativeAvailability } from '../net/native.ts';
import { Capability, hasCapability } from '../net/raw-sockets.ts';
import { configureTun, openTun, type TunConfiguration } from '../net/tun-device.ts';
import type { PacketDevice } from './packet-device.ts';

export interface TunRequest {
  readonly name: string;
  readonly mtu: number;
  readonly addresses: readonly string[];
  readonly routes: readonly string[];
}

/** The device as opened: its interface name is the kernel's (a request may leave the name to it). */
export interface OpenedTun extends PacketDevice {
  readonly name: string;
}

export type TunOpener = (request: TunRequest) => OpenedTun;

/** A TUN device was asked for (`tun.enabled`) but cannot be opened here; the message says why. */
export class TunUnavailableError extends Error {
  override readonly name = 'TunUnavailableError';
  readonly code = 'TUN_UNAVAILABLE';
  constructor(
    /** The config key that asked for the device, e.g. `ha.tun`. */
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}.enabled: the TUN device cannot be opened: ${reason}`);
  }
}

/** Whether the process holds CAP_NET_ADMIN (root has it), from /proc/self/status `CapEff`, or `statusText`. */
export function hasNetAdmin(statusText?: string): boolean {
  return hasCapability(Capability.NET_ADMIN, statusText);
}

/** Throws TunUnavailableError unless a TUN device can be opened here: the addon loads and the privilege is held. */
export function checkTunAvailable(path: string, privileged: boolean = hasNetAdmin()): void {
  const native = nativeAvailability();
  if (!native.available) throw new TunUnavailableError(path, native.reason);
  if (!privileged) throw new TunUnavailableError(path, 'opening /dev/net/tun needs root or CAP_NET_ADMIN');
}

function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

/** Opens and configures a TUN device with the native addon; TunUnavailableError says why it could not. */
export function openNativeTun(path: string): TunOpener {
  return (request) => {
    const native = nativeAvailability();
    if (!native.available) throw new TunUnavailableError(path, native.reason);
    let dev: ReturnType<typeof openTun>;
    try {
      dev = openTun({ name: request.name, mtu: request.mtu });
    } catch (e) {
      const code = errorCode(e);
      const why =
        code === 'EPERM' || code === 'EACCES'
          ? 'opening /dev/net/tun needs root or CAP_NET_ADMIN'
          : code === 'ENOENT'
            ? '/dev/net/tun does not exist (no tun module, or a container without the device)'
            : (e as Error).message;
      throw new TunUnavailableError(path, why);
    }
    try {
      const c: TunConfiguration = { addresses: request.addresses, routes: request.routes };
      configureTun(dev, c);
    } catch (e) {
      dev.close();
      throw new TunUnavailableError(path, (e as Error).message);
    }
    return dev;
  };
}

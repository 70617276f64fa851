/**
 * The native addon (native/dsmip-native.c, built at install by scripts/build-native.mjs) as typed handles: a
 * non-blocking fd watched by libuv, packets delivered in batches, writes that never block. The addon is optional:
 * without it (no C compiler at install, not Linux) `nativeAvailability()` says why and the nodes run on UDP only.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

interface NativeModule {
  openTun(name: string): [number, string];
  openRaw(family: 4 | 6, protocol: number): number;
  /** `filter`: a classic BPF program as flat [code, jt, jf, k] quads (empty: none). */
  openPacket(ifname: string, ethertype: number, filter: readonly number[]): number;
  write(fd: number, packet: Uint8Array): number;
  sendTo(fd: number, packet: Uint8Array, destination: Uint8Array): number;
  close(fd: number): number;
  watch(fd: number, callback: (packets: Buffer[], errno: number) => void): object;
  unwatch(handle: object): void;
}

// fileURLToPath, not .pathname: a checkout path with spaces or non-ASCII characters stays a usable file name.
const ADDON_PATH = fileURLToPath(new URL('../../../build/dsmip_native.node', import.meta.url));

export type NativeAvailability = { readonly available: true } | { readonly available: false; readonly reason: string };

let loaded: { module?: NativeModule; availability: NativeAvailability } | undefined;

function load(): { module?: NativeModule; availability: NativeAvailability } {
  if (loaded) return loaded;
  if (process.platform !== 'linux') {
    loaded = { availability: { available: false, reason: `raw sockets and TUN are Linux only (${process.platform})` } };
  } else if (!existsSync(ADDON_PATH)) {
    loaded = {
      availability: {
        available: false,
        reason: 'the native addon is not built (build/dsmip_native.node); run `npm run build:native` (needs gcc)',
      },
    };
  } else {
    try {
      const module = createRequire(import.meta.url)(ADDON_PATH) as NativeModule;
      loaded = { module, availability: { available: true } };
    } catch (e) {
      loaded = { availability: { available: false, reason: `the native addon failed to load: ${String(e)}` } };
    }
  }
  return loaded;
}

export function nativeAvailability(): NativeAvailability {
  return load().availability;
}

/** The addon, or an Error (code ENOADDON) saying why it is missing. */
export function nativeModule(): NativeModule {
  const l = load();
  if (l.module) return l.module;
  const reason = l.availability.available ? 'unknown' : l.availability.reason;
  throw Object.assign(new Error(reason), { code: 'ENOADDON' });
}

/** errno values the handles report (asm-generic/errno-base.h). */
const EAGAIN = 11;
const ENOBUFS = 105;

export interface PacketHandleCounters {
  /** Writes refused because the kernel queue was full (EAGAIN/ENOBUFS): the packet is dropped, as a router would. */
  queueFull: number;
  /** Other write or read errors. */
  errors: number;
  lastError: number;
}

/** One non-blocking fd watched by libuv; packets arrive in batches. */
export class PacketHandle {
  readonly counters: PacketHandleCounters = { queueFull: 0, errors: 0, lastError: 0 };
  private watcher: object | undefined;
  private handler: ((packets: Buffer[]) => void) | undefined;
  private closed = false;

  constructor(
    readonly fd: number,
    protected readonly native: NativeModule,
  ) {}

  /** Writes one whole packet to the fd; on a TUN device the kernel receives it as if it arrived on that interface. */
  write(packet: Uint8Array): boolean {
    if (this.closed) return false;
    return this.account(this.native.write(this.fd, packet));
  }

  /** Sends one whole packet to `destination` (4 or 16 bytes): raw sockets route on it. */
  sendTo(packet: Uint8Array, destination: Uint8Array): boolean {
    if (this.closed) return false;
    return this.account(this.native.sendTo(this.fd, packet, destination));
  }

  /** Replaces the handler; the fd is watched from the first call on. */
  onPackets(handler: (packets: Buffer[]) => void): void {
    this.handler = handler;
    if (this.watcher || this.closed) return;
    this.watcher = this.native.watch(this.fd, (packets, errno) => {
      if (errno !== 0) {
        this.counters.errors++;
        this.counters.lastError = errno;
      }
      if (packets.length > 0) this.handler?.(packets);
    });
  }

  /** Idempotent: stops the watcher, then closes the fd. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.watcher) this.native.unwatch(this.watcher);
    this.watcher = undefined;
    this.native.close(this.fd);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private account(result: number): boolean {
    if (result >= 0) return true;
    if (-result === EAGAIN || -result === ENOBUFS) this.counters.queueFull++;
    else this.counters.errors++;
    this.counters.lastError = -result;
    return false;
  }
}

/**
 * Linux `ip` (iproute2) for the TUN side's route and address changes, as src/node/net/tun-device.ts configures the
 * device: one synchronous run per command (they are few, at registration and moves, never per packet).
 */
import { execFileSync } from 'node:child_process';

/** Runs one `ip` command; its standard output. */
export type IpRunner = (args: readonly string[]) => string;

/** Runs `ip args…`; throws an Error carrying the command and its standard error when it fails. */
export const runIp: IpRunner = (args) => {
  try {
    return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const stderr = String((e as { stderr?: unknown }).stderr ?? '').trim();
    throw new Error(`ip ${args.join(' ')}: ${stderr || String(e)}`);
  }
};

/** Whether `e` (from `runIp`) says the kernel has no route (ENETUNREACH / EHOSTUNREACH). */
export function isNoRoute(e: unknown): boolean {
  return /unreachable|no route/i.test(String((e as Error)?.message ?? e));
}

/**
 * A private network namespace with only its loopback up, so the load test's responders can hold UDP 500/4500 on
 * 127.0.0.1 whatever else on the machine uses those ports, and its traffic stays on that loopback. Named after our
 * PID; deleted by `remove()` (which also ends every process still inside, as the kernel does with the last user).
 */
import { execFileSync } from 'node:child_process';

export interface LoadNetns {
  readonly name: string;
  /** argv prefix that runs a command inside. */
  readonly exec: readonly string[];
  /** `ip -n NAME ...args`. */
  ip(...args: string[]): void;
  remove(): void;
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

export function createLoadNetns(tag: string): LoadNetns {
  if (process.getuid?.() !== 0) throw new Error('the strongSwan load test needs root (network namespaces)');
  const name = `dsmip-ld${tag}-${process.pid}`;
  ip('netns', 'add', name);
  try {
    ip('-n', name, 'link', 'set', 'lo', 'up');
  } catch (e) {
    ip('netns', 'del', name);
    throw e;
  }
  let removed = false;
  return {
    name,
    exec: ['ip', 'netns', 'exec', name],
    ip: (...args) => ip('-n', name, ...args),
    remove() {
      if (removed) return;
      removed = true;
      ip('netns', 'del', name);
    },
  };
}

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Runs a Python program under Debian's /usr/bin/python3 (the pyenv shim on PATH cannot see python3-scapy)
 * and returns its stdout lines parsed as JSON. One process per call: scapy's import costs ~0.85 s,
 * so a test file builds all its packets in one script.
 */
export async function runScapy<T = unknown>(program: string, stdin = ''): Promise<T[]> {
  const child = run('/usr/bin/python3', ['-c', program], { maxBuffer: 64 * 1024 * 1024 });
  if (stdin) {
    child.child.stdin?.end(stdin);
  } else {
    child.child.stdin?.end();
  }
  const { stdout } = await child;
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

/** Python prelude: quiet scapy import and a helper that prints one JSON line per packet. */
export const SCAPY_PRELUDE = `
import json, sys, logging
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import *
def emit(name, pkt, **extra):
    print(json.dumps(dict(name=name, hex=bytes(pkt).hex(), **extra)))
`;

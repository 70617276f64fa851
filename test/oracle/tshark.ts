import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LINKTYPE_RAW, writePcap } from '../../src/obs/pcap.ts';

const run = promisify(execFile);

/** One packet as tshark -T json shows it: `_source.layers`, keyed by protocol name. */
export type TsharkLayers = Record<string, unknown>;

/**
 * Decodes raw IP packets with tshark in one batch (one process per call: ~0.25 s).
 * UDP 4191 is not registered in Wireshark, so it is decoded as IPv6 (RFC 5555 vanilla encapsulation).
 * `--no-duplicate-keys` turns repeated fields into arrays so the JSON parses losslessly.
 */
export async function tsharkDecode(
  packets: readonly Uint8Array[],
  extraArgs: readonly string[] = [],
): Promise<TsharkLayers[]> {
  const dir = mkdtempSync(join(tmpdir(), 'dsmip-tshark-'));
  try {
    const file = join(dir, 'in.pcap');
    writeFileSync(file, writePcap(packets, LINKTYPE_RAW));
    const { stdout } = await run(
      'tshark',
      ['-n', '-r', file, '-T', 'json', '--no-duplicate-keys', '-d', 'udp.port==4191,ipv6', ...extraArgs],
      { maxBuffer: 256 * 1024 * 1024, env: { ...process.env, WIRESHARK_CONFIG_DIR: dir } },
    );
    const parsed = JSON.parse(stdout) as { _source: { layers: TsharkLayers } }[];
    if (parsed.length !== packets.length)
      throw new Error(`tshark returned ${parsed.length} of ${packets.length} packets`);
    return parsed.map((p) => p._source.layers);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Finds the first value of `key` anywhere under `tree` (tshark nests option fields under tree nodes). */
export function findField(tree: unknown, key: string): unknown {
  if (tree === null || typeof tree !== 'object') return undefined;
  const rec = tree as Record<string, unknown>;
  if (key in rec) return rec[key];
  for (const v of Object.values(rec)) {
    const hit = findField(v, key);
    if (hit !== undefined) return hit;
  }
  return undefined;
}

/** Every value of `key` anywhere under `tree`, in document order (arrays from duplicate keys are flattened). */
export function findAll(tree: unknown, key: string): unknown[] {
  const out: unknown[] = [];
  const walk = (t: unknown) => {
    if (t === null || typeof t !== 'object') return;
    if (Array.isArray(t)) {
      for (const x of t) walk(x);
      return;
    }
    for (const [k, v] of Object.entries(t as Record<string, unknown>)) {
      if (k === key) {
        if (Array.isArray(v)) out.push(...v);
        else out.push(v);
      } else walk(v);
    }
  };
  walk(tree);
  return out;
}

/** True when tshark flagged any part of the packet as malformed or as an expert error. */
export function hasMalformed(layers: TsharkLayers): boolean {
  return '_ws.malformed' in layers || JSON.stringify(layers).includes('"_ws.malformed');
}

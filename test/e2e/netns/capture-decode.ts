/**
 * The capture read back the way a user would: tshark with nothing but the UE's key log as its configuration
 * (esp_sa, ikev2_decryption_table and the ESP preferences that KeyLogWriter writes, PEERS.md "Decryption in
 * Wireshark/tshark"), UDP 4191 decoded as IP (RFC 5555 §4.1 carries IPv6 or IPv4 packets directly in UDP; Wireshark's
 * "ip" dissector hands version 6 to IPv6), one run for the whole file. `summary` gives one line per packet for
 * failure reports.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { findAll, findField, hasMalformed, type TsharkLayers } from '../../oracle/tshark.ts';

const run = promisify(execFile);

export interface DecodedPacket {
  /** 1-based frame number, as tshark numbers them. */
  readonly number: number;
  readonly layers: TsharkLayers;
  /** Every value of `key` in the packet, as text. */
  all(key: string): string[];
  first(key: string): string | undefined;
  has(key: string): boolean;
  readonly malformed: boolean;
}

function packetOf(layers: TsharkLayers, index: number): DecodedPacket {
  return {
    number: index + 1,
    layers,
    all: (key) => findAll(layers, key).map(String),
    first: (key) => {
      const v = findAll(layers, key)[0];
      return v === undefined ? undefined : String(v);
    },
    has: (key) => findField(layers, key) !== undefined,
    malformed: hasMalformed(layers),
  };
}

/** Decodes `pcapFile` with `keyDir` as WIRESHARK_CONFIG_DIR. */
export async function decodeCapture(pcapFile: string, keyDir: string): Promise<DecodedPacket[]> {
  const { stdout } = await run(
    'tshark',
    ['-n', '-r', pcapFile, '-T', 'json', '--no-duplicate-keys', '-d', 'udp.port==4191,ip'],
    { maxBuffer: 256 * 1024 * 1024, env: { ...process.env, WIRESHARK_CONFIG_DIR: keyDir } },
  );
  const parsed = JSON.parse(stdout) as { _source: { layers: TsharkLayers } }[];
  return parsed.map((p, i) => packetOf(p._source.layers, i));
}

/** One line per packet: number, protocol stack, outer and inner addresses and ports, MH type. */
export function summary(packets: readonly DecodedPacket[]): string {
  return packets
    .map((p) => {
      const addr = [...p.all('ip.src'), ...p.all('ipv6.src')].join('/');
      const dst = [...p.all('ip.dst'), ...p.all('ipv6.dst')].join('/');
      const ports = p.has('udp.srcport') ? ` ${p.first('udp.srcport')}→${p.first('udp.dstport')}` : '';
      const mh = p.has('mip6.mhtype') ? ` mh=${p.all('mip6.mhtype').join(',')}` : '';
      const bad = p.malformed ? ' MALFORMED' : '';
      return `${p.number} ${p.first('frame.protocols')} ${addr} → ${dst}${ports}${mh}${bad}`;
    })
    .join('\n');
}

/** tshark's own one-line summaries, for a report when the JSON decode itself failed. */
export async function plainSummary(pcapFile: string, keyDir: string): Promise<string> {
  try {
    const { stdout } = await run('tshark', ['-n', '-r', pcapFile, '-d', 'udp.port==4191,ip'], {
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, WIRESHARK_CONFIG_DIR: keyDir },
    });
    return stdout;
  } catch (e) {
    return `tshark failed: ${(e as Error).message}`;
  }
}

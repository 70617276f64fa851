import { Reader } from '../util/reader.ts';
import { Writer } from '../util/writer.ts';

/**
 * Classic libpcap files (the format tcpdump and Wireshark write with magic a1b2c3d4).
 * Pure functions over bytes; the file I/O lives with the caller.
 */

/** LINKTYPE_RAW: each record is a bare IPv4 or IPv6 packet (tcpdump.org link-layer header types). */
export const LINKTYPE_RAW = 101;
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;

const MAGIC_USEC = 0xa1b2c3d4;
const MAGIC_NSEC = 0xa1b23c4d;
const GLOBAL_HEADER_LEN = 24;
const RECORD_HEADER_LEN = 16;
/** Larger than any packet we write; also bounds what a reader will allocate for one record. */
const DEFAULT_SNAPLEN = 262144;

export interface CaptureRecord {
  /** Capture time in microseconds since the Unix epoch. */
  readonly timestampUs: number;
  readonly data: Uint8Array;
  /** Length on the wire; larger than `data.length` when the capture truncated the packet. */
  readonly originalLength: number;
}

export interface Capture {
  readonly linkType: number;
  readonly records: readonly CaptureRecord[];
}

export function pcapGlobalHeader(linkType = LINKTYPE_RAW, snaplen = DEFAULT_SNAPLEN): Uint8Array {
  const w = Writer.alloc(GLOBAL_HEADER_LEN);
  // Written big-endian; readers detect byte order from the magic.
  w.u32(MAGIC_USEC).u16(2).u16(4).u32(0).u32(0).u32(snaplen).u32(linkType);
  return w.finish();
}

export function pcapRecord(data: Uint8Array, timestampUs: number): Uint8Array {
  const w = Writer.alloc(RECORD_HEADER_LEN + data.length);
  w.u32(Math.floor(timestampUs / 1e6))
    .u32(Math.floor(timestampUs % 1e6))
    .u32(data.length)
    .u32(data.length)
    .bytes(data);
  return w.finish();
}

/** A whole pcap file for `packets`, timestamps 1 ms apart from `startUs` unless given. */
export function writePcap(
  packets: readonly (Uint8Array | CaptureRecord)[],
  linkType = LINKTYPE_RAW,
  startUs = 0,
): Uint8Array {
  const parts = [pcapGlobalHeader(linkType)];
  packets.forEach((p, i) => {
    const rec = p instanceof Uint8Array ? { data: p, timestampUs: startUs + i * 1000 } : p;
    parts.push(pcapRecord(rec.data, rec.timestampUs));
  });
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function isPcap(bytes: Uint8Array): boolean {
  if (bytes.length < 4) return false;
  const be = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
  const le = ((bytes[3]! << 24) | (bytes[2]! << 16) | (bytes[1]! << 8) | bytes[0]!) >>> 0;
  return be === MAGIC_USEC || be === MAGIC_NSEC || le === MAGIC_USEC || le === MAGIC_NSEC;
}

/** Parses a classic pcap file in either byte order, micro- or nanosecond resolution. */
export function readPcap(bytes: Uint8Array): Capture {
  const r = Reader.of(bytes, 'pcap');
  const m0 = r.u32('magic');
  let littleEndian: boolean;
  let nano: boolean;
  if (m0 === MAGIC_USEC || m0 === MAGIC_NSEC) {
    littleEndian = false;
    nano = m0 === MAGIC_NSEC;
  } else {
    const swapped = swap32(m0);
    if (swapped !== MAGIC_USEC && swapped !== MAGIC_NSEC) r.fail('BAD_VALUE', 'not a pcap file (bad magic)', 0);
    littleEndian = true;
    nano = swapped === MAGIC_NSEC;
  }
  const u32 = (what: string) => (littleEndian ? swap32(r.u32(what)) : r.u32(what));
  const u16 = (what: string) => (littleEndian ? swap16(r.u16(what)) : r.u16(what));
  const major = u16('version major');
  u16('version minor');
  if (major !== 2) r.fail('BAD_VERSION', `pcap version ${major}`, 4);
  r.skipBytes(8, 'thiszone+sigfigs');
  u32('snaplen');
  const linkType = u32('network') & 0x0fffffff;
  const records: CaptureRecord[] = [];
  while (!r.atEnd()) {
    const sec = u32('ts_sec');
    const frac = u32('ts_frac');
    const inclLen = u32('incl_len');
    const origLen = u32('orig_len');
    if (inclLen > DEFAULT_SNAPLEN) r.fail('BAD_LENGTH', `record length ${inclLen} exceeds ${DEFAULT_SNAPLEN}`);
    const data = r.bytesCopy(inclLen, 'record data');
    records.push({ timestampUs: sec * 1e6 + (nano ? Math.floor(frac / 1000) : frac), data, originalLength: origLen });
  }
  return { linkType, records };
}

function swap32(v: number): number {
  return (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;
}

function swap16(v: number): number {
  return ((v & 0xff) << 8) | (v >>> 8);
}

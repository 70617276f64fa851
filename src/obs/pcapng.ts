import { Reader } from '../util/reader.ts';
import { Writer } from '../util/writer.ts';
import type { Capture, CaptureRecord } from './pcap.ts';

/**
 * pcapng (draft-ietf-opsawg-pcapng): enough to read what tshark/dumpcap write (SHB, IDB, EPB, SPB; other blocks
 * skipped) and to write a single-interface file. Pure functions over bytes.
 */

const BT_SHB = 0x0a0d0d0a;
const BT_IDB = 0x00000001;
const BT_SPB = 0x00000003;
const BT_EPB = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const OPT_IF_TSRESOL = 9;
const MAX_BLOCK = 16 * 1024 * 1024;

export function isPcapng(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x0a && bytes[1] === 0x0d && bytes[2] === 0x0d && bytes[3] === 0x0a;
}

interface Iface {
  linkType: number;
  /** Timestamp units per second. */
  unitsPerSec: number;
}

/** Reads every packet of every section; all interfaces must share one link type (else UNSUPPORTED). */
export function readPcapng(bytes: Uint8Array): Capture {
  const r = Reader.of(bytes, 'pcap');
  let le = true;
  let ifaces: Iface[] = [];
  const records: CaptureRecord[] = [];
  let linkType: number | undefined;
  const u32 = (rr: Reader, what: string) => {
    const v = rr.u32(what);
    return le ? swap32(v) : v;
  };
  const u16 = (rr: Reader, what: string) => {
    const v = rr.u16(what);
    return le ? ((v & 0xff) << 8) | (v >>> 8) : v;
  };
  while (!r.atEnd()) {
    const blockStart = r.offset;
    const rawType = r.u32('block type');
    if (rawType === BT_SHB) {
      r.u32('block length (SHB)'); // order unknown until the magic is read
      const magic = r.u32('byte-order magic');
      if (magic === BYTE_ORDER_MAGIC) le = false;
      else if (swap32(magic) === BYTE_ORDER_MAGIC) le = true;
      else r.fail('BAD_VALUE', 'pcapng byte-order magic', blockStart + 8);
      const lenBytes = bytes.subarray(blockStart + 4, blockStart + 8);
      const totalLen = le ? readLe32(lenBytes) : readBe32(lenBytes);
      checkBlockLength(r, totalLen, blockStart);
      r.skipBytes(totalLen - 12, 'SHB body');
      ifaces = [];
      continue;
    }
    const type = le ? swap32(rawType) : rawType;
    const totalLen = u32(r, 'block length');
    checkBlockLength(r, totalLen, blockStart);
    const body = r.sub(totalLen - 12, 'block body');
    const trailer = u32(r, 'trailing block length');
    if (trailer !== totalLen) r.fail('BAD_LENGTH', 'pcapng trailing block length differs', blockStart);
    if (type === BT_IDB) {
      const lt = u16(body, 'link type');
      body.skipBytes(2 + 4, 'reserved+snaplen');
      let unitsPerSec = 1e6;
      while (body.remaining >= 4) {
        const code = u16(body, 'option code');
        const len = u16(body, 'option length');
        if (code === 0) break;
        const val = body.bytes(len, 'option value');
        body.skipBytes((4 - (len % 4)) % 4, 'option padding');
        if (code === OPT_IF_TSRESOL && len >= 1) {
          const v = val[0]!;
          const exp = v & 0x7f;
          if (exp > 18) r.fail('UNSUPPORTED', 'if_tsresol beyond 10^-18', blockStart);
          unitsPerSec = v & 0x80 ? 2 ** exp : 10 ** exp;
        }
      }
      if (linkType === undefined) linkType = lt;
      else if (linkType !== lt) r.fail('UNSUPPORTED', 'interfaces with different link types', blockStart);
      ifaces.push({ linkType: lt, unitsPerSec });
    } else if (type === BT_EPB) {
      const ifId = u32(body, 'interface id');
      const iface = ifaces[ifId];
      if (!iface) return r.fail('BAD_VALUE', `packet for undeclared interface ${ifId}`, blockStart);
      const hi = u32(body, 'timestamp high');
      const lo = u32(body, 'timestamp low');
      const capLen = u32(body, 'captured length');
      const origLen = u32(body, 'original length');
      const data = body.bytesCopy(capLen, 'packet data');
      const units = hi * 2 ** 32 + lo;
      records.push({ timestampUs: Math.floor((units / iface.unitsPerSec) * 1e6), data, originalLength: origLen });
    } else if (type === BT_SPB) {
      const iface = ifaces[0];
      if (!iface) return r.fail('BAD_VALUE', 'simple packet block without an interface', blockStart);
      const origLen = u32(body, 'original length');
      const data = body.bytesCopy(Math.min(origLen, body.remaining), 'packet data');
      records.push({ timestampUs: 0, data, originalLength: origLen });
    }
  }
  return { linkType: linkType ?? 101, records };
}

function checkBlockLength(r: Reader, totalLen: number, blockStart: number): void {
  if (totalLen < 12 || totalLen % 4 !== 0 || totalLen > MAX_BLOCK) {
    r.fail('BAD_LENGTH', `pcapng block length ${totalLen}`, blockStart);
  }
}

/** A little-endian single-interface pcapng file with microsecond timestamps. */
export function writePcapng(records: readonly CaptureRecord[], linkType: number): Uint8Array {
  const blocks: Uint8Array[] = [];
  const shb = Writer.alloc(28);
  shb.bytes(le32(BT_SHB)).bytes(le32(28)).bytes(le32(BYTE_ORDER_MAGIC)).bytes(le16(1)).bytes(le16(0));
  shb.bytes(new Uint8Array(8).fill(0xff)).bytes(le32(28));
  blocks.push(shb.finish());
  const idb = Writer.alloc(20);
  idb.bytes(le32(BT_IDB)).bytes(le32(20)).bytes(le16(linkType)).bytes(le16(0)).bytes(le32(262144)).bytes(le32(20));
  blocks.push(idb.finish());
  for (const rec of records) {
    const pad = (4 - (rec.data.length % 4)) % 4;
    const total = 32 + rec.data.length + pad;
    const w = Writer.alloc(total);
    const ts = Math.max(0, Math.floor(rec.timestampUs));
    w.bytes(le32(BT_EPB)).bytes(le32(total)).bytes(le32(0));
    w.bytes(le32(Math.floor(ts / 2 ** 32))).bytes(le32(ts >>> 0));
    w.bytes(le32(rec.data.length)).bytes(le32(rec.originalLength)).bytes(rec.data).zeros(pad).bytes(le32(total));
    blocks.push(w.finish());
  }
  const out = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
  let o = 0;
  for (const b of blocks) {
    out.set(b, o);
    o += b.length;
  }
  return out;
}

function le32(v: number): Uint8Array {
  return Uint8Array.of(v, v >>> 8, v >>> 16, v >>> 24);
}
function le16(v: number): Uint8Array {
  return Uint8Array.of(v, v >>> 8);
}
function readLe32(b: Uint8Array): number {
  return (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
}
function readBe32(b: Uint8Array): number {
  return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
}
function swap32(v: number): number {
  return (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;
}

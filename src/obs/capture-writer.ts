/**
 * A live pcap file (`--pcap FILE`): packets are appended as they leave or arrive, in LINKTYPE_RAW records.
 * A raw-socket or TUN packet is written as it is; a datagram sent or received on a UDP socket gets synthetic
 * IPv4/IPv6 + UDP headers (built with src/wire/ip, checksums included), so the outer addresses and ports appear in
 * Wireshark exactly as on the wire. Records are buffered and written in order; `close` flushes.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { type IpAddress, Ipv4Address, Ipv6Address } from '../util/ip-address.ts';
import { buildUdp4, buildUdp6 } from '../wire/ip/build.ts';
import { LINKTYPE_RAW, pcapGlobalHeader, pcapRecord } from './pcap.ts';

/** A UDP datagram as a socket sees it: addresses, ports and payload. */
export interface UdpDatagramRecord {
  readonly source: IpAddress;
  readonly destination: IpAddress;
  readonly sourcePort: number;
  readonly destinationPort: number;
  readonly payload: Uint8Array;
}

/** Where the node reports packets; `NO_CAPTURE` when there is no `--pcap`. */
export interface PacketCapture {
  /** A whole IPv4 or IPv6 packet. */
  writePacket(packet: Uint8Array, timestampUs?: number): void;
  writeDatagram(datagram: UdpDatagramRecord, timestampUs?: number): void;
}

export const NO_CAPTURE: PacketCapture = Object.freeze({
  writePacket() {},
  writeDatagram() {},
});

/**
 * The IP packet a UDP datagram travelled in. `identification` fills the IPv4 header's field (a real stack
 * varies it per packet, RFC 6864 §4). Mixed address families are the caller's bug (RangeError).
 */
export function syntheticUdpPacket(d: UdpDatagramRecord, identification = 0): Uint8Array {
  const ports = { sourcePort: d.sourcePort, destinationPort: d.destinationPort, payload: d.payload };
  if (d.source instanceof Ipv4Address && d.destination instanceof Ipv4Address) {
    return buildUdp4({ src: d.source, dst: d.destination, identification, ...ports });
  }
  if (d.source instanceof Ipv6Address && d.destination instanceof Ipv6Address) {
    return buildUdp6({ src: d.source, dst: d.destination, ...ports });
  }
  throw new RangeError(`UDP datagram from ${d.source} to ${d.destination}: address families differ`);
}

/** Format and flushing of a CaptureWriter. */
export interface CaptureWriterOptions {
  /** Microseconds since the Unix epoch; default the wall clock. */
  readonly nowUs?: () => number;
  /** Write out once this many bytes are buffered (default 64 KiB). */
  readonly flushBytes?: number;
  /** And at least this often (default 1000 ms; 0 = only by size and on close). */
  readonly flushIntervalMs?: number;
}

/** writeSync may write less than asked; loop until everything is out. */
function writeAll(fd: number, bytes: Uint8Array): void {
  let at = 0;
  while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
}

function wallClockUs(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

/** Writes the packets a node sends and receives to a pcap or pcapng file. */
export class CaptureWriter implements PacketCapture {
  private buffered: Uint8Array[] = [];
  private bufferedBytes = 0;
  private identification = 0;
  private fd: number | undefined;
  private readonly timer: ReturnType<typeof setInterval> | undefined;
  private readonly nowUs: () => number;
  private readonly flushBytes: number;
  /** Records written (or buffered) so far. */
  packets = 0;
  /** Datagrams that could not be framed (an oversized payload): counted, not fatal to the program. */
  skipped = 0;

  private constructor(fd: number, o: CaptureWriterOptions) {
    this.fd = fd;
    this.nowUs = o.nowUs ?? wallClockUs;
    this.flushBytes = o.flushBytes ?? 65536;
    const interval = o.flushIntervalMs ?? 1000;
    this.timer = interval > 0 ? setInterval(() => this.flush(), interval) : undefined;
    // A capture must never keep the program running.
    this.timer?.unref();
    writeAll(fd, pcapGlobalHeader(LINKTYPE_RAW));
  }

  /** Creates (or truncates) `path` and writes the file header at once. */
  static open(path: string, o: CaptureWriterOptions = {}): CaptureWriter {
    return new CaptureWriter(openSync(path, 'w'), o);
  }

  get closed(): boolean {
    return this.fd === undefined;
  }

  writePacket(packet: Uint8Array, timestampUs?: number): void {
    if (this.fd === undefined) return; // a packet racing the shutdown
    const record = pcapRecord(packet, timestampUs ?? this.nowUs());
    this.buffered.push(record);
    this.bufferedBytes += record.length;
    this.packets++;
    if (this.bufferedBytes >= this.flushBytes) this.flush();
  }

  writeDatagram(d: UdpDatagramRecord, timestampUs?: number): void {
    if (this.fd === undefined) return;
    let packet: Uint8Array;
    try {
      packet = syntheticUdpPacket(d, this.identification);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      this.skipped++;
      return;
    }
    this.identification = (this.identification + 1) & 0xffff;
    this.writePacket(packet, timestampUs);
  }

  /** Writes every buffered record (synchronously, so a crash right after loses nothing already flushed). */
  flush(): void {
    if (this.fd === undefined || this.buffered.length === 0) return;
    const all = new Uint8Array(this.bufferedBytes);
    let at = 0;
    for (const r of this.buffered) {
      all.set(r, at);
      at += r.length;
    }
    this.buffered = [];
    this.bufferedBytes = 0;
    writeAll(this.fd, all);
  }

  /** Flushes and closes the file; later writes are ignored. Safe to call twice. */
  close(): void {
    if (this.fd === undefined) return;
    this.flush();
    if (this.timer) clearInterval(this.timer);
    closeSync(this.fd);
    this.fd = undefined;
  }
}

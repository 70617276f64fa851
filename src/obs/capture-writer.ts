/**
 * A live pcap file (`--pcap FILE`): packets are appended as they leave or arrive, in LINKTYPE_RAW records.
 * A raw-socket or TUN packet is written as it is; a datagram sent or received on a UDP socket gets synthetic
 * IPv4/IPv6 + UDP headers (built with src/wire/ip, checksums included), so the outer addresses and ports appear in
 * Wireshark exactly as on the wire. Records are buffered and written in order; `close` flushes.
 * A write error (a full disk) never reaches the caller: the file is cut back to its last whole record, the capture
 * stops and is tried again later (output-guard.ts); lost records are counted.
 */
import { type IpAddress, Ipv4Address, Ipv6Address } from '../util/ip-address.ts';
import { buildUdp4, buildUdp6 } from '../wire/ip/build.ts';
import {
  type FileSink,
  type OpenFileSink,
  OutputGuard,
  type OutputGuardOptions,
  openFileSink,
} from './output-guard.ts';
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
  /** What happens on a write error (report, back-off); the capture itself never throws after `open`. */
  readonly guard?: OutputGuardOptions;
  /** Opens the file; tests inject a failing one. */
  readonly openSink?: OpenFileSink;
}

function wallClockUs(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

/** Writes the packets a node sends and receives to a pcap or pcapng file. */
export class CaptureWriter implements PacketCapture {
  private buffered: Uint8Array[] = [];
  private bufferedBytes = 0;
  private identification = 0;
  private sink: FileSink | undefined;
  /** Length of the file up to its last whole record: where a failed write is cut back to. */
  private goodBytes = 0;
  private readonly timer: ReturnType<typeof setInterval> | undefined;
  private readonly nowUs: () => number;
  private readonly flushBytes: number;
  /** Records written (or buffered) so far. */
  packets = 0;
  /** Datagrams that could not be framed (an oversized payload): counted, not fatal to the program. */
  skipped = 0;
  /** Write failures and records lost to them: read by the metrics (`dsmip_output_*`). */
  readonly health: OutputGuard;

  private constructor(sink: FileSink, o: CaptureWriterOptions) {
    this.sink = sink;
    this.health = new OutputGuard(o.guard);
    this.nowUs = o.nowUs ?? wallClockUs;
    this.flushBytes = o.flushBytes ?? 65536;
    const interval = o.flushIntervalMs ?? 1000;
    this.timer = interval > 0 ? setInterval(() => this.flush(), interval) : undefined;
    // A capture must never keep the program running.
    this.timer?.unref();
    // At open, an error is the caller's (a config problem: the path is not writable).
    sink.append(pcapGlobalHeader(LINKTYPE_RAW));
    this.goodBytes = sink.size();
  }

  /**
   * Creates (or truncates) `path` and writes the file header at once (a failure here throws). The file is 0600:
   * a capture holds subscribers' addresses and, with a key log, everything needed to read their traffic.
   */
  static open(path: string, o: CaptureWriterOptions = {}): CaptureWriter {
    return new CaptureWriter((o.openSink ?? openFileSink)(path, { flags: 'w', mode: 0o600 }), o);
  }

  get closed(): boolean {
    return this.sink === undefined;
  }

  writePacket(packet: Uint8Array, timestampUs?: number): void {
    if (this.sink === undefined) return; // a packet racing the shutdown
    if (!this.health.mayWrite()) {
      this.health.drop(); // stopped after a write error: no buffering until the retry
      return;
    }
    const record = pcapRecord(packet, timestampUs ?? this.nowUs());
    this.buffered.push(record);
    this.bufferedBytes += record.length;
    this.packets++;
    if (this.bufferedBytes >= this.flushBytes) this.flush();
  }

  writeDatagram(d: UdpDatagramRecord, timestampUs?: number): void {
    if (this.sink === undefined) return;
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
    const sink = this.sink;
    if (sink === undefined || this.buffered.length === 0) return;
    const records = this.buffered.length;
    const all = new Uint8Array(this.bufferedBytes);
    let at = 0;
    for (const r of this.buffered) {
      all.set(r, at);
      at += r.length;
    }
    this.buffered = [];
    this.bufferedBytes = 0;
    const written = this.health.attempt(() => {
      // After a failure, the first thing a retry does is cut the partial record off (the disk may have room again).
      if (sink.size() !== this.goodBytes) sink.truncate(this.goodBytes);
      sink.append(all);
    });
    if (written) {
      this.goodBytes = sink.size();
      return;
    }
    this.health.drop(records);
    try {
      sink.truncate(this.goodBytes); // a pcap ending in half a record is unreadable past it
    } catch {
      // Retried before the next write.
    }
  }

  /** Flushes and closes the file; later writes are ignored. Safe to call twice. */
  close(): void {
    const sink = this.sink;
    if (sink === undefined) return;
    this.flush();
    if (this.timer) clearInterval(this.timer);
    this.sink = undefined;
    try {
      sink.close();
    } catch {
      // close(2) can report a deferred write error (NFS, quota); the records are already counted.
    }
  }
}

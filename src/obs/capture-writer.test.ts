import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { findField, hasMalformed, type TsharkLayers } from '../../test/oracle/tshark.ts';
import { Ipv4Address, Ipv6Address } from '../util/ip-address.ts';
import { decodeIpPacket } from '../wire/ip/tunnel.ts';
import { decodeUdp } from '../wire/ip/udp.ts';
import { CaptureWriter, NO_CAPTURE, syntheticUdpPacket } from './capture-writer.ts';
import { LINKTYPE_RAW, readPcap } from './pcap.ts';
import { FullDisk } from './test-sinks.ts';

const run = promisify(execFile);
const UE4 = Ipv4Address.parse('198.51.100.10');
const HA4 = Ipv4Address.parse('192.0.2.1');
const UE6 = Ipv6Address.parse('2001:db8:2::200');
const HA6 = Ipv6Address.parse('2001:db8:1::1');
/** An IKE_SA_INIT-sized payload; its content does not matter to the framing. */
const PAYLOAD = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);

function withDir<T>(f: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'dsmip-capture-'));
  return f(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

test('synthetic UDP packets carry the socket addresses, ports and payload', () => {
  const v4 = decodeIpPacket(
    syntheticUdpPacket({ source: UE4, destination: HA4, sourcePort: 500, destinationPort: 500, payload: PAYLOAD }, 7),
  );
  assert.equal(v4.version, 4);
  if (v4.version !== 4) return;
  assert.deepEqual(
    [String(v4.packet.source), String(v4.packet.destination), v4.packet.identification],
    ['198.51.100.10', '192.0.2.1', 7],
  );
  const udp4 = decodeUdp(v4.packet.payload, { version: 4, source: UE4, destination: HA4 });
  assert.deepEqual([udp4.sourcePort, udp4.destinationPort, udp4.payload.length], [500, 500, 300]);
  const v6 = decodeIpPacket(
    syntheticUdpPacket({ source: HA6, destination: UE6, sourcePort: 4500, destinationPort: 40000, payload: PAYLOAD }),
  );
  assert.equal(v6.version, 6);
  assert.throws(
    () => syntheticUdpPacket({ source: UE4, destination: HA6, sourcePort: 1, destinationPort: 1, payload: PAYLOAD }),
    RangeError,
  );
});

test('a live capture: records in order with their timestamps, flushed on close, readable by tshark', async () => {
  await withDir(async (dir) => {
    const file = join(dir, 'live.pcap');
    let now = 1_700_000_000_000_000;
    const w = CaptureWriter.open(file, { nowUs: () => now, flushIntervalMs: 0 });
    assert.equal(readFileSync(file).length, 24); // the header is there before any packet
    // Ports with no dissector: the payload is filler, only the framing is checked.
    w.writeDatagram({ source: UE4, destination: HA4, sourcePort: 40000, destinationPort: 40001, payload: PAYLOAD });
    now += 1500;
    w.writeDatagram({ source: HA6, destination: UE6, sourcePort: 4191, destinationPort: 4191, payload: PAYLOAD });
    const raw = syntheticUdpPacket({
      source: HA4,
      destination: UE4,
      sourcePort: 33001,
      destinationPort: 33000,
      payload: PAYLOAD,
    });
    w.writePacket(raw, 42);
    assert.equal(readFileSync(file).length, 24); // still buffered
    w.close();
    w.close();
    w.writePacket(raw); // after close: ignored
    const capture = readPcap(readFileSync(file));
    assert.equal(capture.linkType, LINKTYPE_RAW);
    assert.deepEqual(
      capture.records.map((r) => r.timestampUs),
      [1_700_000_000_000_000, 1_700_000_000_001_500, 42],
    );
    assert.deepEqual(new Uint8Array(capture.records[2]!.data), raw);
    assert.equal(w.packets, 3);

    const { stdout } = await run(
      'tshark',
      [
        '-n',
        '-r',
        file,
        '-T',
        'json',
        '--no-duplicate-keys',
        '-o',
        'udp.check_checksum:TRUE',
        '-o',
        'ip.check_checksum:TRUE',
      ],
      { env: { ...process.env, WIRESHARK_CONFIG_DIR: dir } },
    );
    const packets = (JSON.parse(stdout) as { _source: { layers: TsharkLayers } }[]).map((p) => p._source.layers);
    assert.equal(packets.length, 3);
    for (const p of packets) {
      assert.equal(hasMalformed(p), false);
      assert.equal(findField(p.udp, 'udp.checksum.status'), '1'); // "Good"
    }
    assert.equal(findField(packets[0]!.ip, 'ip.src'), '198.51.100.10');
    assert.equal(findField(packets[0]!.ip, 'ip.checksum.status'), '1');
    assert.equal(findField(packets[1]!.ipv6, 'ipv6.dst'), '2001:db8:2::200');
    assert.equal(findField(packets[1]!.udp, 'udp.srcport'), '4191');
    assert.equal(findField(packets[0]!.ip, 'ip.id'), '0x0000');
  });
});

test('buffered records go out once the size threshold is reached; oversized datagrams are skipped', async () => {
  await withDir(async (dir) => {
    const file = join(dir, 'size.pcap');
    const w = CaptureWriter.open(file, { flushBytes: 1000, flushIntervalMs: 0 });
    const d = { source: UE4, destination: HA4, sourcePort: 4500, destinationPort: 4500, payload: PAYLOAD };
    w.writeDatagram(d);
    w.writeDatagram(d);
    assert.equal(readFileSync(file).length, 24);
    w.writeDatagram(d); // 3 × (16 + 328) bytes ≥ 1000
    assert.equal(readFileSync(file).length, 24 + 3 * (16 + 20 + 8 + 300));
    w.writeDatagram({ ...d, payload: new Uint8Array(70_000) });
    assert.equal(w.skipped, 1);
    w.close();
    assert.equal(readPcap(readFileSync(file)).records.length, 3);
  });
});

test('NO_CAPTURE accepts everything and keeps nothing', () => {
  NO_CAPTURE.writePacket(new Uint8Array(20));
  NO_CAPTURE.writeDatagram({ source: UE4, destination: HA4, sourcePort: 1, destinationPort: 2, payload: PAYLOAD });
  assert.ok(Object.isFrozen(NO_CAPTURE));
});

test('a full disk stops the capture without throwing, cuts the partial record off, and resumes after the back-off', () => {
  const disk = new FullDisk(24 + 2 * 344 + 100); // the header, two records and part of a third
  let now = 0;
  const failures: Error[] = [];
  const resumed: number[] = [];
  const w = CaptureWriter.open('cap.pcap', {
    openSink: disk.open,
    flushBytes: 1, // every record is written at once
    flushIntervalMs: 0,
    guard: {
      nowMs: () => now,
      retryAfterMs: 1000,
      onFailure: (e) => failures.push(e),
      onResume: (n) => resumed.push(n),
    },
  });
  const d = { source: UE4, destination: HA4, sourcePort: 4500, destinationPort: 4500, payload: PAYLOAD };
  for (let i = 0; i < 10; i++) w.writeDatagram(d); // must not throw
  assert.equal(failures.length, 1, 'reported once');
  assert.equal((failures[0] as NodeJS.ErrnoException).code, 'ENOSPC');
  assert.deepEqual([w.health.failures, w.health.dropped, w.health.suspended], [1, 8, true]);
  assert.equal(readPcap(disk.files.get('cap.pcap')!).records.length, 2, 'whole records only');
  assert.equal(disk.files.get('cap.pcap')!.length, 24 + 2 * 344);
  now = 999;
  w.writeDatagram(d);
  assert.equal(w.health.failures, 1, 'no attempt before the back-off');
  now = 1000;
  disk.capacity += 344; // room for one more
  w.writeDatagram(d);
  w.writeDatagram(d); // full again: a new failure, not reported again
  assert.deepEqual(resumed, [9]);
  assert.equal(failures.length, 2, 'a failure after resuming is a new episode');
  assert.equal(readPcap(disk.files.get('cap.pcap')!).records.length, 3);
  w.close();
});

test('a capture write failure on the periodic flush (the timer path) is caught too', async () => {
  const disk = new FullDisk(24);
  const failures: Error[] = [];
  const w = CaptureWriter.open('cap.pcap', {
    openSink: disk.open,
    flushIntervalMs: 5,
    guard: { onFailure: (e) => failures.push(e) },
  });
  w.writeDatagram({ source: UE4, destination: HA4, sourcePort: 1, destinationPort: 2, payload: PAYLOAD });
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(failures.length, 1);
  assert.equal(w.health.dropped, 1);
  w.close(); // nothing buffered, nothing thrown
});

test('a capture file is created 0600', async () => {
  await withDir(async (dir) => {
    const file = join(dir, 'mode.pcap');
    CaptureWriter.open(file, { flushIntervalMs: 0 }).close();
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });
});

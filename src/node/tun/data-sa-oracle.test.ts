// tshark 4.0 as an independent decoder of the data SA's packets (RFC 5555 §5.2.2), with the key log the UE's IKE
// shell writes (src/node/ike/key-log-events.ts → src/obs/keylog.ts esp_sa): captured as the UE sees them, plain ESP
// over IPv4 without a NAT and ESP in UDP 4500 with one, both directions. tshark must verify every ICV and show the
// inner ping with the home address (one tshark process).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { findField, hasMalformed, type TsharkLayers } from '../../../test/oracle/tshark.ts';
import { ESP_SA_FILE, KeyLogWriter } from '../../obs/keylog.ts';
import { LINKTYPE_RAW, writePcap } from '../../obs/pcap.ts';
import { buildUdp4 } from '../../wire/ip/build.ts';
import { logKeysOfEvent } from '../ike/key-log-events.ts';
import { CN4, CN6, HA4, HOA, HOA4, UE_COA, type WirePacket, withDataSa } from './data-sa-test-support.ts';
import { ping } from './test-support.ts';

const run = promisify(execFile);

/** The packet as a capture on the UE's access link shows it (UDP-encapsulated ESP gets its IPv4 and UDP headers). */
function captured(p: WirePacket): Uint8Array {
  if (p.kind === 'raw') return p.packet;
  const up = p.from === 'ue';
  return buildUdp4({
    src: up ? UE_COA : HA4,
    dst: up ? HA4 : UE_COA,
    sourcePort: 4500,
    destinationPort: 4500,
    payload: p.esp,
    omitChecksum: true, // RFC 3948 §2.1
  });
}

test('tshark decrypts the data SA with the UE key log: the inner pings, ICVs verified, either format', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dsmip-data-sa-oracle-'));
  try {
    const log = new KeyLogWriter(dir);
    const packets: Uint8Array[] = [];
    for (const nat of [false, true]) {
      const w = withDataSa({ nat });
      for (const c of w.childEvents) if (c.side === 'ue') logKeysOfEvent(log, w.link.ue, c.event);
      w.ueDevice.inject(ping(HOA, CN6, 120), ping(HOA4, CN4, 84));
      w.haDevice.inject(ping(CN6, HOA, 120));
      packets.push(...w.deliver().map(captured));
    }
    assert.match(readFileSync(join(dir, ESP_SA_FILE), 'utf8'), /"IPv4","\*","\*","0x[0-9a-f]{8}","AES-GCM/);
    const tampered = packets[0]!.slice();
    tampered[tampered.length - 1]! ^= 1;
    const file = join(dir, 'data.pcap');
    writeFileSync(file, writePcap([...packets, tampered], LINKTYPE_RAW));
    const { stdout } = await run('tshark', ['-n', '-r', file, '-T', 'json', '--no-duplicate-keys'], {
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, WIRESHARK_CONFIG_DIR: dir },
    });
    const layers = (JSON.parse(stdout) as { _source: { layers: TsharkLayers } }[]).map((p) => p._source.layers);
    assert.equal(layers.length, 7);
    for (const [i, l] of layers.slice(0, 6).entries()) {
      assert.ok(!hasMalformed(l), `packet ${i}`);
      assert.equal(findField(l.esp, 'esp.icv_good'), '1', `packet ${i}: ICV verified`);
      assert.equal(findField(l, 'udp.dstport') === '4500', i >= 3, `packet ${i}: UDP 4500 only behind the NAT`);
    }
    for (const base of [0, 3]) {
      // ESP tunnel mode, Next Header 41 / 4 (RFC 4303 §2.6), then the ping the UE's device handed over.
      assert.equal(findField(layers[base]!.esp, 'esp.protocol'), '0x29');
      assert.equal(findField(layers[base], 'ipv6.src'), HOA.toString());
      assert.equal(findField(layers[base], 'icmpv6.type'), '128');
      assert.equal(findField(layers[base + 1]!.esp, 'esp.protocol'), '0x04');
      assert.equal(findField(layers[base + 1]?.icmp, 'icmp.type'), '8');
      assert.equal(findField(layers[base + 2], 'ipv6.dst'), HOA.toString());
    }
    assert.equal(findField(layers[6]!.esp, 'esp.icv_good'), '0', 'negative control: a corrupted ICV is seen');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// tshark 4.0 as an independent decoder of what the pipelines put on the wire (one tshark process): the BU/BA of an
// IPv6, an IPv4 and a NAT registration, with our key log (src/obs/keylog.ts esp_sa lines) in a private Wireshark
// configuration. tshark must find ESP where RFC 3776 §3.1 / RFC 5555 §5.2.1 put it, verify every ICV and show the
// decrypted Mobility Header: BU/BA type, sequence numbers, flags, the IPv4 CoA and the NAT Detection F flag.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { findAll, findField, hasMalformed, type TsharkLayers } from '../../../test/oracle/tshark.ts';
import type { EspSaParams } from '../../ipsec/sa-params.ts';
import { COA4, COA6, HOA, PRIVATE4 } from '../../mip/test-fixtures.ts';
import { KeyLogWriter } from '../../obs/keylog.ts';
import { LINKTYPE_RAW, writePcap } from '../../obs/pcap.ts';
import {
  attachAndRegister,
  buildMobilityWorld,
  deliveredTo,
  type MobilityWorld,
  type Topology,
} from './test-support.ts';

const run = promisify(execFile);

async function tsharkWithKeys(packets: readonly Uint8Array[], sas: readonly EspSaParams[]): Promise<TsharkLayers[]> {
  const dir = mkdtempSync(join(tmpdir(), 'dsmip-mobility-oracle-'));
  try {
    const log = new KeyLogWriter(dir);
    for (const sa of sas) log.logEspSa(sa, { family: 6 }); // ESP always sits in an IPv6 packet here
    const file = join(dir, 'signalling.pcap');
    writeFileSync(file, writePcap(packets, LINKTYPE_RAW));
    const { stdout } = await run(
      'tshark',
      ['-n', '-r', file, '-T', 'json', '--no-duplicate-keys', '-d', 'udp.port==4191,ipv6'],
      { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, WIRESHARK_CONFIG_DIR: dir } },
    );
    const parsed = JSON.parse(stdout) as { _source: { layers: TsharkLayers } }[];
    assert.equal(parsed.length, packets.length);
    return parsed.map((p) => p._source.layers);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The SA pair of a world's Child SA, as the HA holds it (its inbound is the UE's outbound, and back). */
function keysOf(w: MobilityWorld, spiHa: number): EspSaParams[] {
  const e = w.ha.pipeline.registry.entryBySpi(spiHa)!;
  return [e.inbound.params, e.outbound.params];
}

const SPIS: Record<Topology, [number, number]> = {
  ipv6: [0x6001, 0x6002],
  ipv4: [0x4001, 0x4002],
  nat: [0x4401, 0x4402],
};

test('tshark decrypts every BU and BA with our key log and reads the Mobility Header inside', async () => {
  const packets: Uint8Array[] = [];
  const sas: EspSaParams[] = [];
  for (const topology of ['ipv6', 'ipv4', 'nat'] as const) {
    const w = await buildMobilityWorld({
      topology,
      spis: SPIS[topology],
      suite: topology === 'ipv4' ? 'cbc128-sha256' : 'gcm128',
    });
    attachAndRegister(w);
    packets.push(deliveredTo(w, 'ha')[0]!, deliveredTo(w, 'ue')[0]!);
    sas.push(...keysOf(w, SPIS[topology][0]));
  }
  const tampered = packets[0]!.slice();
  tampered[tampered.length - 1]! ^= 1;
  const layers = await tsharkWithKeys([...packets, tampered], sas);
  const spiHex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;
  const expectedSpi = [SPIS.ipv6[0], SPIS.ipv6[1], SPIS.ipv4[0], SPIS.ipv4[1], SPIS.nat[0], SPIS.nat[1]];
  for (const [i, l] of layers.slice(0, 6).entries()) {
    assert.ok(!hasMalformed(l), `packet ${i}`);
    assert.equal(findField(l.esp, 'esp.spi'), spiHex(expectedSpi[i]!), `packet ${i}: SPI`);
    assert.equal(findField(l.esp, 'esp.icv_good'), '1', `packet ${i}: ICV verified`);
    assert.equal(findField(l.esp, 'esp.protocol'), '0x87', `packet ${i}: Next Header 135`);
    assert.equal(findField(l.mipv6, 'mip6.mhtype'), i % 2 === 0 ? '5' : '6', `packet ${i}: BU then BA`);
  }
  const bu = (i: number) => layers[i]!.mipv6;
  // IPv6 access: HAO in front of ESP, H and A set, the Alternate CoA; the BA behind RH2.
  assert.equal(findField(layers[0], 'ipv6.opt.mipv6.home_address'), HOA.toString());
  assert.deepEqual([findField(bu(0), 'mip6.bu.a_flag'), findField(bu(0), 'mip6.bu.h_flag')], ['1', '1']);
  assert.equal(findField(bu(0), 'mip6.acoa.acoa'), COA6.toString());
  assert.equal(findField(layers[1], 'ipv6.routing.type'), '2');
  assert.equal(findField(layers[1]!.mipv6, 'mip6.ba.status'), '0');
  assert.equal(findField(layers[1]!.mipv6, 'mip6.ba.seqnr'), findField(bu(0), 'mip6.bu.seqnr'));
  // IPv4 access: IPv4 · UDP 4191 · IPv6 · ESP (AES-CBC + HMAC-SHA2-256-128 here) with the IPv4 CoA option;
  // the BA in IPv4 protocol 41 with the IPv4 Address Acknowledgement.
  assert.deepEqual(findAll(layers[2], 'udp.dstport'), ['4191']);
  assert.equal(findField(bu(2), 'mip6.ipv4coa.addr'), COA4.toString());
  assert.equal(findField(layers[3], 'ip.proto'), '41');
  assert.equal(findField(layers[3]!.mipv6, 'mip6.ipv4aa.sts'), '0');
  // Behind a NAT: the CoA option says the private address, the BA comes in UDP with F set in NAT Detection.
  assert.equal(findField(bu(4), 'mip6.ipv4coa.addr'), PRIVATE4.toString());
  assert.deepEqual(findAll(layers[5], 'udp.srcport'), ['4191']);
  assert.equal(findField(layers[5]!.mipv6, 'mip6.natd.f_flag'), '1');
  assert.equal(findField(layers[5]!.mipv6, 'mip6.natd.refresh_t'), '110', 'NATKATIMEOUT (RFC 5555 §3.2.2)');
  // Negative control: the same check sees a corrupted ICV.
  assert.equal(findField(layers[6]!.esp, 'esp.icv_good'), '0');
});

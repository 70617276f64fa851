/**
 * Runs inside a network namespace for data-sa-netns.test.ts (started with `ip netns exec`, as root): the runnable
 * HomeAgent and UserEquipment on real sockets (the namespace's `lo` carries the HA's and the UE's addresses, so raw
 * sockets work), the UE with `ike.protectData` and a real TUN device, the HA with an in-memory core-side device
 * that answers UDP like a correspondent node. An application socket on the UE sends to a correspondent through the
 * UE's TUN: the packets must cross as plain ESP on the data SA (RFC 5555 §5.2.2) both ways. Prints one JSON object
 * (what it saw, the UE's capture of protocol 50 packets, the key log directory) and exits.
 */

import { createSocket } from 'node:dgram';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadHaConfig, loadUeConfig } from '../../config/load.ts';
import type { ChildSaEvent } from '../../ike/events.ts';
import { KeyLogWriter } from '../../obs/keylog.ts';
import { silentLogger } from '../../obs/log.ts';
import { copyBytes } from '../../util/bytes.ts';
import { toHex } from '../../util/hex.ts';
import { Reader } from '../../util/reader.ts';
import { buildUdp4, buildUdp6 } from '../../wire/ip/build.ts';
import { decodeIpPacket } from '../../wire/ip/tunnel.ts';
import { parseUdp } from '../../wire/ip/udp.ts';
import { HomeAgent } from '../ha/home-agent.ts';
import { UserEquipment } from '../ue/user-equipment.ts';
import type { OpenedTun } from './tun-open.ts';

const REPO = new URL('../../../', import.meta.url).pathname;
const PKI = join(REPO, 'test/fixtures/pki/');

/** The HA's core-side device: what the HA writes is a packet for the core network; UDP to port 7 is echoed back. */
class EchoingCoreNetwork implements OpenedTun {
  readonly name = 'core0';
  readonly written: string[] = [];
  private handler: ((packets: readonly Uint8Array[]) => void) | undefined;
  write(packet: Uint8Array): boolean {
    const ip = decodeIpPacket(packet);
    const protocol = ip.version === 4 ? ip.packet.protocol : ip.packet.nextHeader;
    this.written.push(`${ip.packet.source}>${ip.packet.destination}/${protocol}`);
    if (protocol !== 17) return true;
    const udp = parseUdp(Reader.of(ip.packet.payload, 'udp'));
    if (udp.destinationPort !== 7) return true;
    const back = { sourcePort: 7, destinationPort: udp.sourcePort, payload: new TextEncoder().encode('pong') };
    const answer =
      ip.version === 4
        ? buildUdp4({ src: ip.packet.destination, dst: ip.packet.source, ...back })
        : buildUdp6({ src: ip.packet.destination, dst: ip.packet.source, ...back });
    setImmediate(() => this.handler?.([answer]));
    return true;
  }
  onPackets(handler: (packets: readonly Uint8Array[]) => void): void {
    this.handler = handler;
  }
  close(): void {}
}

async function echo(family: 4 | 6, from: string, to: string): Promise<string> {
  const s = createSocket(family === 4 ? 'udp4' : 'udp6');
  await new Promise<void>((resolve) => s.bind(0, from, resolve));
  const got = new Promise<string>((resolve) => {
    s.on('message', (m) => resolve(m.toString()));
    setTimeout(() => resolve('timeout'), 3000);
  });
  s.send('ping', 7, to);
  const r = await got;
  s.close();
  return r;
}

const dir = mkdtempSync(join(tmpdir(), 'dsmip-data-sa-'));
copyFileSync(join(REPO, 'examples/subscribers.json'), join(dir, 'subscribers.json'));
const core = new EchoingCoreNetwork();
const ha = await HomeAgent.start(
  loadHaConfig({
    text: `ha:
  addresses: { ipv6: "2001:db8:1::1", ipv4: 192.0.2.1 }
  ike: { identity: ha.dsmip.test, certificate: "${PKI}ha-ecdsa.pem", privateKey: "${PKI}ha-ecdsa.key" }
  aaa: { subscriberFile: "${join(dir, 'subscribers.json')}" }
  homePrefixPool: { base: "2001:db8:100::/40", prefixLength: 64 }
  ipv4HomeAddressPool: ["10.10.0.0/24"]
  metrics: { enabled: false }
  tun: { enabled: true, name: core0 }
  logging: { level: silent }
`,
  }),
  { logger: silentLogger(), processMetrics: false, openTun: () => core },
);
const keyDir = join(dir, 'keys');
const captured: Uint8Array[] = [];
const dataSas: ChildSaEvent[] = [];
const ue = await UserEquipment.start(
  loadUeConfig({
    text: `ue:
  identity: { imsi: "001010000000001", k: 465b5ce8b199b49faa5f0a2ee238a6bc, opc: cd63cb71954a9f4e48a5994e37a02baf, mcc: "001", mnc: "01" }
  apn: internet
  discovery: { static: [{ ipv6: "2001:db8:1::1", ipv4: 192.0.2.1 }] }
  ike: { caCertificate: "${PKI}ca-ecdsa.pem", haIdentity: ha.dsmip.test, protectData: true }
  access: { family: ipv4, ipv4: { careOfAddress: 192.0.2.100 } }
  dhcp: { v6: { enabled: false }, v4: { enabled: false } }
  tun: { enabled: true, name: dsmdata-ue, routes: ["2001:db8:5::/64", "203.0.113.0/24"] }
  logging: { level: silent }
`,
  }),
  {
    logger: silentLogger(),
    keyLog: new KeyLogWriter(keyDir),
    capture: {
      writePacket: (p) => {
        if (p[0]! >> 4 === 4 && p[9] === 50) captured.push(copyBytes(p));
      },
      writeDatagram: () => {},
    },
    onEvent: (e) => {
      if (
        e.kind === 'ike' &&
        e.event.kind === 'child-sa-established' &&
        e.event.mode === 'tunnel' &&
        e.event.tsLocal.length === 2
      )
        dataSas.push(e.event);
    },
  },
);
const attached = await ue.attach();
for (let i = 0; i < 100 && dataSas.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
const hoa4 = attached.ipv4HomeAddress?.toString() ?? '';
const pong6 = await echo(6, attached.ipv6HomeAddress.toString(), '2001:db8:5::9');
const pong4 = await echo(4, hoa4, '203.0.113.9');
const status = ha.status();
await ue.detach();
await ue.stop();
await ha.stop();
process.stdout.write(
  `${JSON.stringify({
    forceUdp: attached.forceUdpReason ?? null,
    hoa6: attached.ipv6HomeAddress.toString(),
    hoa4,
    dataSa: dataSas.map((e) => ({ spiIn: e.spiIn, udp: e.udpEncapsulation })),
    pong6,
    pong4,
    core: core.written,
    haDataSas: status.dataSas,
    esp: captured.map(toHex),
    keyDir,
  })}\n`,
);
process.exit(0);

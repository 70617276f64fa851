// The HA process of the real-path TUN benchmark (tun-netns.ts runs it in the HA's namespace, pinned to one core):
// the HA's user-plane objects wired as src/node/ha/home-agent.ts wires them, on real sockets and a real TUN device:
//   UDP 4191 (node:dgram) → HaSignalling.receiveUdp (not signalling) → HaDataPlane.fromMobileNode (the core's
//   acceptFromUe source check, DHCP filter) → HaTun → TUN write;  TUN read → HaForwarder (binding lookup, size
//   check) → UDP 4191 send;  and the same through the ESP data SAs (src/node/tun/ha-data-sas.ts) on UDP 4500.
// Bindings come from the core's own decision on BUs (their ESP and IKE are not part of the user plane).
// Reads commands on stdin: `measure uplink|downlink SECONDS` answers with the counters' growth (and the data SAs':
// ESP opened, and the downlink SA's outbound sequence, i.e. packets sealed) and the CPU time this process used over
// that window; `quit`. Imported by bench/run.ts as a case with no benches.
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { loadHaConfig } from '../../src/config/load.ts';
import { HaDhcpService } from '../../src/dhcp/ha-service.ts';
import type { ChildSaEvent, IkePath } from '../../src/ike/events.ts';
import { addressSelector, selectorsExcluding } from '../../src/ike/traffic-selectors.ts';
import { EspSad } from '../../src/ipsec/sad.ts';
import { HomeAgentCore } from '../../src/mip/home-agent.ts';
import type { OuterInfo } from '../../src/mip/types.ts';
import { haDhcpServiceConfigOf, haPolicyOf, ipv4RangesOf } from '../../src/node/ha/ha-config.ts';
import { HaDataPlane } from '../../src/node/ha/ha-data-plane.ts';
import { osRandom } from '../../src/node/ike/udp-endpoint.ts';
import { HaSignalling } from '../../src/node/mobility/ha-signalling.ts';
import { MobilitySaRegistry } from '../../src/node/mobility/sa-registry.ts';
import { DeadlineTimer, monotonicNowMs } from '../../src/node/net/clock.ts';
import { rawSocketsNotUsed } from '../../src/node/net/raw-sockets.ts';
import { NodeTransportProvider } from '../../src/node/net/transport-provider.ts';
import { HaDataSas } from '../../src/node/tun/ha-data-sas.ts';
import { HaTun } from '../../src/node/tun/ha-tun.ts';
import { fromHex } from '../../src/util/hex.ts';
import { Ipv4Address, Ipv6Address } from '../../src/util/ip-address.ts';
import type { BindingUpdate } from '../../src/wire/mh/messages.ts';
import type { Bench } from '../harness.ts';
import {
  DOWNLINK_COA,
  ESP,
  ESP_HOME_INDEX,
  HA4,
  HA6,
  HOME_POOL,
  homeAddress,
  LOADGEN4,
  UPLINK_PORT,
} from './tun-netns-lab.ts';

export const benches: Bench[] = [];

function bindingUpdate(careOf: Ipv4Address): BindingUpdate {
  return {
    kind: 'binding-update',
    acknowledge: true,
    homeRegistration: true,
    linkLocalAddressCompatibility: false,
    keyManagementMobilityCapability: false,
    mapRegistration: false,
    mobileRouter: false,
    proxyRegistration: false,
    forceUdpEncapsulation: true, // F = 1: UDP 4191 both ways (RFC 5555 §3.1.3)
    tlvHeaderFormat: false,
    overwriteOrBulkBinding: false,
    sequence: 1,
    lifetimeSec: 3600,
    options: [{ kind: 'ipv4-care-of-address', careOfAddress: careOf }],
  };
}

/** A negotiated data SA as the IKE engine reports it (RFC 5555 §5.2.2), with the bench's fixed keys. */
function dataSaEvent(sa: (typeof ESP)['uplink' | 'downlink'], hoa: Ipv6Address): ChildSaEvent {
  const keys = { encrKey: fromHex(sa.key), integKey: new Uint8Array(0) };
  return {
    kind: 'child-sa-established',
    ikeSaId: sa.ikeSaId,
    spiIn: sa.spiIn,
    spiOut: sa.spiOut,
    mode: 'tunnel',
    esn: false,
    encrId: 20, // AES-GCM-16 (RFC 4106)
    encrKeyBits: 256,
    integId: undefined,
    keysIn: keys,
    keysOut: keys,
    tsLocal: [...selectorsExcluding(Ipv6Address.parse(HA6)), ...selectorsExcluding(Ipv4Address.parse(HA4))],
    tsRemote: [addressSelector(hoa)],
    udpEncapsulation: true,
    rekeyOf: undefined,
    homeAddress: undefined,
  };
}

async function main(): Promise<void> {
  const config = loadHaConfig({
    text: `ha:
  addresses: { ipv6: "${HA6}", ipv4: ${HA4} }
  ike: { identity: ha.bench.test, certificate: unused.pem, privateKey: unused.key }
  aaa: { subscriberFile: unused.json }
  homePrefixPool: { base: "${HOME_POOL}", prefixLength: 64 }
  ipv4HomeAddressPool: [10.10.0.0/28]
  tun: { enabled: true, name: dsmbtun, mtu: 1500, linkMtu: 1500 }
`,
  });
  const core = new HomeAgentCore(haPolicyOf(config), ipv4RangesOf(config));
  const sad = new EspSad({ random: osRandom });
  const pipeline = new HaSignalling({
    core,
    sad,
    registry: MobilitySaRegistry.forHomeAgent(sad, { session: () => undefined }),
  });
  const provider = new NodeTransportProvider({ rawSupport: rawSocketsNotUsed('the user plane runs on UDP here') });
  const ha4 = Ipv4Address.parse(HA4);
  const dsmip = await provider.openUdp({ family: 4, address: ha4, port: 4191, label: 'dsmip' });
  const natT = await provider.openUdp({ family: 4, address: ha4, port: 4500, label: 'nat-t' });
  const paths = new Map<number, IkePath>([
    [
      ESP.uplink.ikeSaId,
      { localAddr: ha4, localPort: 4500, remoteAddr: Ipv4Address.parse(LOADGEN4), remotePort: 4500 },
    ],
    [
      ESP.downlink.ikeSaId,
      { localAddr: ha4, localPort: 4500, remoteAddr: Ipv4Address.parse(DOWNLINK_COA), remotePort: 4500 },
    ],
  ]);
  const drops: Record<string, number> = {};
  let tun: HaTun | undefined;
  const dataSas = new HaDataSas({
    random: osRandom,
    mtus: { linkMtu: config.tun.linkMtu, deviceMtu: config.tun.mtu },
    pathOf: (id) => paths.get(id),
    sendUdp: (esp, to) => {
      natT.send(esp, to.address, to.port);
      return true;
    },
    toCoreNetwork: (inner) => tun?.fromDataSa(inner),
  });
  const dataPlane = new HaDataPlane({
    core,
    dhcp: new HaDhcpService(haDhcpServiceConfigOf(config)),
    ipv6HomeAddressOf: () => undefined,
    sendTunnel: () => false,
    sendToServer: () => {},
    onDrop: (_layer, reason) => {
      drops[reason] = (drops[reason] ?? 0) + 1;
    },
    onDhcpEvent: () => {},
    toCoreNetwork: (inner) => tun?.fromMobileNode(inner),
  });
  tun = HaTun.open(config, {
    output: { udp: dsmip, sendRaw: () => false },
    isMobileRouter: () => false,
    now: monotonicNowMs,
    dataSas,
  });
  const timer = new DeadlineTimer((now) => pipeline.handleTimeout(now));
  // As HomeAgent.onDsmip and serviceSignalling: every datagram is offered to the signalling pipeline first.
  dsmip.onMessage((d) => {
    const outcome = pipeline.receiveUdp(d.receivedAt, d);
    if (outcome.kind === 'not-signalling') {
      const outer: OuterInfo = {
        family: 4,
        source: d.source as Ipv4Address,
        destination: d.local as Ipv4Address,
        sourcePort: d.sourcePort,
        viaUdp4191: true,
      };
      dataPlane.fromMobileNode(d.receivedAt, outer, d.payload);
    }
    for (let out = pipeline.pollSend(); out !== undefined; out = pipeline.pollSend());
    for (let e = core.pollEvent(); e !== undefined; e = core.pollEvent()) {
      tun?.applyBindingEvent(e);
      dataSas.applyBindingEvent(e);
    }
    timer.arm(pipeline.pollTimeout());
  });
  // As IkeDatagramEndpoint on the NAT-T port: anything but the non-ESP marker is ESP (RFC 3948 §2.2).
  natT.onMessage((d) => {
    const p = d.payload;
    if (p.length >= 4 && (p[0]! | p[1]! | p[2]! | p[3]!) !== 0) dataSas.fromUdp(p);
  });
  const now = monotonicNowMs();
  const prefix = { prefix: Ipv6Address.parse('2001:db8:100::'), prefixLength: 40 };
  for (let i = 0; i <= ESP_HOME_INDEX; i++) {
    for (const direction of ['uplink', 'downlink'] as const) {
      const careOf = Ipv4Address.parse(direction === 'uplink' ? LOADGEN4 : DOWNLINK_COA);
      const port = direction === 'uplink' ? UPLINK_PORT : UPLINK_PORT + i;
      core.handleBindingUpdate(now, bindingUpdate(careOf), {
        ikeSaId: `${direction}-${i}`,
        authorizedHomePrefix: prefix,
        protectedByEsp: true,
        homeAddress: homeAddress(direction, i),
        homeAgentAddress: Ipv6Address.parse(HA6),
        outer: { family: 4, source: careOf, destination: ha4, sourcePort: port, viaUdp4191: true },
      });
    }
  }
  while (core.pollTransmit() !== undefined);
  for (let e = core.pollEvent(); e !== undefined; e = core.pollEvent()) {
    tun.applyBindingEvent(e);
    dataSas.applyBindingEvent(e);
  }
  dataSas.handleIkeEvent(dataSaEvent(ESP.uplink, homeAddress('uplink', ESP_HOME_INDEX)));
  dataSas.handleIkeEvent(dataSaEvent(ESP.downlink, homeAddress('downlink', ESP_HOME_INDEX)));
  /** Packets sealed on the downlink data SA so far: its outbound sequence number (RFC 4303 §3.3.3). */
  const espSealed = () => dataSas.status().sas.find((s) => s.spiIn === ESP.downlink.spiIn)?.sequenceOut ?? 0;
  const status = tun.status();
  process.stdout.write(`${JSON.stringify({ ready: true, tunnels: status.tunnels, dataSas: dataSas.size })}\n`);

  /** Every drop counter of the path: the data plane's, the forwarder's and the data SAs'. */
  const allDrops = (): Record<string, number> => ({ ...drops, ...tun!.counters.drops, ...dataSas.counters.drops });
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    const [command, direction, seconds] = line.trim().split(/\s+/);
    if (command === 'quit') break;
    if (command !== 'measure') continue;
    const c = direction === 'uplink' ? tun.counters.outOfTunnel : tun.counters.intoTunnel;
    const before = {
      packets: c.packets,
      bytes: c.bytes,
      opened: dataSas.counters.opened,
      sealed: espSealed(),
      drops: allDrops(),
    };
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, Number(seconds) * 1000));
    const cpuUsed = process.cpuUsage(cpu);
    const ms = performance.now() - t0;
    const after = allDrops();
    const windowDrops = Object.fromEntries(
      Object.entries(after)
        .map(([k, n]) => [k, n - (before.drops[k] ?? 0)] as const)
        .filter(([, n]) => n > 0),
    );
    process.stdout.write(
      `${JSON.stringify({
        packets: c.packets - before.packets,
        bytes: c.bytes - before.bytes,
        espOpened: dataSas.counters.opened - before.opened,
        espSealed: espSealed() - before.sealed,
        cpuUs: cpuUsed.user + cpuUsed.system,
        ms,
        drops: windowDrops,
        socketReceived: dsmip.counters.received + natT.counters.received,
      })}\n`,
    );
  }
  timer.stop();
  tun.close();
  await provider.closeAll();
  process.exit(0);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();

/**
 * Whole-node fuzzing of the Home Agent: not one decoder, but the HA as shipped (HomeAgent: IKE responder, SAD, BU/BA
 * pipeline, data plane, DHCP service) on real loopback sockets. A real UE attaches first (IKE_SA_INIT, IKE_AUTH with
 * EAP-AKA, BU/BA in ESP, DHCP through the tunnel); every datagram it sent to the HA is recorded. Those datagrams are
 * then mutated (fuzz/harness.ts `mutate`) and sent again, from the UE's address, to the port each was sent to, so
 * they reach live IKE SAs, the BU/BA SA and the binding. Findings: any exception that escapes (uncaught in this
 * process), the HA no longer answering a fresh IKE_SA_INIT, and state that grows with the input count (IKE SAs,
 * bindings, half-open SAs past their bounds).
 */

import { createSocket, type Socket } from 'node:dgram';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadHaConfig, loadUeConfig } from '../src/config/load.ts';
import { HomeAgent } from '../src/node/ha/home-agent.ts';
import { AddressAliases } from '../src/node/net/address-aliases.ts';
import { UserEquipment } from '../src/node/ue/user-equipment.ts';
import { silentLogger } from '../src/obs/log.ts';
import { Ipv4Address } from '../src/util/ip-address.ts';
import { makeRng, mutate } from './harness.ts';

const PKI = new URL('../test/fixtures/pki/', import.meta.url).pathname;
const SUBSCRIBERS = new URL('../examples/subscribers.json', import.meta.url).pathname;
const CARE_OF = '192.0.2.100';

export interface HaNodeFuzzOptions {
  readonly inputs: number;
  readonly seed?: number;
  /** Datagrams sent before yielding to the event loop (the HA runs in this process). */
  readonly batch?: number;
}

export interface HaNodeFuzzReport {
  readonly inputs: number;
  readonly seeds: number;
  readonly findings: readonly string[];
  /** What the HA holds at the end, for the report. */
  readonly ikeSas: number;
  readonly bindings: number;
  readonly drops: number;
  readonly seconds: number;
}

interface Recorded {
  readonly port: number;
  readonly payload: Uint8Array;
}

function haYaml(ha: Ipv4Address, dir: string): string {
  return `ha:
  addresses: { ipv6: "2001:db8:1::1", ipv4: "${ha}" }
  ike: { identity: ha.dsmip.test, certificate: "${PKI}ha-ecdsa.pem", privateKey: "${PKI}ha-ecdsa.key", cookieThreshold: 50 }
  aaa: { subscriberFile: "${join(dir, 'subscribers.json')}" }
  homePrefixPool: { base: "2001:db8:100::/40", prefixLength: 64 }
  ipv4HomeAddressPool: ["10.10.0.0/24"]
  dns: { ipv6: ["2001:db8:53::53"], ipv4: ["192.0.2.53"] }
  dhcp: { v6: { mode: embedded }, v4: { mode: embedded } }
  metrics: { enabled: false }
  logging: { level: silent }
`;
}

function ueYaml(ha: HomeAgent, haAddress: Ipv4Address): string {
  const { ikePort, natTPort } = ha.ikeEndpoint;
  return `ue:
  identity: { imsi: "001010000000001", k: 465b5ce8b199b49faa5f0a2ee238a6bc, opc: cd63cb71954a9f4e48a5994e37a02baf, mcc: "001", mnc: "01" }
  apn: internet
  discovery: { static: [{ ipv6: "2001:db8:1::1", ipv4: "${haAddress}" }] }
  ike:
    ports: { remote: ${ikePort}, remoteNatT: ${natTPort} }
    caCertificate: "${PKI}ca-ecdsa.pem"
    haIdentity: ha.dsmip.test
  access: { family: ipv4, ipv4: { careOfAddress: ${CARE_OF} } }
  mobility: { forceUdp: true }
  logging: { level: silent }
`;
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

export async function fuzzHomeAgentNode(o: HaNodeFuzzOptions): Promise<HaNodeFuzzReport> {
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'dsmip-fuzz-ha-'));
  copyFileSync(SUBSCRIBERS, join(dir, 'subscribers.json'));
  // A 127.x.y.0/24 of its own: UDP 4191 is fixed (RFC 5555 §4.1).
  const x = 1 + Math.floor(Math.random() * 250);
  const y = 1 + Math.floor(Math.random() * 250);
  const haAddress = Ipv4Address.parse(`127.${x}.${y}.1`);
  const ueAddress = `127.${x}.${y}.2`;
  const aliases = new AddressAliases([{ address: Ipv4Address.parse(CARE_OF), via: Ipv4Address.parse(ueAddress) }]);
  const findings: string[] = [];
  const onUncaught = (e: unknown) => findings.push(`uncaught: ${(e as Error)?.stack ?? String(e)}`.slice(0, 2000));
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
  const recorded: Recorded[] = [];
  let drops = 0;
  let ha: HomeAgent | undefined;
  let ue: UserEquipment | undefined;
  let socket: Socket | undefined;
  try {
    ha = await HomeAgent.start(loadHaConfig({ text: haYaml(haAddress, dir), name: 'ha.yaml' }), {
      logger: silentLogger(),
      processMetrics: false,
      ikePorts: { ike: 0, natT: 0 },
      onEvent: (e) => {
        if (e.kind === 'datagram' && e.trace.direction === 'received') {
          recorded.push({ port: e.trace.localPort, payload: new Uint8Array(e.trace.payload) });
        }
        if (e.kind === 'drop') drops++;
      },
    });
    ue = await UserEquipment.start(loadUeConfig({ text: ueYaml(ha, haAddress), name: 'ue.yaml' }), {
      logger: silentLogger(),
      aliases,
    });
    await ue.attach();
    // The seeds: what a real attach sent to the HA (IKE on both ports, BU in ESP, DHCP through the tunnel).
    const seeds = [...recorded];
    if (seeds.length === 0) throw new Error('the attach recorded no datagrams');
    const rand = makeRng(o.seed ?? 0x5eed);
    const sock = createSocket('udp4');
    socket = sock;
    await new Promise<void>((resolve) => sock.bind(0, ueAddress, resolve));
    const batch = o.batch ?? 64;
    const sizes: number[] = [];
    for (let i = 0; i < o.inputs; i++) {
      const seed = seeds[rand() % seeds.length]!;
      const input = rand() % 16 === 0 ? seed.payload : mutate(seed.payload, rand); // some plain replays too
      sock.send(input, seed.port, haAddress.toString());
      if ((i + 1) % batch === 0) {
        await tick();
        await tick();
      }
      if ((i + 1) % Math.max(1, Math.floor(o.inputs / 8)) === 0) sizes.push(ha.status() ? haState(ha) : 0);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Still serving: the UE's own IKE SA answers a liveness check, and state did not grow with the inputs.
    const ikeSas = haState(ha);
    if (ha.bindingCount > 1) findings.push(`bindings grew to ${ha.bindingCount} (one UE attached)`);
    // Mutated IKE_SA_INITs open half-open SAs; the cookie threshold and the half-open timeout bound them. Growth
    // in every eighth of the run would mean a leak.
    const growing = sizes.length >= 4 && sizes.every((s, i) => i === 0 || s > sizes[i - 1]!);
    if (growing && ikeSas > 1000) findings.push(`IKE SAs keep growing with the inputs: ${sizes.join(' → ')}`);
    const stillUp = await ue.refreshDhcpParameters().then(
      () => true,
      (e: unknown) => {
        findings.push(`the HA stopped answering the attached UE: ${(e as Error).message}`);
        return false;
      },
    );
    void stillUp;
    return {
      inputs: o.inputs,
      seeds: seeds.length,
      findings,
      ikeSas,
      bindings: ha.bindingCount,
      drops,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    socket?.close();
    await ue?.stop();
    await ha?.stop();
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUncaught);
    rmSync(dir, { recursive: true, force: true });
  }
}

function haState(ha: HomeAgent): number {
  return (ha.status() as { ikeSas: number }).ikeSas;
}

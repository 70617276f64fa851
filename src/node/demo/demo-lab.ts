/**
 * The demo's network on one host's loopback: the addresses every node uses (documentation addresses, RFC 5737 and
 * RFC 3849, carried on a private 127.x.y.0/24 so the fixed DSMIPv6 port 4191 of RFC 5555 §4.1 is free), the alias
 * tables (src/node/net/address-aliases.ts), and the embedded HA and UE configs. Nothing is read from the user.
 *
 *   without NAT   UE 192.0.2.100 ─────────────────────────────→ HA 192.0.2.1 / 2001:db8:1::1
 *   with --nat    UE 10.0.0.2 ──→ NAT (rewrites to 198.51.100.1:port) ──→ HA
 *
 * With the NAT the UE and the HA get different alias tables: both name the relay's loopback address, the UE as the
 * HA's address (the NAT is in its path), the HA as the NAT's public address, as on either side of a real NAPT.
 */
import { createSocket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { AddressAliases } from '../net/address-aliases.ts';

/** TS 35.208 test set 1: the demo subscriber, also in examples/subscribers.json. */
export const DEMO_SUBSCRIBER = {
  imsi: '001010000000001',
  k: '465b5ce8b199b49faa5f0a2ee238a6bc',
  opc: 'cd63cb71954a9f4e48a5994e37a02baf',
  amf: 'b9b9',
  mcc: '001',
  mnc: '01',
} as const;

/** TS 23.003 §21.2 HA-APN for APN "internet" in MCC 001 / MNC 01. */
export const DEMO_HA_APN = 'internet.ha-apn.mnc001.mcc001.pub.3gppnetwork.org';
export const DEMO_HA_IDENTITY = 'ha.dsmip.test';

const PKI_DIR = fileURLToPath(new URL('../../../examples/demo-pki/', import.meta.url));
const SUBSCRIBER_FILE = fileURLToPath(new URL('../../../examples/subscribers.json', import.meta.url));

export interface DemoLab {
  readonly ha4: Ipv4Address;
  readonly ha6: Ipv6Address;
  /** The UE's care-of address: public without NAT, private behind it. */
  readonly careOf: Ipv4Address;
  /** The NAT's public address, as the HA sees the UE. */
  readonly natPublic: Ipv4Address;
  /** Loopback addresses that carry them. */
  readonly wire: { readonly ha: Ipv4Address; readonly ue: Ipv4Address; readonly nat: Ipv4Address };
  readonly ueAliases: AddressAliases;
  readonly haAliases: AddressAliases;
  readonly nat: boolean;
}

/** A lab in a fresh 127.x.y.0/24 (x, y random, so two demos at once do not collide on port 4191). */
export function demoLab(nat: boolean, random: () => number = Math.random): DemoLab {
  const x = 1 + Math.floor(random() * 250);
  const y = 1 + Math.floor(random() * 250);
  const at = (z: number) => Ipv4Address.parse(`127.${x}.${y}.${z}`);
  const wire = { ha: at(1), ue: at(2), nat: at(3) };
  const ha4 = Ipv4Address.parse('192.0.2.1');
  const careOf = Ipv4Address.parse(nat ? '10.0.0.2' : '192.0.2.100');
  const natPublic = Ipv4Address.parse('198.51.100.1');
  const ue = { address: careOf, via: wire.ue };
  const ueAliases = new AddressAliases([ue, { address: ha4, via: nat ? wire.nat : wire.ha }]);
  const haAliases = new AddressAliases([
    { address: ha4, via: wire.ha },
    nat ? { address: natPublic, via: wire.nat } : ue,
  ]);
  return { ha4, ha6: Ipv6Address.parse('2001:db8:1::1'), careOf, natPublic, wire, ueAliases, haAliases, nat };
}

/** Whether UDP 500 and 4500 can be bound on `address` (root, or CAP_NET_BIND_SERVICE, and nothing else there). */
export async function canBindIkePorts(address: Ipv4Address): Promise<boolean> {
  for (const port of [500, 4500]) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = createSocket('udp4');
      s.once('error', () => {
        s.close();
        resolve(false);
      });
      s.bind(port, address.toString(), () => s.close(() => resolve(true)));
    });
    if (!ok) return false;
  }
  return true;
}

export interface IkePorts {
  readonly ike: number;
  readonly natT: number;
}

/** The HA; its IKE ports are given to `HomeAgent.start` (0 is a free port, which the file schema does not take). */
export function haYaml(lab: DemoLab): string {
  return `ha:
  addresses: { ipv6: "${lab.ha6}", ipv4: "${lab.ha4}" }
  ike: { identity: ${DEMO_HA_IDENTITY}, certificate: "${PKI_DIR}ha-ecdsa.pem", privateKey: "${PKI_DIR}ha-ecdsa.key" }
  aaa: { subscriberFile: "${SUBSCRIBER_FILE}" }
  homePrefixPool: { base: "2001:db8:100::/40", prefixLength: 64 }
  ipv4HomeAddressPool: ["10.10.0.0/24"]
  dns: { ipv6: ["2001:db8:53::53"], ipv4: ["192.0.2.53"] }
  dhcp:
    v6:
      mode: embedded
      domainSearchList: [home.example]
      vendorOptions:
        - enterpriseNumber: 10415
          subOptions: [{ code: 1, data: "c0a80101" }, { code: 2, data: "696d732e686f6d652e6578616d706c65" }]
    v4:
      mode: embedded
      vendorOptions: [{ enterpriseNumber: 10415, subOptions: [{ code: 1, data: "c0a80101" }] }]
  metrics: { enabled: false }
  logging: { level: silent }
`;
}

export function ueYaml(lab: DemoLab, dnsEndpoint: string, local: IkePorts, remote: IkePorts): string {
  const s = DEMO_SUBSCRIBER;
  return `ue:
  identity: { imsi: "${s.imsi}", k: ${s.k}, opc: ${s.opc}, mcc: "${s.mcc}", mnc: "${s.mnc}" }
  apn: internet
  discovery: { methods: [dns], dns: { servers: ["${dnsEndpoint}"] } }
  ike:
    ports: { local: ${local.ike}, localNatT: ${local.natT}, remote: ${remote.ike}, remoteNatT: ${remote.natT} }
    caCertificate: "${PKI_DIR}ca-ecdsa.pem"
    haIdentity: ${DEMO_HA_IDENTITY}
  access: { family: ipv4, ipv4: { careOfAddress: ${lab.careOf} } }
  logging: { level: silent }
`;
}

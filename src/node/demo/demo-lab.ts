/**
 * The demo's network: the addresses every node uses (documentation addresses, RFC 5737 and RFC 3849) and the
 * embedded HA and UE configs. Nothing is read from the user.
 *
 *   without NAT   UE 192.0.2.100 ─────────────────────────────→ HA 192.0.2.1 / 2001:db8:1::1
 *                    └──→ DNS 203.0.113.53
 *   IPv6 access   UE 2001:db8:2::100 ─────────────────────────→ HA 2001:db8:1::1 (namespace only)
 *                    └──→ DNS 2001:db8:2::53
 *   with --nat    UE 10.0.0.2 ──→ NAT (rewrites to 198.51.100.1:port) ──→ HA
 *                    └──→ DNS 10.0.0.53 (the access network's resolver, on the UE's side of the NAT)
 *
 * Two ways to carry them (`network`):
 *  - `aliases`: on the host's loopback, each address carried by one of a private 127.x.y.0/24 (so the fixed DSMIPv6
 *    port 4191 of RFC 5555 §4.1 is free) through alias tables (src/node/net/address-aliases.ts). With the NAT the
 *    UE and the HA get different tables: both name the relay's loopback address, the UE as the HA's address (the
 *    NAT is in its path), the HA as the NAT's public address, as on either side of a real NAPT. The DNS server and
 *    the UE's resolver use the aliases too, so the ladder shows the lab addresses on the DNS leg. No raw sockets.
 *  - `namespace`: in a private network namespace (demo-namespace.ts) the addresses themselves go on `lo`, so raw
 *    sockets work. Only the UE keeps one alias with the NAT: the HA's address is the relay's inside address.
 */
import { createSocket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { type IpAddress, Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { AddressAliases } from '../net/address-aliases.ts';
import { type DemoAaa, haAaaYaml } from './demo-aaa.ts';

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

export type DemoAccess = 'ipv4' | 'ipv6';
export type DemoNetwork = 'aliases' | 'namespace';

export interface DemoLabOptions {
  readonly nat: boolean;
  /** Default ipv4; ipv6 needs the namespace (raw IPv6 sockets). */
  readonly access?: DemoAccess;
  /** Default aliases. */
  readonly network?: DemoNetwork;
}

export interface DemoLab {
  readonly ha4: Ipv4Address;
  readonly ha6: Ipv6Address;
  /** The UE's care-of address: public without NAT, private behind it, IPv6 on IPv6 access. */
  readonly careOf: IpAddress;
  /** The NAT's public address, as the HA sees the UE. */
  readonly natPublic: Ipv4Address;
  /** The DNS server that answers the HA-APN (TS 24.303 §5.1.2.1.2), of the access family. */
  readonly dns: IpAddress;
  /** Addresses the kernel uses: loopback ones behind aliases, the lab's own in a namespace. */
  readonly wire: {
    readonly ha: Ipv4Address;
    readonly ue: IpAddress;
    /** The relay's listening (inside) address. */
    readonly nat: Ipv4Address;
    /** The relay's outside address (the loopback one behind aliases, the public one in a namespace). */
    readonly natOutside: Ipv4Address;
    readonly dns: IpAddress;
  };
  readonly ueAliases: AddressAliases | undefined;
  readonly haAliases: AddressAliases | undefined;
  readonly dnsAliases: AddressAliases | undefined;
  /** What goes on `lo` in the namespace (none behind aliases). */
  readonly hostAddresses: readonly IpAddress[];
  readonly nat: boolean;
  readonly access: DemoAccess;
  readonly network: DemoNetwork;
}

const HA4 = Ipv4Address.parse('192.0.2.1');
const HA6 = Ipv6Address.parse('2001:db8:1::1');
const NAT_PUBLIC = Ipv4Address.parse('198.51.100.1');

/** The UE's care-of address and its DNS server for an access (behind the NAT: private addresses). */
function accessAddresses(nat: boolean, access: DemoAccess): { careOf: IpAddress; dns: IpAddress } {
  if (access === 'ipv6')
    return { careOf: Ipv6Address.parse('2001:db8:2::100'), dns: Ipv6Address.parse('2001:db8:2::53') };
  return nat
    ? { careOf: Ipv4Address.parse('10.0.0.2'), dns: Ipv4Address.parse('10.0.0.53') }
    : { careOf: Ipv4Address.parse('192.0.2.100'), dns: Ipv4Address.parse('203.0.113.53') };
}

/**
 * The lab. Behind aliases (IPv4 access only) in a fresh 127.x.y.0/24 (x, y random, so two demos at once do not
 * collide on port 4191); in a namespace on the lab addresses themselves (127.0.0.3 carries the NAT's inside).
 */
export function demoLab(o: DemoLabOptions, random: () => number = Math.random): DemoLab {
  const access = o.access ?? 'ipv4';
  const network = o.network ?? 'aliases';
  const nat = o.nat;
  if (access === 'ipv6' && (nat || network === 'aliases')) {
    throw new RangeError('the IPv6 access lab runs in a namespace, without the (IPv4) NAT');
  }
  const { careOf, dns } = accessAddresses(nat, access);
  const common = { ha4: HA4, ha6: HA6, careOf, natPublic: NAT_PUBLIC, dns, nat, access, network };
  if (network === 'namespace') {
    const relay = Ipv4Address.parse('127.0.0.3');
    return {
      ...common,
      wire: { ha: HA4, ue: careOf, nat: relay, natOutside: NAT_PUBLIC, dns },
      ueAliases: nat ? new AddressAliases([{ address: HA4, via: relay }]) : undefined,
      haAliases: undefined,
      dnsAliases: undefined,
      hostAddresses: [HA4, HA6, careOf, dns, ...(nat ? [NAT_PUBLIC] : [])],
    };
  }
  const x = 1 + Math.floor(random() * 250);
  const y = 1 + Math.floor(random() * 250);
  const at = (z: number) => Ipv4Address.parse(`127.${x}.${y}.${z}`);
  const wire = { ha: at(1), ue: at(2), nat: at(3), natOutside: at(3), dns: at(4) };
  const ue = { address: careOf, via: wire.ue };
  const resolver = { address: dns, via: wire.dns };
  return {
    ...common,
    wire,
    ueAliases: new AddressAliases([ue, resolver, { address: HA4, via: nat ? wire.nat : wire.ha }]),
    haAliases: new AddressAliases([{ address: HA4, via: wire.ha }, nat ? { address: NAT_PUBLIC, via: wire.nat } : ue]),
    dnsAliases: new AddressAliases([resolver, ue]),
    hostAddresses: [],
  };
}

/** Whether UDP 500 and 4500 can be bound on `address` (root, or CAP_NET_BIND_SERVICE, and nothing else there). */
export async function canBindIkePorts(address: IpAddress): Promise<boolean> {
  for (const port of [500, 4500]) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = createSocket(address instanceof Ipv4Address ? 'udp4' : 'udp6');
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
export function haYaml(lab: DemoLab, aaa?: DemoAaa): string {
  return `ha:
  addresses: { ipv6: "${lab.ha6}", ipv4: "${lab.ha4}" }
  ike: { identity: ${DEMO_HA_IDENTITY}, certificate: "${PKI_DIR}ha-ecdsa.pem", privateKey: "${PKI_DIR}ha-ecdsa.key" }
  aaa: ${haAaaYaml(aaa, SUBSCRIBER_FILE, DEMO_HA_IDENTITY)}
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
  access: ${accessYaml(lab)}
  logging: { level: silent }
`;
}

/** IPv6 access reads raw packets (the BA with RH2) on `lo`, where the namespace puts every address. */
function accessYaml(lab: DemoLab): string {
  return lab.careOf instanceof Ipv4Address
    ? `{ family: ipv4, ipv4: { careOfAddress: ${lab.careOf} } }`
    : `{ family: ipv6, interface: lo, ipv6: { careOfAddress: "${lab.careOf}" } }`;
}

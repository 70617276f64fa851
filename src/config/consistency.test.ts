// Configs that parse but cannot work (issue 16): each is refused at load naming the file, the line and the key path.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigFileError } from './errors.ts';
import { loadHaConfig, loadUeConfig } from './load.ts';

const HA = `ha:
  addresses:
    ipv6: 2001:db8:1::1
    ipv4: 192.0.2.1
  ports: { ike: 500, natT: 4500, dsmip: 4191 }
  ike: { identity: ha.example.net, certificate: cert.pem, privateKey: key.pem }
  aaa: { subscriberFile: subscribers.json }
  homePrefixPool:
    base: 2001:db8:100::/48
  ipv4HomeAddressPool:
    - 10.10.0.0/24
  dns:
    ipv6: [2001:db8:53::53]
    ipv4: [192.0.2.53]
  tun:
    name: dsmip-ha0
`;

const UE = `ue:
  identity: { imsi: "001010000000001", k: 465b5ce8b199b49faa5f0a2ee238a6bc, opc: cd63cb71954a9f4e48a5994e37a02baf, mcc: "001", mnc: "01" }
  apn: internet
  discovery:
    static:
      - { ipv6: "2001:db8:1::1", ipv4: 192.0.2.1 }
  ike:
    ports: { remote: 500, remoteNatT: 4500 }
    caCertificate: ca.pem
    haIdentity: ha.example.net
  access: { family: ipv4, ipv4: { careOfAddress: 192.0.2.10 } }
  tun: { name: dsmip0 }
`;

/** `text` with `from` replaced by `to` (which must be there). */
function change(text: string, from: string, to: string): string {
  assert.ok(text.includes(from), from);
  return text.replace(from, to);
}

interface Case {
  readonly name: string;
  readonly role: 'ha' | 'ue';
  readonly text: string;
  readonly path: string;
  readonly line: number;
  readonly message: RegExp;
}

const CASES: readonly Case[] = [
  {
    name: 'metrics headersTimeout above requestTimeout (node:http refuses to create the server)',
    role: 'ha',
    text: change(HA, '  tun:\n', '  metrics: { headersTimeout: 60s }\n  tun:\n'),
    path: 'ha.metrics.headersTimeout',
    line: 15,
    message: /must not exceed metrics\.requestTimeout \(30 s\)/,
  },
  {
    name: 'IPv4 home address pool holding the HA address (its WAN subnet)',
    role: 'ha',
    text: change(HA, '    - 10.10.0.0/24', '    - 192.0.2.0/24'),
    path: 'ha.ipv4HomeAddressPool[0]',
    line: 11,
    message: /holds addresses\.ipv4 192\.0\.2\.1: that address would be handed to a UE/,
  },
  {
    name: "home prefix pool holding the HA's own /64",
    role: 'ha',
    text: change(HA, 'base: 2001:db8:100::/48', 'base: 2001:db8::/40'),
    path: 'ha.homePrefixPool.base',
    line: 9,
    message: /holds the HA's own address 2001:db8:1::1/,
  },
  {
    name: 'IPv6 DNS server inside the home prefix pool',
    role: 'ha',
    text: change(HA, 'ipv6: [2001:db8:53::53]', 'ipv6: [2001:db8:53::53, "2001:db8:100:5::53"]'),
    path: 'ha.dns.ipv6[1]',
    line: 13,
    message: /2001:db8:100:5::53 is inside homePrefixPool\.base 2001:db8:100::\/48/,
  },
  {
    name: 'IPv4 DNS server inside the IPv4 home address pool',
    role: 'ha',
    text: change(HA, 'ipv4: [192.0.2.53]', 'ipv4: [10.10.0.53]'),
    path: 'ha.dns.ipv4[0]',
    line: 14,
    message: /10\.10\.0\.53 is inside ipv4HomeAddressPool/,
  },
  {
    name: 'multicast HA address',
    role: 'ha',
    text: change(HA, 'ipv6: 2001:db8:1::1', 'ipv6: ff05::1'),
    path: 'ha.addresses.ipv6',
    line: 3,
    message: /multicast address \(RFC 4291 §2\.7\)/,
  },
  {
    name: 'multicast HA IPv4 address',
    role: 'ha',
    text: change(HA, 'ipv4: 192.0.2.1', 'ipv4: 239.1.1.1'),
    path: 'ha.addresses.ipv4',
    line: 4,
    message: /multicast address \(RFC 5771\)/,
  },
  {
    name: 'TUN name longer than IFNAMSIZ allows (blamed on the name, not on tun.enabled)',
    role: 'ha',
    text: change(HA, 'name: dsmip-ha0', 'name: dsmip-home-agent0'),
    path: 'ha.tun.name',
    line: 16,
    message: /is 17 bytes; Linux interface names have at most 15 \(IFNAMSIZ 16\)/,
  },
  {
    name: 'IKE port equal to the NAT-T port',
    role: 'ha',
    text: change(HA, 'natT: 4500', 'natT: 500'),
    path: 'ha.ports.natT',
    line: 5,
    message: /must differ from ports\.ike \(500\)/,
  },
  {
    name: 'UE: multicast static home agent',
    role: 'ue',
    text: change(UE, 'ipv6: "2001:db8:1::1"', 'ipv6: "ff02::1"'),
    path: 'ue.discovery.static[0].ipv6',
    line: 6,
    message: /multicast address/,
  },
  {
    name: 'UE: remote IKE port equal to the remote NAT-T port',
    role: 'ue',
    text: change(UE, 'remoteNatT: 4500', 'remoteNatT: 500'),
    path: 'ue.ike.ports.remoteNatT',
    line: 8,
    message: /must differ from remote/,
  },
  {
    name: 'UE: TUN name too long',
    role: 'ue',
    text: change(UE, 'name: dsmip0', 'name: dsmip0123456789ab'),
    path: 'ue.tun.name',
    line: 12,
    message: /Linux interface names have at most 15/,
  },
];

test('configs that parse but cannot work are refused with file, line and key path', () => {
  for (const c of CASES) {
    const input = { text: c.text, name: `${c.role}.yaml` };
    assert.throws(
      () => (c.role === 'ha' ? loadHaConfig(input) : loadUeConfig(input)),
      (e: unknown) => {
        assert.ok(e instanceof ConfigFileError, `${c.name}: ${String(e)}`);
        assert.equal(e.path, c.path, `${c.name}: ${e.message}`);
        assert.equal(e.line, c.line, `${c.name}: ${e.message}`);
        const first = e.message.split('\n')[0]!;
        assert.match(first, c.message, c.name);
        assert.ok(first.startsWith(`${c.role}.yaml line ${c.line}: ${c.path}: `), first);
        return true;
      },
      c.name,
    );
  }
});

test('the base configs of these cases are valid', () => {
  loadHaConfig({ text: HA, name: 'ha.yaml' });
  loadUeConfig({ text: UE, name: 'ue.yaml' });
});

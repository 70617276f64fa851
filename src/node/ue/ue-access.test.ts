// What the access family decides (ue-access.ts), as tables: care-of address, raw sockets, usable HAs, IKE's
// destination, the core's access description, and the reason IPv6 access cannot run without raw sockets.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadUeConfig } from '../../config/load.ts';
import { candidate } from '../../discovery/candidates.ts';
import { RawProtocol } from '../../net/transport.ts';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { rawSocketsNotUsed } from '../net/raw-sockets.ts';
import {
  accessInfoOf,
  accessProblem,
  careOfOf,
  homeAgentAddressesOf,
  ikeRemoteOf,
  ipv6AccessNeedsRaw,
  rawSocketsOf,
} from './ue-access.ts';

function ue(access: string, mobility = '', ike = ''): ReturnType<typeof loadUeConfig> {
  return loadUeConfig({
    name: 'ue.yaml',
    text: `ue:
  identity: { imsi: "001010000000001", k: 465b5ce8b199b49faa5f0a2ee238a6bc, opc: cd63cb71954a9f4e48a5994e37a02baf, mcc: "001", mnc: "01" }
  apn: internet
  discovery: { static: [{ ipv6: "2001:db8:1::1", ipv4: 192.0.2.1 }] }
  ike: { caCertificate: ca.pem, haIdentity: ha.example.net${ike} }
  access: ${access}
${mobility}`,
  });
}

const V4 = ue('{ family: ipv4, ipv4: { careOfAddress: 192.0.2.100 } }');
const V4_F = ue('{ family: ipv4, ipv4: { careOfAddress: 192.0.2.100 } }', '  mobility: { forceUdp: true }');
const V6 = ue('{ family: ipv6, interface: eth0, ipv6: { careOfAddress: "2001:db8:2::100" } }');
const DATA_SA = ', protectData: true';
const HA6 = Ipv6Address.parse('2001:db8:1::1');
const HA4 = Ipv4Address.parse('192.0.2.1');

test('care-of address and raw sockets per access family', () => {
  assert.equal(careOfOf(V4).toString(), '192.0.2.100');
  assert.equal(careOfOf(V6).toString(), '2001:db8:2::100');
  // IPv4: 41 and 4 for the no-NAT BA and tunnel, none when F = 1 is configured; IPv6: ESP (BA with RH2), 41, 4.
  assert.deepEqual(rawSocketsOf(V4), [
    [RawProtocol.IPV6_IN_IP, 4],
    [RawProtocol.IPV4_IN_IP, 4],
  ]);
  assert.deepEqual(rawSocketsOf(V4_F), []);
  assert.deepEqual(rawSocketsOf(V6), [
    [RawProtocol.ESP, 6],
    [RawProtocol.IPV6_IN_IP, 6],
    [RawProtocol.IPV4_IN_IP, 6],
  ]);
});

test('the data SA adds raw ESP over IPv4 on IPv4 access only, whatever F says', () => {
  // Plain ESP carries the data SA when no NAT is in the way (RFC 5555 §5.2.2); F = 1 drops only 41 and 4.
  assert.deepEqual(rawSocketsOf(ue('{ family: ipv4, ipv4: { careOfAddress: 192.0.2.100 } }', '', DATA_SA)), [
    [RawProtocol.IPV6_IN_IP, 4],
    [RawProtocol.IPV4_IN_IP, 4],
    [RawProtocol.ESP, 4],
  ]);
  assert.deepEqual(
    rawSocketsOf(
      ue('{ family: ipv4, ipv4: { careOfAddress: 192.0.2.100 } }', '  mobility: { forceUdp: true }', DATA_SA),
    ),
    [[RawProtocol.ESP, 4]],
  );
  // IPv6 access: the same three IPv6 sockets as without the data SA, no IPv4 ESP.
  const v6 = rawSocketsOf(
    ue('{ family: ipv6, interface: eth0, ipv6: { careOfAddress: "2001:db8:2::100" } }', '', DATA_SA),
  );
  assert.deepEqual(v6, rawSocketsOf(V6));
  // Without `ike.protectData` no ESP over IPv4 is opened.
  for (const c of [V4, V4_F, V6]) assert.ok(!rawSocketsOf(c).some(([p, f]) => p === RawProtocol.ESP && f === 4));
});

test('IPv6 access without all its raw sockets is refused with the reason; IPv4 access never is', () => {
  const none = rawSocketsNotUsed('lab address aliases apply to UDP sockets only');
  const all = () => true;
  assert.equal(
    accessProblem(V4, none, () => false),
    undefined,
  );
  assert.equal(accessProblem(V6, { available: true }, all), undefined);
  assert.match(
    accessProblem(V6, none, () => false) ?? '',
    /^IPv6 access needs raw IPv6 sockets .*IP protocols 50, 41 and 4\): lab address aliases/,
  );
  // Raw sockets in general, but not ESP: the BA (RH2 around ESP) could never arrive, so the UE does not start.
  const noEsp = (protocol: number) => protocol !== RawProtocol.ESP;
  assert.match(accessProblem(V6, { available: true }, noEsp) ?? '', /cannot open protocol 50 raw over IPv6$/);
  assert.match(ipv6AccessNeedsRaw('why'), /^IPv6 access needs .*RFC 6275 §6\.3–§6\.4.*: why$/);
});

test('which HAs an access can use, and where IKE goes', () => {
  const both = candidate({ method: 'dns', ipv6: HA6, ipv4: HA4 });
  const only6 = candidate({ method: 'dhcpv6', ipv6: HA6 });
  const only4 = candidate({ method: 'configured', ipv4: HA4 });
  assert.deepEqual(homeAgentAddressesOf(both, 'ipv4'), { ipv6: HA6, ipv4: HA4 });
  assert.match(String(homeAgentAddressesOf(only6, 'ipv4')), /IPv4 access needs the HA IPv4 address/);
  assert.deepEqual(homeAgentAddressesOf(only6, 'ipv6'), { ipv6: HA6, ipv4: undefined });
  assert.match(String(homeAgentAddressesOf(only4, 'ipv6')), /no IPv6 address/);
  assert.equal(ikeRemoteOf({ ipv6: HA6, ipv4: HA4 }, careOfOf(V4)), HA4);
  assert.equal(ikeRemoteOf({ ipv6: HA6, ipv4: HA4 }, careOfOf(V6)), HA6);
  assert.throws(() => ikeRemoteOf({ ipv6: HA6, ipv4: undefined }, careOfOf(V4)), RangeError);
});

test('the core access description carries the CoA of its family and the router prefixes', () => {
  const prefixes = [{ prefix: Ipv6Address.parse('2001:db8:100:1::'), prefixLength: 64 }];
  assert.deepEqual(accessInfoOf(careOfOf(V4), prefixes), { ipv4CareOf: careOfOf(V4), routerPrefixes: prefixes });
  assert.deepEqual(accessInfoOf(careOfOf(V6), []), { ipv6CareOf: careOfOf(V6), routerPrefixes: [] });
});

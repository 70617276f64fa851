/**
 * Example DHCPv6 messages shared by the unit tests and the tshark/scapy oracle test
 * (test support, not runtime code). The fuzz seeds in fuzz/targets/dhcp.ts are their encodings.
 */
import { fromHex } from '../../util/hex.ts';
import { Ipv6Address } from '../../util/ip-address.ts';
import type { Dhcpv6Message } from './message.ts';

const v6 = (s: string) => Ipv6Address.parse(s);
const ascii = (s: string) => new TextEncoder().encode(s);

/** Information-request of a mobile node asking for home-network information (RFC 8415 §18.2.6, RFC 6610 §4.1.1). */
export const MIP6_INFORMATION_REQUEST: Dhcpv6Message = {
  kind: 'client-server',
  msgType: 11,
  transactionId: 0x123456,
  options: [
    {
      kind: 'client-id',
      duid: { kind: 'llt', hardwareType: 1, timeSec: 0x2a000000, linkLayerAddress: fromHex('001122334455') },
    },
    { kind: 'elapsed-time', elapsedCentiSec: 150 },
    { kind: 'option-request', codes: [17, 23, 24, 32, 49, 50, 69, 70, 71, 72, 73, 83] },
    { kind: 'home-network-id-fqdn', fqdn: 'internet.ha-apn.mnc012.mcc345.pub.3gppnetwork.org' },
  ],
};

/** Reply with every modelled option kind, including an IDINF and a VDINF container (RFC 6610 §3.2). */
export const MIP6_REPLY: Dhcpv6Message = {
  kind: 'client-server',
  msgType: 7,
  transactionId: 0x123456,
  options: [
    { kind: 'server-id', duid: { kind: 'en', enterpriseNumber: 10415, identifier: fromHex('01020304') } },
    { kind: 'client-id', duid: { kind: 'll', hardwareType: 1, linkLayerAddress: fromHex('001122334455') } },
    { kind: 'status-code', statusCode: 0, message: 'all good' },
    { kind: 'vendor-opts', enterpriseNumber: 10415, subOptions: [{ code: 1, data: fromHex('aabb') }] },
    { kind: 'vendor-class', enterpriseNumber: 10415, classData: [ascii('dsmip')] },
    { kind: 'dns-servers', servers: [v6('2001:db8::53'), v6('2001:db8::54')] },
    { kind: 'domain-list', domains: ['example.com', 'ims.mnc001.mcc001.3gppnetwork.org'] },
    { kind: 'information-refresh-time', refreshTimeSec: 86400 },
    { kind: 'inf-max-rt', infMaxRtSec: 3600 },
    {
      kind: 'identified-home-network-info',
      options: [
        { kind: 'home-network-id-fqdn', fqdn: 'internet.ha-apn.mnc012.mcc345.pub.3gppnetwork.org' },
        { kind: 'home-network-prefix', prefixLength: 64, prefix: v6('2001:db8:1::') },
        { kind: 'home-agent-address', address: v6('64:ff9b::192.0.2.33') },
        { kind: 'home-agent-fqdn', fqdn: 'ha.example.com' },
      ],
    },
    { kind: 'visited-home-network-info', options: [{ kind: 'home-agent-address', address: v6('2001:db8::1') }] },
  ],
};

/** Relay-forward (RFC 8415 §9.1) carrying MIP6_INFORMATION_REQUEST with an Interface-Id. */
export const MIP6_RELAY_FORWARD: Dhcpv6Message = {
  kind: 'relay',
  msgType: 12,
  hopCount: 0,
  linkAddress: v6('2001:db8::1'),
  peerAddress: v6('fe80::211:22ff:fe33:4455'),
  options: [
    { kind: 'interface-id', interfaceId: ascii('eth0') },
    { kind: 'relay-message', message: MIP6_INFORMATION_REQUEST },
  ],
};

/** What the oracle test's scapy program builds with DHCP6_InfoRequest / DHCP6OptClientId / ... (keep in step). */
export const SCAPY_INFORMATION_REQUEST: Dhcpv6Message = {
  kind: 'client-server',
  msgType: 11,
  transactionId: 0x0a0b0c,
  options: [
    {
      kind: 'client-id',
      duid: { kind: 'llt', hardwareType: 1, timeSec: 0x2a000000, linkLayerAddress: fromHex('001122334455') },
    },
    { kind: 'elapsed-time', elapsedCentiSec: 250 },
    { kind: 'option-request', codes: [17, 23, 32, 49, 50, 69, 70, 83] },
  ],
};

/** What the oracle test's scapy program builds with DHCP6_Reply / DHCP6OptServerId / ... (keep in step). */
export const SCAPY_REPLY: Dhcpv6Message = {
  kind: 'client-server',
  msgType: 7,
  transactionId: 0x0a0b0c,
  options: [
    { kind: 'server-id', duid: { kind: 'en', enterpriseNumber: 10415, identifier: fromHex('01020304') } },
    { kind: 'client-id', duid: { kind: 'll', hardwareType: 1, linkLayerAddress: fromHex('001122334455') } },
    {
      kind: 'vendor-opts',
      enterpriseNumber: 10415,
      subOptions: [
        { code: 1, data: fromHex('aabb') },
        { code: 300, data: new Uint8Array(0) },
      ],
    },
    { kind: 'vendor-class', enterpriseNumber: 10415, classData: [ascii('dsmip'), ascii('ue')] },
    { kind: 'dns-servers', servers: [v6('2001:db8::53'), v6('2001:db8::54')] },
    { kind: 'domain-list', domains: ['example.com', 'ims.mnc001.mcc001.3gppnetwork.org'] },
    { kind: 'information-refresh-time', refreshTimeSec: 86400 },
    { kind: 'status-code', statusCode: 0, message: 'all good' },
  ],
};

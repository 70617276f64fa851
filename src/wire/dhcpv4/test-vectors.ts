/**
 * Example DHCPv4 messages shared by the unit tests and the tshark/scapy oracle test
 * (test support, not runtime code). The fuzz seeds in fuzz/targets/dhcp.ts are their encodings.
 */
import { fromHex } from '../../util/hex.ts';
import { Ipv4Address } from '../../util/ip-address.ts';
import type { Dhcpv4Message } from './message.ts';

const v4 = (s: string) => Ipv4Address.parse(s);
const ascii = (s: string) => new TextEncoder().encode(s);

/** DHCPINFORM (RFC 2131 §4.4.3) with the client's address in ciaddr and V-I vendor class 10415. */
export const INFORM_EXAMPLE: Dhcpv4Message = {
  op: 1,
  htype: 1,
  hops: 0,
  xid: 0xdeadbeef,
  secs: 2,
  broadcast: true,
  ciaddr: v4('192.0.2.10'),
  yiaddr: Ipv4Address.ANY,
  siaddr: Ipv4Address.ANY,
  giaddr: Ipv4Address.ANY,
  chaddr: fromHex('020000000001'),
  sname: new Uint8Array(0),
  file: new Uint8Array(0),
  options: [
    { kind: 'message-type', messageType: 8 },
    { kind: 'client-identifier', type: 1, identifier: fromHex('020000000001') },
    { kind: 'parameter-request-list', codes: [1, 3, 6, 43, 125] },
    { kind: 'vendor-class-identifier', data: ascii('dsmip') },
    { kind: 'vi-vendor-class', entries: [{ enterpriseNumber: 10415, classData: [ascii('ue')] }] },
  ],
};

/** DHCPACK answering it (RFC 2131 §4.3.5) with relay agent information and option 125 for 10415. */
export const ACK_EXAMPLE: Dhcpv4Message = {
  ...INFORM_EXAMPLE,
  op: 2,
  broadcast: false,
  siaddr: v4('192.0.2.1'),
  options: [
    { kind: 'message-type', messageType: 5 },
    { kind: 'server-identifier', address: v4('192.0.2.1') },
    { kind: 'subnet-mask', mask: v4('255.255.255.0') },
    { kind: 'dns-servers', servers: [v4('192.0.2.53'), v4('192.0.2.54')] },
    { kind: 'relay-agent-information', subOptions: [{ code: 1, data: ascii('port7') }] },
    {
      kind: 'vi-vendor-specific',
      entries: [{ enterpriseNumber: 10415, subOptions: [{ code: 1, data: fromHex('c0000201') }] }],
    },
  ],
};

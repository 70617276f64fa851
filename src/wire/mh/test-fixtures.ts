/**
 * Example Mobility Header messages covering every message kind and every option kind, with the addresses of
 * their pseudo-header and the path they travel. Test support shared by the oracle test (tshark, scapy), the
 * fuzz seeds and the benchmarks; nothing in the codec imports it.
 */
import { fromHex } from '../../util/hex.ts';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { fqdnToDnsName } from './dns-name.ts';
import type { MhPseudoHeader } from './header.ts';
import type { BindingAcknowledgement, BindingUpdate, MobilityMessage } from './messages.ts';
import type { MobilityOption } from './options.ts';

export const HOA = Ipv6Address.parse('2001:db8:1::100');
export const HA = Ipv6Address.parse('2001:db8:1::1');
export const COA = Ipv6Address.parse('2001:db8:2::200');
export const CN = Ipv6Address.parse('2001:db8:5::5');
export const COA4 = Ipv4Address.parse('192.0.2.10');
export const HA4 = Ipv4Address.parse('203.0.113.1');

/** A BU whose flags are given by RFC letter, e.g. `AHKR` (O is 0x0040, see BuFlag). */
export function exampleBu(
  flags: string,
  sequence: number,
  lifetimeSec: number,
  options: MobilityOption[],
): BindingUpdate {
  return {
    kind: 'binding-update',
    sequence,
    acknowledge: flags.includes('A'),
    homeRegistration: flags.includes('H'),
    linkLocalAddressCompatibility: flags.includes('L'),
    keyManagementMobilityCapability: flags.includes('K'),
    mapRegistration: flags.includes('M'),
    mobileRouter: flags.includes('R'),
    proxyRegistration: flags.includes('P'),
    forceUdpEncapsulation: flags.includes('F'),
    tlvHeaderFormat: flags.includes('T'),
    overwriteOrBulkBinding: flags.includes('O'),
    lifetimeSec,
    options,
  };
}

/** A BA whose flags are given by RFC letter (K R P T B). */
export function exampleBa(
  flags: string,
  status: number,
  sequence: number,
  options: MobilityOption[],
): BindingAcknowledgement {
  return {
    kind: 'binding-acknowledgement',
    status,
    keyManagementMobilityCapability: flags.includes('K'),
    mobileRouter: flags.includes('R'),
    proxyRegistration: flags.includes('P'),
    tlvHeaderFormat: flags.includes('T'),
    bulkBindingUpdate: flags.includes('B'),
    sequence,
    lifetimeSec: 3600,
    options,
  };
}

const hoaRequest: MobilityOption = {
  kind: 'ipv4-home-address',
  prefixLength: 32,
  requestMobileNetworkPrefix: false,
  homeAddress: Ipv4Address.ANY,
};

export interface MhExample {
  /** Short id, also used by the scapy program that rebuilds some of them. */
  readonly id: string;
  readonly msg: MobilityMessage;
  readonly addrs: MhPseudoHeader;
  /**
   * How it travels (RFC 3776 §3.1, RFC 5555 §4.1): `hao` = IPv6(CoA→dst) · DstOpt(HAO = src); `rh2` =
   * IPv6(src→CoA) · RH2(dst); `udp4-*` = IPv4/UDP 4191 · IPv6(src→dst); `plain` = IPv6(src→dst).
   */
  readonly path: 'hao' | 'rh2' | 'udp4-to-ha' | 'udp4-from-ha' | 'plain';
}

export const MH_EXAMPLES: readonly MhExample[] = [
  {
    id: 'bu_ipv6_access',
    msg: exampleBu('AHKRFTO', 0x1234, 3600, [
      { kind: 'alternate-care-of-address', careOfAddress: COA },
      hoaRequest,
      { kind: 'ipv4-care-of-address', careOfAddress: COA4 },
    ]),
    addrs: { src: HOA, dst: HA },
    path: 'hao',
  },
  {
    id: 'bu_ipv4_access',
    msg: exampleBu('AHKRFO', 2, 3600, [hoaRequest, { kind: 'ipv4-care-of-address', careOfAddress: COA4 }]),
    addrs: { src: HOA, dst: HA },
    path: 'udp4-to-ha',
  },
  {
    id: 'ba_ipv4_access',
    msg: exampleBa('KR', 0, 2, [
      { kind: 'ipv4-address-acknowledgement', status: 0, prefixLength: 32, homeAddress: Ipv4Address.parse('10.0.0.7') },
      { kind: 'nat-detection', udpEncapsulationRequired: true, refreshTimeSec: 110 },
    ]),
    addrs: { src: HA, dst: HOA },
    path: 'udp4-from-ha',
  },
  {
    id: 'ba_rh2',
    msg: exampleBa('KRTB', 0, 0x1234, [
      { kind: 'binding-refresh-advice', refreshIntervalSec: 600 },
      { kind: 'ipv4-address-acknowledgement', status: 0, prefixLength: 32, homeAddress: Ipv4Address.parse('10.0.0.7') },
      { kind: 'nat-detection', udpEncapsulationRequired: false, refreshTimeSec: 0xffffffff },
    ]),
    addrs: { src: HA, dst: HOA },
    path: 'rh2',
  },
  {
    id: 'bu_all_flags',
    msg: exampleBu('AHLKMRPFTO', 0xfffe, 0x3fffc, [
      { kind: 'dns-update', status: 0, removeEntry: true, mnIdentity: fqdnToDnsName('mn.example.com') },
      { kind: 'binding-identifier', bindingId: 7, status: 0, simultaneousHomeAndForeign: true, careOfAddress: COA4 },
      { kind: 'mobile-network-prefix', prefixLength: 56, prefix: Ipv6Address.parse('2001:db8:100::') },
      { kind: 'unknown', type: 200, data: fromHex('010203') },
    ]),
    addrs: { src: HOA, dst: HA },
    path: 'plain',
  },
  {
    id: 'bu_prefix_request',
    msg: exampleBu('AH', 9, 400, [
      {
        kind: 'ipv4-home-address',
        prefixLength: 24,
        requestMobileNetworkPrefix: true,
        homeAddress: Ipv4Address.parse('192.0.2.0'),
      },
      { kind: 'binding-identifier', bindingId: 1, status: 0, simultaneousHomeAndForeign: false },
    ]),
    addrs: { src: HOA, dst: HA },
    path: 'plain',
  },
  {
    id: 'bu_bid_ipv6',
    msg: exampleBu('AHK', 10, 400, [
      { kind: 'binding-identifier', bindingId: 2, status: 0, simultaneousHomeAndForeign: false, careOfAddress: COA },
    ]),
    addrs: { src: HOA, dst: HA },
    path: 'plain',
  },
  {
    id: 'bu_cn',
    msg: exampleBu('A', 7, 256, [
      { kind: 'nonce-indices', homeNonceIndex: 0x0102, careOfNonceIndex: 0x0304 },
      { kind: 'binding-authorization-data', authenticator: fromHex('a0a1a2a3a4a5a6a7a8a9aaab') },
    ]),
    addrs: { src: HOA, dst: CN },
    path: 'hao',
  },
  {
    id: 'ba_rejections',
    msg: exampleBa('', 0, 3, [
      { kind: 'ipv4-address-acknowledgement', status: 132, prefixLength: 0, homeAddress: Ipv4Address.ANY },
      { kind: 'dns-update', status: 130, removeEntry: false, mnIdentity: fqdnToDnsName('mn.example.com') },
    ]),
    addrs: { src: HA, dst: HOA },
    path: 'plain',
  },
  { id: 'brr', msg: { kind: 'binding-refresh-request', options: [] }, addrs: { src: CN, dst: HOA }, path: 'plain' },
  {
    id: 'hoti',
    msg: { kind: 'home-test-init', homeInitCookie: fromHex('0102030405060708'), options: [] },
    addrs: { src: HOA, dst: CN },
    path: 'plain',
  },
  {
    id: 'coti',
    msg: { kind: 'care-of-test-init', careOfInitCookie: fromHex('1112131415161718'), options: [] },
    addrs: { src: COA, dst: CN },
    path: 'plain',
  },
  {
    id: 'hot',
    msg: {
      kind: 'home-test',
      homeNonceIndex: 0x1234,
      homeInitCookie: fromHex('0102030405060708'),
      homeKeygenToken: fromHex('a1a2a3a4a5a6a7a8'),
      options: [],
    },
    addrs: { src: CN, dst: HOA },
    path: 'plain',
  },
  {
    id: 'cot',
    msg: {
      kind: 'care-of-test',
      careOfNonceIndex: 0x4321,
      careOfInitCookie: fromHex('1112131415161718'),
      careOfKeygenToken: fromHex('b1b2b3b4b5b6b7b8'),
      options: [],
    },
    addrs: { src: CN, dst: COA },
    path: 'plain',
  },
  {
    id: 'be',
    msg: { kind: 'binding-error', status: 1, homeAddress: HOA, options: [] },
    addrs: { src: CN, dst: HOA },
    path: 'plain',
  },
  {
    id: 'unknown_type',
    msg: { kind: 'unknown', type: 60, data: fromHex('00112233445566778899') },
    addrs: { src: HA, dst: HOA },
    path: 'plain',
  },
];

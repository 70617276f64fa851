// Mobility Header codec throughput: the DSMIPv6 BU and BA of SPEC-NOTES §1.6, checksum included both ways.

import { Ipv4Address, Ipv6Address } from '../../src/util/ip-address.ts';
import {
  type BindingAcknowledgement,
  type BindingUpdate,
  decodeMobilityHeader,
  encodeMobilityHeader,
  type MhPseudoHeader,
  NATKATIMEOUT_SEC,
} from '../../src/wire/mh/index.ts';
import type { Bench } from '../harness.ts';

const BATCH = 100;

const buAddrs: MhPseudoHeader = { src: Ipv6Address.parse('2001:db8:1::100'), dst: Ipv6Address.parse('2001:db8:1::1') };
const baAddrs: MhPseudoHeader = { src: buAddrs.dst, dst: buAddrs.src };

const bu: BindingUpdate = {
  kind: 'binding-update',
  sequence: 1,
  acknowledge: true,
  homeRegistration: true,
  linkLocalAddressCompatibility: false,
  keyManagementMobilityCapability: true,
  mapRegistration: false,
  mobileRouter: true,
  proxyRegistration: false,
  forceUdpEncapsulation: false,
  tlvHeaderFormat: false,
  overwriteOrBulkBinding: true,
  lifetimeSec: 3600,
  options: [
    { kind: 'ipv4-home-address', prefixLength: 32, requestMobileNetworkPrefix: false, homeAddress: Ipv4Address.ANY },
    { kind: 'alternate-care-of-address', careOfAddress: Ipv6Address.parse('2001:db8:2::200') },
  ],
};

const ba: BindingAcknowledgement = {
  kind: 'binding-acknowledgement',
  status: 0,
  keyManagementMobilityCapability: true,
  mobileRouter: true,
  proxyRegistration: false,
  tlvHeaderFormat: false,
  bulkBindingUpdate: false,
  sequence: 1,
  lifetimeSec: 3600,
  options: [
    { kind: 'ipv4-address-acknowledgement', status: 0, prefixLength: 32, homeAddress: Ipv4Address.parse('10.0.0.7') },
    { kind: 'nat-detection', udpEncapsulationRequired: false, refreshTimeSec: NATKATIMEOUT_SEC },
  ],
};

const buBytes = encodeMobilityHeader(bu, buAddrs);
const baBytes = encodeMobilityHeader(ba, baAddrs);
/** Each result is checked, which keeps it observable (the optimiser cannot drop the work) and cheap. */
function expect(ok: boolean): void {
  if (!ok) throw new Error('mh bench: unexpected result');
}

export const benches: Bench[] = [
  {
    name: 'bu-decode',
    unit: 'msg/s',
    opsPerCall: BATCH,
    run: () => {
      for (let i = 0; i < BATCH; i++) expect(decodeMobilityHeader(buBytes, buAddrs).kind === 'binding-update');
    },
  },
  {
    name: 'bu-encode',
    unit: 'msg/s',
    opsPerCall: BATCH,
    run: () => {
      for (let i = 0; i < BATCH; i++) expect(encodeMobilityHeader(bu, buAddrs).length === 40);
    },
  },
  {
    name: 'ba-decode',
    unit: 'msg/s',
    opsPerCall: BATCH,
    run: () => {
      for (let i = 0; i < BATCH; i++) expect(decodeMobilityHeader(baBytes, baAddrs).kind === 'binding-acknowledgement');
    },
  },
  {
    name: 'ba-encode',
    unit: 'msg/s',
    opsPerCall: BATCH,
    run: () => {
      for (let i = 0; i < BATCH; i++) expect(encodeMobilityHeader(ba, baAddrs).length === 32);
    },
  },
];

// Conformance matrix: every "shall", "should" and "may" of TS 24.303 §5.1.2.3, §5.1.2.4 and §5.1.3.2 (the seed,
// ../shared/seed/) is one row — clause, the sentence in short, and the proof that runs for it. Proofs live in
// scenario/proofs-*.ts and drive the UE and HA cores over the simulated network with real packet bytes.
import { test } from 'node:test';
import * as ba from './scenario/proofs-ba.ts';
import * as ha from './scenario/proofs-ha.ts';
import * as ue from './scenario/proofs-ue.ts';

interface Row {
  readonly clause: string;
  readonly level: 'shall' | 'should' | 'may' | 'note';
  readonly sentence: string;
  readonly proof: () => void;
}

const matrix: readonly Row[] = [
  // §5.1.2.3 Home Link Detection
  {
    clause: '5.1.2.3',
    level: 'shall',
    sentence: 'Home link detection is performed before a BU is sent on an interface',
    proof: ue.homeLinkDetectionBeforeBu,
  },
  {
    clause: '5.1.2.3',
    level: 'shall',
    sentence: 'The home network prefix is compared with the RA Prefix Information prefixes',
    proof: ue.homeLinkComparesPrefixWithRaPio,
  },
  {
    clause: '5.1.2.3',
    level: 'may',
    sentence: 'The home network prefix may be statically configured (or from PCO / IKEv2)',
    proof: ue.staticPrefixNeedsNoIkev2,
  },
  {
    clause: '5.1.2.3',
    level: 'shall',
    sentence: 'On the home link and no valid BUL entry: no BU to the HA',
    proof: ue.atHomeNoBuWithoutBinding,
  },
  {
    clause: '5.1.2.3',
    level: 'shall',
    sentence: 'On the home link with a valid BUL entry: de-register (RFC 6275 §11.5.5)',
    proof: ue.atHomeWithBindingDeregisters,
  },
  {
    clause: '5.1.2.3',
    level: 'shall',
    sentence: 'No prefix match: proceed with the registration of 5.1.2.4',
    proof: ue.notHomeRegisters,
  },
  {
    clause: '5.1.2.3',
    level: 'note',
    sentence: 'No IKEv2 is needed for the check with a static or PCO prefix',
    proof: ue.staticPrefixNeedsNoIkev2,
  },
  // §5.1.2.4 Initial binding registration (UE)
  {
    clause: '5.1.2.4',
    level: 'shall',
    sentence: 'The UE sends a BU to register its Home Address and Care-of Address',
    proof: ue.sendsBuToRegisterHoaAndCoa,
  },
  {
    clause: '5.1.2.4',
    level: 'shall',
    sentence: 'IPv6 connectivity: the BU goes to the HA IPv6 address',
    proof: ue.ipv6AccessBuToHaIpv6,
  },
  { clause: '5.1.2.4', level: 'shall', sentence: 'IPv6 connectivity: H and A are set', proof: ue.ipv6AccessHAndASet },
  {
    clause: '5.1.2.4',
    level: 'shall',
    sentence: 'IPv6 connectivity, IPv4 HoA needed: IPv4 Home Address option with 0.0.0.0',
    proof: ue.ipv6AccessIpv4HoaUnspecified,
  },
  {
    clause: '5.1.2.4',
    level: 'may',
    sentence: 'Alternate CoA option, when present, equals the IPv6 source address',
    proof: ue.alternateCoaEqualsSource,
  },
  {
    clause: '5.1.2.4',
    level: 'shall',
    sentence: 'IPv4 only: the IPv6 packet (source = IPv6 HoA) is encapsulated in UDP',
    proof: ue.ipv4AccessIpv6InUdp,
  },
  {
    clause: '5.1.2.4',
    level: 'shall',
    sentence: 'IPv4 only: outer source = IPv4 CoA, outer destination = HA IPv4 address',
    proof: ue.ipv4AccessOuterAddresses,
  },
  {
    clause: '5.1.2.4',
    level: 'shall',
    sentence: 'IPv4 only: the IPv4 Care-of Address option carries the IPv4 CoA',
    proof: ue.ipv4AccessCoaOption,
  },
  { clause: '5.1.2.4', level: 'shall', sentence: 'IPv4 only: H and A are set', proof: ue.ipv4AccessHAndASet },
  {
    clause: '5.1.2.4',
    level: 'shall',
    sentence: 'IPv4 only: T = 0 (shall) and F = 0 (should)',
    proof: ue.ipv4AccessTZeroFZero,
  },
  {
    clause: '5.1.2.4',
    level: 'shall',
    sentence: 'IPv4 only, IPv4 HoA needed: IPv4 Home Address option with 0.0.0.0',
    proof: ue.ipv4AccessIpv4HoaUnspecified,
  },
  {
    clause: '5.1.2.4',
    level: 'shall',
    sentence: 'The BA is validated (RFC 3775 / RFC 5555): unprotected BAs are ignored',
    proof: ba.validatesBa,
  },
  {
    clause: '5.1.2.4',
    level: 'shall',
    sentence: 'Status 0: a Binding Update List entry for the registered HoA',
    proof: ba.status0CreatesEntry,
  },
  {
    clause: '5.1.2.4',
    level: 'may',
    sentence: 'Status 0: the UE may start sending packets with its IPv6 HoA',
    proof: ba.status0HoaUsable,
  },
  { clause: '5.1.2.4', level: 'may', sentence: 'Status 128: the UE may re-send the BU', proof: ba.status128MayResend },
  {
    clause: '5.1.2.4',
    level: 'shall',
    sentence: 'Status 129–133: no BU to that HA any more',
    proof: ba.status129To133NoMoreBus,
  },
  {
    clause: '5.1.2.4',
    level: 'should',
    sentence: 'Status 129–133: discover (use) another HA',
    proof: ba.status129To133AnotherHa,
  },
  {
    clause: '5.1.2.4',
    level: 'shall',
    sentence: 'IPv4 AA status 0–127: two BUL entries, IPv6 and IPv4 HoA',
    proof: ba.aaSuccessTwoEntries,
  },
  {
    clause: '5.1.2.4',
    level: 'shall',
    sentence: 'IPv4 AA status ≥ 128: a BUL entry for the IPv6 HoA only',
    proof: ba.aaFailureIpv6Only,
  },
  {
    clause: '5.1.2.4',
    level: 'shall',
    sentence: 'IPv4 AA 129 or 132: the BU is not re-sent, IPv6 HoA only',
    proof: ba.aa129Or132NoResend,
  },
  {
    clause: '5.1.2.4',
    level: 'shall',
    sentence: 'IPv4 AA 128, 130, 131, 133: the BU is re-sent with 0.0.0.0',
    proof: ba.aaResendWithUnspecified,
  },
  {
    clause: '5.1.2.4',
    level: 'shall',
    sentence: 'No IPv4 AA in the BA: a BUL entry for the IPv6 HoA only',
    proof: ba.noAaIpv6Only,
  },
  {
    clause: '5.1.2.4',
    level: 'shall',
    sentence: 'IPv6 link: IPv6 packets per RFC 3775, IPv4 packets encapsulated in IPv6',
    proof: ue.uplinkIpv6LinkInIpv6,
  },
  {
    clause: '5.1.2.4',
    level: 'shall',
    sentence: 'IPv4-only link, NAT Detection with F set: UDP encapsulation',
    proof: ue.uplinkUdpOnlyWithNatF,
  },
  {
    clause: '5.1.2.4',
    level: 'shall',
    sentence: 'Otherwise (IPv4-only, no F): IPv6 and IPv4 packets encapsulated in IPv4',
    proof: ue.uplinkIpv4OtherwiseInIpv4,
  },
  {
    clause: '5.1.2.4',
    level: 'may',
    sentence: 'DHCP messages may be sent through the DSMIPv6 tunnel',
    proof: ue.dhcpThroughTunnel,
  },
  // §5.1.3.2 Initial binding registration (HA)
  {
    clause: '5.1.3.2',
    level: 'shall',
    sentence: 'The HA validates the BU (RFC 3775 / RFC 5555)',
    proof: ha.validatesBu,
  },
  {
    clause: '5.1.3.2',
    level: 'shall',
    sentence: 'Alternate CoA present: the alternate-CoA check (mismatch → 174)',
    proof: ha.alternateCoaCheck,
  },
  {
    clause: '5.1.3.2',
    level: 'shall',
    sentence: 'Accepted: a new binding cache entry marked as home registration',
    proof: ha.createsHomeRegistrationEntry,
  },
  {
    clause: '5.1.3.2',
    level: 'shall',
    sentence: 'The entry lifetime is set from operator policy',
    proof: ha.lifetimeFromOperatorPolicy,
  },
  {
    clause: '5.1.3.2',
    level: 'shall',
    sentence: 'No Duplicate Address Detection on the IPv6 HoA',
    proof: ha.noDadOnHoa,
  },
  {
    clause: '5.1.3.2',
    level: 'shall',
    sentence: 'The HA sends a Binding Acknowledgement (RFC 3775)',
    proof: ha.sendsBa,
  },
  {
    clause: '5.1.3.2',
    level: 'may',
    sentence: 'The BA may carry a Binding Refresh Advice option',
    proof: ha.mayIncludeRefreshAdvice,
  },
  {
    clause: '5.1.3.2',
    level: 'shall',
    sentence: 'IPv4 HoA 0.0.0.0: assign an IPv4 HoA, IPv4 Address Acknowledgement in the BA',
    proof: ha.assignsIpv4HoaWithAck,
  },
  {
    clause: '5.1.3.2',
    level: 'shall',
    sentence: 'No IPv4 address available: IPv4 AA status 132',
    proof: ha.poolEmpty132,
  },
  {
    clause: '5.1.3.2',
    level: 'shall',
    sentence: 'IPv4 CoA ≠ outer source (NAT): NAT Detection with F set, BA UDP-encapsulated',
    proof: ha.natDetectedFSetAndUdp,
  },
  {
    clause: '5.1.3.2',
    level: 'shall',
    sentence: 'No NAT: BA without UDP — IPv4 header for an IPv4 CoA, IPv6 header for an IPv6 CoA',
    proof: ha.noNatPlainIpv4OrIpv6,
  },
  {
    clause: '5.1.3.2',
    level: 'shall',
    sentence: 'Accepted for both HoAs: two bindings, the IPv4 one linked to the IPv6 one',
    proof: ha.twoLinkedBindings,
  },
  {
    clause: '5.1.3.2',
    level: 'shall',
    sentence: 'Once bound: all packets for the IPv6 and IPv4 HoA are tunnelled to the CoA',
    proof: ha.tunnelsAllHoaTraffic,
  },
  {
    clause: '5.1.3.2',
    level: 'shall',
    sentence: 'NAT detected: packets encapsulated in UDP and IPv4',
    proof: ha.natTunnelUdp,
  },
  {
    clause: '5.1.3.2',
    level: 'shall',
    sentence: 'IPv6 CoA: IPv4 and IPv6 packets encapsulated in an IPv6 header',
    proof: ha.ipv6CoaTunnelIpv6,
  },
  {
    clause: '5.1.3.2',
    level: 'shall',
    sentence: 'IPv4 CoA: IPv4 and IPv6 packets encapsulated in an IPv4 header',
    proof: ha.ipv4CoaTunnelIpv4,
  },
];

for (const row of matrix) {
  test(`TS 24.303 §${row.clause} [${row.level}] ${row.sentence}`, row.proof);
}

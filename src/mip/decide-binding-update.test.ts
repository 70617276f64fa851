// decideBindingUpdate as a table: each row is one rule of RFC 6275 §9.2/§9.5.1/§10.3.1/§10.3.2 (security,
// validity, sequence window, registration type, check order, lifetime, de-registration) with the BU, its context,
// the existing binding and the policy, and what must come out. IPv4 HoA and NAT rows: decide-ipv4-nat.test.ts.
import { BaStatus } from '../wire/mh/constants.ts';
import { ipv4Int } from './addresses.ts';
import { TunnelMode } from './binding-cache.ts';
import { live, type Row, runRows } from './decide-test-support.ts';
import {
  altCoa,
  bu,
  COA4,
  COA6,
  COA6_B,
  HOA,
  HOME_PREFIX,
  OTHER_PREFIX,
  v4,
  v4Coa,
  v4Hoa,
  v6,
} from './test-fixtures.ts';

const rows: Row[] = [
  // --- security (RFC 4877 §4.3, RFC 6275 §10.3.1): dropped, never answered
  {
    rule: 'not ESP-protected → dropped',
    ctx: { protectedByEsp: false },
    expect: { verdict: 'drop', reason: 'not-protected-by-esp' },
  },
  {
    rule: 'HoA outside the prefix its IKE SA was given → dropped',
    ctx: { authorizedHomePrefix: OTHER_PREFIX },
    expect: { verdict: 'drop', reason: 'home-address-not-authorized' },
  },
  {
    rule: 'IKE SA with no home prefix → dropped (fail closed)',
    ctx: { authorizedHomePrefix: undefined },
    expect: { verdict: 'drop', reason: 'home-address-not-authorized' },
  },
  // --- RFC 6275 §9.2, §9.5.1, §6.1.7 validity: silent discard
  {
    rule: 'Payload Proto ≠ 59 → discarded (§9.2)',
    bu: bu({ payloadProto: 6 }),
    expect: { verdict: 'drop', reason: 'bad-payload-proto' },
  },
  {
    rule: 'Nonce Indices with H set → discarded (§9.5.1)',
    bu: bu({}, [{ kind: 'nonce-indices', homeNonceIndex: 1, careOfNonceIndex: 2 }]),
    expect: { verdict: 'drop', reason: 'nonce-indices-in-home-registration' },
  },
  {
    rule: 'multicast CoA → discarded (§6.1.7)',
    bu: bu({}, [altCoa(v6('ff02::1'))]),
    ctx: { outer: { family: 6, source: v6('ff02::1'), destination: v6('2001:db8:1::1'), viaUdp4191: false } },
    expect: { verdict: 'drop', reason: 'care-of-not-unicast' },
  },
  {
    rule: 'H = 0 and no binding → discarded (no correspondent registration at an HA)',
    bu: bu({ homeRegistration: false }),
    expect: { verdict: 'drop', reason: 'not-home-registration' },
  },
  {
    rule: 'BU over IPv4 without UDP → discarded (RFC 5555 §4.1 "MUST always be used" for BUs)',
    bu: bu({}, [v4Coa(COA4)]),
    ctx: { outer: { family: 4, source: COA4, destination: v4('192.0.2.1'), viaUdp4191: false } },
    expect: { verdict: 'drop', reason: 'ipv4-bu-not-in-udp' },
  },
  // --- sequence window and registration type (§9.5.1)
  {
    rule: 'sequence not newer → 135 carrying the last accepted number',
    bu: bu({ sequence: 10 }),
    existing: live({ sequence: 10 }),
    expect: { verdict: 'reject', status: BaStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW, sequence: 10, transport: 'ipv6-rh2' },
  },
  {
    rule: 'sequence 32768 behind (mod 2^16) → 135',
    bu: bu({ sequence: (10 + 0x8000) & 0xffff }),
    existing: live({ sequence: 10 }),
    expect: { verdict: 'reject', status: 135, sequence: 10 },
  },
  {
    rule: 'sequence wrapping 65535 → 3 is newer → accepted',
    bu: bu({ sequence: 3 }, [altCoa(COA6)]),
    existing: live({ sequence: 65535 }),
    expect: { verdict: 'register', status: 0, sequence: 3 },
  },
  {
    rule: 'H flag changed on an existing binding → 139',
    bu: bu({ sequence: 11, homeRegistration: false }),
    existing: live(),
    expect: { verdict: 'reject', status: BaStatus.REGISTRATION_TYPE_CHANGE_DISALLOWED },
  },
  // --- §10.3.1 order
  {
    rule: 'not configured as HA → 131',
    policy: { homeRegistration: false },
    expect: { verdict: 'reject', status: BaStatus.HOME_REGISTRATION_NOT_SUPPORTED },
  },
  {
    rule: 'HoA (authorised) not on the HA Prefix List → 132',
    policy: { homePrefixes: [OTHER_PREFIX] },
    expect: { verdict: 'reject', status: BaStatus.NOT_HOME_SUBNET },
  },
  {
    rule: 'TS 24.303 §5.1.3.2 alt-CoA check: Alternate CoA ≠ outer source → 174',
    bu: bu({}, [altCoa(COA6_B)]),
    expect: { verdict: 'reject', status: BaStatus.INVALID_CARE_OF_ADDRESS, transport: 'ipv6-rh2' },
  },
  {
    rule: 'Alternate CoA required by policy but absent → 174',
    policy: { requireAlternateCareOf: true },
    expect: { verdict: 'reject', status: 174 },
  },
  {
    rule: 'Alternate CoA absent, not required → the IPv6 source is the CoA (§9.5.1)',
    expect: { verdict: 'register', status: 0, mode: TunnelMode.IPV6 },
  },
  {
    rule: 'R set, mobile routers not permitted → 140 (RFC 3963)',
    policy: { mobileRouter: false },
    expect: { verdict: 'reject', status: BaStatus.MOBILE_ROUTER_OPERATION_NOT_PERMITTED },
  },
  {
    rule: 'capacity reached for a new binding → 130',
    policy: { maxBindings: 0 },
    expect: { verdict: 'reject', status: BaStatus.INSUFFICIENT_RESOURCES },
  },
  {
    rule: 'capacity reached but the binding exists → refreshed',
    bu: bu({ sequence: 11 }),
    existing: live(),
    policy: { maxBindings: 0 },
    expect: { verdict: 'register', status: 0 },
  },
  // --- lifetime (§10.3.1 and operator policy)
  {
    rule: 'lifetime = min(requested, policy max), K only when both sides can move IKE',
    bu: bu({ lifetimeSec: 7200 }, [altCoa(COA6)]),
    policy: { maxLifetimeSec: 1800, keyManagementMobility: true },
    expect: { verdict: 'register', status: 0, lifetimeSec: 1800, k: true, options: [] },
  },
  {
    rule: 'lifetime capped by the prefix valid lifetime (4 s units) and status 1',
    policy: { homePrefixes: [{ ...HOME_PREFIX, validUntilMs: 1_000_000 + 1_003_999 }] },
    now: 1_000_000,
    expect: { verdict: 'register', status: BaStatus.ACCEPTED_PREFIX_DISCOVERY_NECESSARY, lifetimeSec: 1000 },
  },
  {
    rule: 'deprecated within the lifetime → status 1, lifetime unchanged',
    policy: { homePrefixes: [{ ...HOME_PREFIX, preferredUntilMs: 60_000 }] },
    expect: { verdict: 'register', status: 1, lifetimeSec: 3600 },
  },
  {
    rule: 'prefix with under 4 s of validity → 132',
    policy: { homePrefixes: [{ ...HOME_PREFIX, validUntilMs: 3_000 }] },
    expect: { verdict: 'reject', status: 132 },
  },
  {
    rule: 'Binding Refresh Advice below the lifetime is included (TS 24.303 §5.1.3.2 "may")',
    policy: { refreshAdviceSec: 1200 },
    expect: { verdict: 'register', options: ['binding-refresh-advice'] },
  },
  {
    rule: 'Binding Refresh Advice not below the granted lifetime is left out (§10.3.1)',
    bu: bu({ lifetimeSec: 1200 }),
    policy: { refreshAdviceSec: 1200 },
    expect: { verdict: 'register', options: [] },
  },
  // --- de-registration (§10.3.2)
  {
    rule: 'lifetime 0 with a binding → status 0, lifetime 0, no refresh advice',
    bu: bu({ sequence: 11, lifetimeSec: 0 }, [altCoa(COA6)]),
    existing: live(),
    policy: { refreshAdviceSec: 1200 },
    expect: { verdict: 'deregister', status: 0, lifetimeSec: 0, options: [] },
  },
  {
    rule: 'lifetime 0 without a binding → 133',
    bu: bu({ lifetimeSec: 0 }),
    expect: { verdict: 'reject', status: BaStatus.NOT_HOME_AGENT_FOR_THIS_MOBILE_NODE },
  },
  {
    rule: 'de-registration at home (source = HoA) → BA to the HoA without routing header',
    bu: bu({ sequence: 11, lifetimeSec: 0 }),
    ctx: { outer: { family: 6, source: HOA, destination: v6('2001:db8:1::1'), viaUdp4191: false } },
    existing: live(),
    expect: { verdict: 'deregister', status: 0, transport: 'ipv6' },
  },
  {
    rule: 'lifetime 0 with the IPv4 HoA option → IPv4 AA echoes the released address',
    bu: bu({ sequence: 11, lifetimeSec: 0 }, [v4Hoa(v4('10.1.0.1'))]),
    existing: live({ ipv4HomeAddress: ipv4Int(v4('10.1.0.1')) }),
    expect: { verdict: 'deregister', ipv4Status: 0, ipv4Address: '10.1.0.1' },
  },
  {
    rule: 'CoA = HoA with a non-zero lifetime → 174',
    ctx: { outer: { family: 6, source: HOA, destination: v6('2001:db8:1::1'), viaUdp4191: false } },
    expect: { verdict: 'reject', status: 174 },
  },
];

runRows(rows);

// decideBindingUpdate, DSMIPv6 rows: the IPv4 Home Address option (RFC 5555 §4.5, TS 24.303 §5.1.3.2), the IPv4
// CoA, NAT detection and BA framing (RFC 5555 §4.2, SPEC-NOTES §15 items 3, 12, 13), plus whole-decision checks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Ipv4AckStatus, NAT_REFRESH_TIME_NOT_NEEDED, NATKATIMEOUT_SEC } from '../wire/mh/constants.ts';
import { ipv4Int } from './addresses.ts';
import { BindingFlag, TunnelMode } from './binding-cache.ts';
import { decideBindingUpdate } from './decide-binding-update.ts';
import { key, live, type Row, runRows } from './decide-test-support.ts';
import {
  altCoa,
  bu,
  COA4,
  COA6,
  COA6_B,
  context,
  HOA,
  haPolicy,
  NAT_PUBLIC,
  OUTER4_NAT,
  OUTER4_UDP,
  poolOf,
  STATIC_V4,
  v4,
  v4Coa,
  v4Hoa,
} from './test-fixtures.ts';

const rows: Row[] = [
  // --- IPv4 HoA (RFC 5555 §4.5, TS 24.303 §5.1.3.2)
  {
    rule: '0.0.0.0 → allocated from the pool, IPv4 AA success /32',
    bu: bu({}, [v4Hoa(), altCoa(COA6)]),
    expect: { verdict: 'register', ipv4Status: 0, ipv4Address: '10.1.0.1', ipv4Outcome: 'assign' },
  },
  {
    rule: '0.0.0.0 with the pool empty → IPv4 AA 132, IPv6 binding accepted',
    bu: bu({}, [v4Hoa()]),
    held: [
      ['10.1.0.1', 'x'],
      ['10.1.0.2', 'y'],
      ['10.1.0.3', 'z'],
    ],
    expect: {
      verdict: 'register',
      status: 0,
      ipv4Status: Ipv4AckStatus.DYNAMIC_IPV4_HOME_ADDRESS_ASSIGNMENT_NOT_AVAILABLE,
      ipv4Outcome: 'refuse',
    },
  },
  {
    rule: '0.0.0.0 again while holding an address (lost BA) → the same address',
    bu: bu({ sequence: 11 }, [v4Hoa()]),
    existing: live({ ipv4HomeAddress: ipv4Int(v4('10.1.0.3')), flags: BindingFlag.IPV4_DYNAMIC }),
    held: [['10.1.0.3', key]],
    expect: { verdict: 'register', ipv4Status: 0, ipv4Address: '10.1.0.3' },
  },
  {
    rule: 'no IPv4 HoA option → only the IPv4 binding is dropped (RFC 5555 §4.4.2.1)',
    bu: bu({ sequence: 11 }),
    existing: live({ ipv4HomeAddress: ipv4Int(v4('10.1.0.3')) }),
    expect: { verdict: 'register', status: 0, ipv4Outcome: 'none', options: [] },
  },
  {
    rule: 'IPv4 HoAs not served → IPv4 AA 129',
    bu: bu({}, [v4Hoa()]),
    policy: { ipv4HomeAddresses: false },
    expect: { verdict: 'register', ipv4Status: Ipv4AckStatus.ADMINISTRATIVELY_PROHIBITED },
  },
  {
    rule: 'P flag (IPv4 prefix request) → IPv4 AA 133',
    bu: bu({}, [v4Hoa(undefined, true)]),
    expect: { verdict: 'register', ipv4Status: Ipv4AckStatus.PREFIX_ALLOCATION_UNAUTHORIZED },
  },
  {
    rule: 'static request of a non-unicast address → IPv4 AA 131',
    bu: bu({}, [v4Hoa(v4('224.0.0.1'))]),
    expect: { verdict: 'register', ipv4Status: Ipv4AckStatus.INVALID_IPV4_ADDRESS, ipv4Address: '224.0.0.1' },
  },
  {
    rule: 'static request, statics prohibited → IPv4 AA 129',
    bu: bu({}, [v4Hoa(STATIC_V4)]),
    policy: { staticIpv4: 'prohibited' },
    expect: { verdict: 'register', ipv4Status: 129 },
  },
  {
    rule: 'static request, authorized-only, none authorised → 129',
    bu: bu({}, [v4Hoa(STATIC_V4)]),
    expect: { verdict: 'register', ipv4Status: 129 },
  },
  {
    rule: 'static request ≠ the identity’s authorised address → 130',
    bu: bu({}, [v4Hoa(STATIC_V4)]),
    ctx: { authorizedIpv4HomeAddress: v4('10.9.0.10') },
    expect: { verdict: 'register', ipv4Status: Ipv4AckStatus.INCORRECT_IPV4_HOME_ADDRESS },
  },
  {
    rule: 'static request = the authorised address → accepted, same address',
    bu: bu({}, [v4Hoa(STATIC_V4)]),
    ctx: { authorizedIpv4HomeAddress: STATIC_V4 },
    expect: { verdict: 'register', ipv4Status: 0, ipv4Address: STATIC_V4.toString(), ipv4Outcome: 'assign' },
  },
  {
    rule: 'static request held by another binding → 130',
    bu: bu({}, [v4Hoa(STATIC_V4)]),
    policy: { staticIpv4: 'any-free' },
    held: [[STATIC_V4.toString(), 'someone-else']],
    expect: { verdict: 'register', ipv4Status: 130 },
  },
  {
    rule: 'refresh naming the address it already holds → accepted even with statics prohibited',
    bu: bu({ sequence: 11 }, [v4Hoa(v4('10.1.0.2'))]),
    existing: live({ ipv4HomeAddress: ipv4Int(v4('10.1.0.2')), flags: BindingFlag.IPV4_DYNAMIC }),
    policy: { staticIpv4: 'prohibited' },
    expect: { verdict: 'register', ipv4Status: 0, ipv4Address: '10.1.0.2' },
  },
  // --- IPv4 CoA, NAT detection and BA framing (RFC 5555 §4.2, TS 24.303 §5.1.3.2, SPEC-NOTES §15.13)
  {
    rule: 'IPv4 CoA = outer source: no NAT, BA in IPv4 protocol 41 (seed), no NAT option, IPv4 tunnel',
    bu: bu({}, [v4Coa(COA4)]),
    ctx: { outer: OUTER4_UDP },
    expect: { verdict: 'register', transport: 'ipv4-protocol-41', options: [], mode: TunnelMode.IPV4 },
  },
  {
    rule: 'IPv4 CoA ≠ outer source: NAT, NAT Detection F = 1 with NATKATIMEOUT, BA in UDP, UDP tunnel',
    bu: bu({}, [v4Coa(COA4)]),
    ctx: { outer: OUTER4_NAT },
    expect: { verdict: 'register', transport: 'udp4', natF: true, natRefresh: NATKATIMEOUT_SEC, mode: TunnelMode.UDP4 },
  },
  {
    rule: 'no NAT, baEncapsulation rfc5555: BA in UDP with NAT Detection F = 0, all-ones refresh',
    bu: bu({}, [v4Coa(COA4)]),
    ctx: { outer: OUTER4_UDP },
    policy: { baEncapsulation: 'rfc5555' },
    expect: {
      verdict: 'register',
      transport: 'udp4',
      natF: false,
      natRefresh: NAT_REFRESH_TIME_NOT_NEEDED,
      mode: TunnelMode.IPV4,
    },
  },
  {
    rule: 'F requested over IPv4, accepted: NAT Detection F = 1 without keepalives, UDP tunnel',
    bu: bu({ forceUdpEncapsulation: true }, [v4Coa(COA4)]),
    ctx: { outer: OUTER4_UDP },
    expect: {
      verdict: 'register',
      transport: 'udp4',
      natF: true,
      natRefresh: NAT_REFRESH_TIME_NOT_NEEDED,
      mode: TunnelMode.UDP4,
    },
  },
  {
    rule: 'F requested, policy reject-144 → 144 (RFC 5555 §4.5; clash with IANA noted), still in UDP (§3.1.3)',
    bu: bu({ forceUdpEncapsulation: true }, [v4Coa(COA4)]),
    ctx: { outer: OUTER4_UDP },
    policy: { forceUdpRequest: 'reject-144' },
    expect: { verdict: 'reject', status: 144, transport: 'udp4' },
  },
  {
    rule: 'F requested over UDP, no NAT, rejected (135) → BA in UDP to the BU source port (RFC 5555 §3.1.3)',
    bu: bu({ sequence: 5, forceUdpEncapsulation: true }, [v4Coa(COA4)]),
    ctx: { outer: OUTER4_UDP },
    existing: live({ sequence: 10 }),
    expect: { verdict: 'reject', status: 135, transport: 'udp4', options: [] },
  },
  {
    rule: 'F clear over UDP, no NAT, rejected (135) → BA in IPv4 protocol 41 (seed)',
    bu: bu({ sequence: 5 }, [v4Coa(COA4)]),
    ctx: { outer: OUTER4_UDP },
    existing: live({ sequence: 10 }),
    expect: { verdict: 'reject', status: 135, transport: 'ipv4-protocol-41' },
  },
  {
    rule: 'F requested over UDP, no NAT, de-registration → BA in UDP (RFC 5555 §3.1.3)',
    bu: bu({ sequence: 11, lifetimeSec: 0, forceUdpEncapsulation: true }, [v4Coa(COA4)]),
    ctx: { outer: OUTER4_UDP },
    existing: live(),
    expect: { verdict: 'deregister', status: 0, lifetimeSec: 0, transport: 'udp4' },
  },
  {
    rule: 'F clear over UDP, no NAT, de-registration → BA in IPv4 protocol 41 (seed)',
    bu: bu({ sequence: 11, lifetimeSec: 0 }, [v4Coa(COA4)]),
    ctx: { outer: OUTER4_UDP },
    existing: live(),
    expect: { verdict: 'deregister', status: 0, transport: 'ipv4-protocol-41' },
  },
  {
    rule: 'F with an IPv6 CoA is ignored (RFC 5555 §3.1.3)',
    bu: bu({ forceUdpEncapsulation: true }, [altCoa(COA6)]),
    policy: { forceUdpRequest: 'reject-144' },
    expect: { verdict: 'register', status: 0, mode: TunnelMode.IPV6 },
  },
  {
    rule: 'registration over IPv4 without the IPv4 CoA option → 174, answered in UDP (NAT possible)',
    ctx: { outer: OUTER4_UDP },
    expect: { verdict: 'reject', status: 174, transport: 'udp4' },
  },
  {
    rule: 'IPv4 CoA option in a BU that came over IPv6 → 174',
    bu: bu({}, [v4Coa(COA4)]),
    expect: { verdict: 'reject', status: 174 },
  },
  {
    rule: 'a 135 behind a NAT still goes in UDP to the NAT port',
    bu: bu({ sequence: 5 }, [v4Coa(COA4)]),
    ctx: { outer: OUTER4_NAT },
    existing: live({ sequence: 10 }),
    expect: { verdict: 'reject', status: 135, transport: 'udp4', natF: true },
  },
];

runRows(rows);

test('the BA answers the BU: sequence copied, innerSrc = HA, innerDst = HoA, RH2 to the IPv6 source', () => {
  const d = decideBindingUpdate(bu({ sequence: 77 }, [altCoa(COA6)]), context(), undefined, haPolicy(), 0, {
    bindingCount: 0,
    pool: poolOf(),
  });
  assert.equal(d.verdict, 'register');
  if (d.verdict !== 'register') return;
  assert.equal(d.reply.innerSrc.toString(), '2001:db8:1::1');
  assert.equal(d.reply.innerDst.toString(), HOA.toString());
  assert.deepEqual(d.reply.transport, { kind: 'ipv6-rh2', careOf: COA6 });
  assert.equal(d.reply.message.sequence, 77);
});

test('the NAT BA goes from the HA IPv4 address, port 4191, to the observed address and port', () => {
  const d = decideBindingUpdate(bu({}, [v4Coa(COA4)]), context({ outer: OUTER4_NAT }), undefined, haPolicy(), 0, {
    bindingCount: 0,
    pool: poolOf(),
  });
  assert.ok(d.verdict === 'register');
  assert.deepEqual(d.reply.transport, {
    kind: 'udp4',
    source: v4('192.0.2.1'),
    destination: NAT_PUBLIC,
    sourcePort: 4191,
    destinationPort: 20000,
  });
});

test('property: any BU in any context gets a decision, never an exception; drops never carry a reply', () => {
  const option = fc.constantFrom(
    altCoa(COA6),
    altCoa(COA6_B),
    v4Coa(COA4),
    v4Hoa(),
    v4Hoa(STATIC_V4),
    v4Hoa(v4('0.1.2.3')),
  );
  const outer = fc.constantFrom(context().outer, OUTER4_UDP, OUTER4_NAT);
  fc.assert(
    fc.property(
      fc.record({
        sequence: fc.integer({ min: 0, max: 0xffff }),
        lifetimeSec: fc.integer({ min: 0, max: 0xffff }).map((u) => u * 4),
        homeRegistration: fc.boolean(),
        forceUdpEncapsulation: fc.boolean(),
        mobileRouter: fc.boolean(),
      }),
      fc.array(option, { maxLength: 4 }),
      outer,
      fc.boolean(),
      fc.option(fc.integer({ min: 0, max: 0xffff })),
      (fields, options, o, esp, existingSeq) => {
        const existing = existingSeq === null ? undefined : live({ sequence: existingSeq });
        const d = decideBindingUpdate(
          bu(fields, options),
          context({ outer: o, protectedByEsp: esp }),
          existing,
          haPolicy(),
          0,
          {
            bindingCount: 0,
            pool: poolOf(),
          },
        );
        if (!esp) return d.verdict === 'drop';
        return d.verdict === 'drop' ? !('reply' in d) : d.reply.message.kind === 'binding-acknowledgement';
      },
    ),
  );
});

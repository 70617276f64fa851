// decideBindingAck as a table: RFC 6275 §11.7.3 validation, the TS 24.303 §5.1.2.4 status paragraphs and the
// IPv4 Address Acknowledgement rules, RFC 5555 §4.3/§4.4.2 for the NAT Detection option.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MobilityOption } from '../wire/mh/options.ts';
import { type BaDecision, decideBindingAck, type OutstandingBindingUpdate } from './decide-binding-ack.ts';
import { ba, HA6, HA6_B, v4 } from './test-fixtures.ts';

const outstanding: OutstandingBindingUpdate = {
  homeAgent: HA6,
  firstSequence: 5,
  lastSequence: 7,
  lifetimeSec: 3600,
  ipv4Requested: v4('0.0.0.0'),
  forceUdp: false,
};

const aa = (status: number, address = '10.1.0.1'): MobilityOption => ({
  kind: 'ipv4-address-acknowledgement',
  status,
  prefixLength: status < 128 ? 32 : 0,
  homeAddress: v4(address),
});

interface Row {
  readonly rule: string;
  readonly ba: ReturnType<typeof ba>;
  readonly esp?: boolean;
  readonly source?: typeof HA6;
  readonly outstanding?: Partial<OutstandingBindingUpdate> | null;
  readonly expect: Record<string, unknown>;
}

const rows: Row[] = [
  {
    rule: 'not under ESP → ignored',
    ba: ba({ sequence: 7 }),
    esp: false,
    expect: { kind: 'ignore', reason: 'not-protected-by-esp' },
  },
  {
    rule: 'nothing outstanding → ignored',
    ba: ba(),
    outstanding: null,
    expect: { kind: 'ignore', reason: 'no-outstanding-bu' },
  },
  {
    rule: 'from another node → ignored',
    ba: ba({ sequence: 7 }),
    source: HA6_B,
    expect: { kind: 'ignore', reason: 'not-from-home-agent' },
  },
  {
    rule: 'sequence not one we sent → ignored',
    ba: ba({ sequence: 8 }),
    expect: { kind: 'ignore', reason: 'sequence-mismatch' },
  },
  {
    rule: 'an earlier transmission of the same BU is answered → accepted',
    ba: ba({ sequence: 5 }),
    expect: { kind: 'accepted' },
  },
  {
    rule: '135 → adopt the HA sequence number (any number, authenticated)',
    ba: ba({ status: 135, sequence: 900 }),
    expect: { kind: 'resynchronise', sequence: 900 },
  },
  {
    rule: '0 → accepted, lifetime as granted',
    ba: ba({ sequence: 7, lifetimeSec: 1800 }),
    expect: { kind: 'accepted', status: 0, lifetimeSec: 1800 },
  },
  {
    rule: 'lifetime above the request is clamped',
    ba: ba({ sequence: 7, lifetimeSec: 7200 }),
    expect: { kind: 'accepted', lifetimeSec: 3600 },
  },
  {
    rule: '1 → accepted, prefix discovery flagged by status',
    ba: ba({ sequence: 7, status: 1 }),
    expect: { kind: 'accepted', status: 1 },
  },
  {
    rule: 'Binding Refresh Advice is passed on',
    ba: ba({ sequence: 7 }, [{ kind: 'binding-refresh-advice', refreshIntervalSec: 600 }]),
    expect: { kind: 'accepted', refreshAdviceSec: 600 },
  },
  {
    rule: '128 → may re-send (back-off)',
    ba: ba({ sequence: 7, status: 128 }),
    expect: { kind: 'retry-later', status: 128 },
  },
  ...[129, 130, 131, 132, 133].map((status) => ({
    rule: `${status} → no more BUs to this HA, next HA`,
    ba: ba({ sequence: 7, status }),
    expect: { kind: 'next-home-agent', status },
  })),
  {
    rule: '134 → give up (RFC 6275 §11.7.1: HoA not re-used)',
    ba: ba({ sequence: 7, status: 134 }),
    expect: { kind: 'give-up', status: 134 },
  },
  {
    rule: '144 to an F request → re-send without F (RFC 5555 §4.4.2)',
    ba: ba({ sequence: 7, status: 144 }),
    outstanding: { forceUdp: true },
    expect: { kind: 'retry-without-force-udp' },
  },
  {
    rule: '144 without F (IANA MIPV6-ID-MISMATCH) → next HA',
    ba: ba({ sequence: 7, status: 144 }),
    expect: { kind: 'next-home-agent', status: 144 },
  },
  {
    rule: '174 → next HA (RFC 6275 §11.7.3)',
    ba: ba({ sequence: 7, status: 174 }),
    expect: { kind: 'next-home-agent', status: 174 },
  },
  // IPv4 Address Acknowledgement (TS 24.303 §5.1.2.4)
  {
    rule: 'IPv4 AA 0 → two BUL entries',
    ba: ba({ sequence: 7 }, [aa(0)]),
    expect: { ipv4: { kind: 'assigned', address: v4('10.1.0.1'), prefixLength: 32 } },
  },
  {
    rule: 'IPv4 AA 127 is still success',
    ba: ba({ sequence: 7 }, [aa(127)]),
    expect: { ipv4: { kind: 'assigned', address: v4('10.1.0.1'), prefixLength: 32 } },
  },
  ...[129, 132].map((status) => ({
    rule: `IPv4 AA ${status} → IPv6 only, do not re-send`,
    ba: ba({ sequence: 7 }, [aa(status, '0.0.0.0')]),
    expect: { ipv4: { kind: 'refused-final', status } },
  })),
  ...[128, 130, 131, 133].map((status) => ({
    rule: `IPv4 AA ${status} → IPv6 only, re-send with 0.0.0.0`,
    ba: ba({ sequence: 7 }, [aa(status, '0.0.0.0')]),
    expect: { ipv4: { kind: 'refused-retry-dynamic', status } },
  })),
  {
    rule: 'IPv4 AA 200 (unassigned failure) → IPv6 only',
    ba: ba({ sequence: 7 }, [aa(200)]),
    expect: { ipv4: { kind: 'refused', status: 200 } },
  },
  { rule: 'no IPv4 AA although asked → IPv6 only', ba: ba({ sequence: 7 }), expect: { ipv4: { kind: 'absent' } } },
  {
    rule: 'IPv4 HoA not asked → not-requested',
    ba: ba({ sequence: 7 }, [aa(0)]),
    outstanding: { ipv4Requested: undefined },
    expect: { ipv4: { kind: 'not-requested' } },
  },
  // NAT Detection (TS 24.303 §5.1.2.4 last paragraph; RFC 5555 §3.2.2, §4.3)
  {
    rule: 'NAT Detection F = 1, refresh 110 → UDP, keepalive 110 s',
    ba: ba({ sequence: 7 }, [{ kind: 'nat-detection', udpEncapsulationRequired: true, refreshTimeSec: 110 }]),
    expect: { udpEncapsulation: true, natKeepaliveSec: 110 },
  },
  {
    rule: 'NAT Detection F = 0, all-ones → no UDP, no keepalive',
    ba: ba({ sequence: 7 }, [{ kind: 'nat-detection', udpEncapsulationRequired: false, refreshTimeSec: 0xffffffff }]),
    expect: { udpEncapsulation: false, natKeepaliveSec: undefined },
  },
  {
    rule: 'NAT Detection refresh 0 → "ignore": the default NATKATIMEOUT',
    ba: ba({ sequence: 7 }, [{ kind: 'nat-detection', udpEncapsulationRequired: true, refreshTimeSec: 0 }]),
    expect: { natKeepaliveSec: 110 },
  },
  {
    rule: 'no NAT Detection option → no UDP',
    ba: ba({ sequence: 7 }),
    expect: { udpEncapsulation: false, natKeepaliveSec: undefined },
  },
];

for (const r of rows) {
  test(`decideBindingAck: ${r.rule}`, () => {
    const o = r.outstanding === null ? undefined : { ...outstanding, ...r.outstanding };
    const d: BaDecision = decideBindingAck(r.ba, { protectedByEsp: r.esp ?? true, source: r.source ?? HA6 }, o);
    const got = d as unknown as Record<string, unknown>;
    assert.deepEqual(Object.fromEntries(Object.keys(r.expect).map((k) => [k, got[k]])), r.expect);
  });
}

test('sequence range across the 16-bit wrap', () => {
  const o = { ...outstanding, firstSequence: 0xfffe, lastSequence: 1 };
  assert.equal(decideBindingAck(ba({ sequence: 0 }), { protectedByEsp: true, source: HA6 }, o).kind, 'accepted');
  assert.equal(decideBindingAck(ba({ sequence: 2 }), { protectedByEsp: true, source: HA6 }, o).kind, 'ignore');
});

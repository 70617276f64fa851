/**
 * Test support for the decideBindingUpdate tables: a row format and a summary of a decision to compare with.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BindingUpdate } from '../wire/mh/messages.ts';
import { ipv4Int, ipv6Key } from './addresses.ts';
import type { BindingView } from './binding-cache.ts';
import { type BuDecision, decideBindingUpdate } from './decide-binding-update.ts';
import type { HomeAgentPolicyInput } from './policy.ts';
import { bu, context, entry, HOA, haPolicy, poolOf, v4 } from './test-fixtures.ts';
import type { BindingUpdateContext } from './types.ts';

interface Summary {
  verdict: string;
  reason?: string;
  status?: number;
  sequence?: number;
  lifetimeSec?: number;
  transport?: string;
  options?: string[];
  natF?: boolean;
  natRefresh?: number;
  ipv4Status?: number;
  ipv4Address?: string;
  ipv4Outcome?: string;
  mode?: number;
  k?: boolean;
}

export function summarise(d: BuDecision): Summary {
  if (d.verdict === 'drop') return { verdict: 'drop', reason: d.reason };
  const m = d.reply.message;
  if (m.kind !== 'binding-acknowledgement') throw new Error('reply is not a BA');
  const s: Summary = {
    verdict: d.verdict,
    status: m.status,
    sequence: m.sequence,
    lifetimeSec: m.lifetimeSec,
    transport: d.reply.transport.kind,
    options: m.options.map((o) => o.kind),
    k: m.keyManagementMobilityCapability,
  };
  for (const o of m.options) {
    if (o.kind === 'nat-detection') {
      s.natF = o.udpEncapsulationRequired;
      s.natRefresh = o.refreshTimeSec;
    }
    if (o.kind === 'ipv4-address-acknowledgement') {
      s.ipv4Status = o.status;
      s.ipv4Address = o.homeAddress.toString();
    }
  }
  if (d.verdict === 'register') {
    s.mode = d.plan.mode;
    s.ipv4Outcome = d.ipv4.kind;
  }
  return s;
}

export const key = ipv6Key(HOA);
export const live = (fields: Partial<BindingView> = {}) =>
  entry({ homeAddressKey: key, sequence: 10, expiresAtMs: 1e9, ...fields });

export interface Row {
  readonly rule: string;
  readonly bu?: BindingUpdate;
  readonly ctx?: Partial<BindingUpdateContext>;
  readonly existing?: BindingView;
  readonly policy?: Partial<HomeAgentPolicyInput>;
  readonly now?: number;
  /** Addresses already held in the pool, by owner key. */
  readonly held?: readonly [string, string][];
  readonly expect: Summary;
}

/** Registers one node:test per row: the decision's summary must match every key the row names. */
export function runRows(rows: readonly Row[]): void {
  for (const r of rows) {
    test(`decideBindingUpdate: ${r.rule}`, () => {
      const pool = poolOf();
      for (const [addr, owner] of r.held ?? []) assert.ok(pool.claim(ipv4Int(v4(addr)), owner));
      const d = decideBindingUpdate(r.bu ?? bu(), context(r.ctx), r.existing, haPolicy(r.policy), r.now ?? 0, {
        bindingCount: r.existing ? 1 : 0,
        pool,
      });
      const got = summarise(d) as unknown as Record<string, unknown>;
      const picked = Object.fromEntries(Object.keys(r.expect).map((k) => [k, got[k]]));
      assert.deepEqual(picked, r.expect);
    });
  }
}

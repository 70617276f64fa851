// Issue 16 figures, in process and in virtual time (src/ike/test-flood.ts): a cookie-echo flood of IKE_SA_INITs from
// 512 ports of one address against the HA responder with its default limits (src/ike/limits.ts) and cookies from
// the 5th half-open SA, then a legitimate UE from another address attaching while the flood's SAs are still
// half-open. The end-to-end figures against a real `dsmip ha` come from test/e2e/flood/measure.ts (root).
import { DEFAULT_RESPONDER_LIMITS } from '../../src/ike/limits.ts';
import { IkeResponder } from '../../src/ike/responder.ts';
import { FloodNet } from '../../src/ike/test-flood.ts';
import { haConfig, UE_ADDR, validNow } from '../../src/ike/test-support.ts';
import { Ipv4Address } from '../../src/util/ip-address.ts';
import { ExchangeType } from '../../src/wire/ike/constants.ts';
import type { Bench, Figure } from '../harness.ts';

const FLOOD = 5000;
const PORTS = 512;

interface Result {
  readonly halfOpenFromAttacker: number;
  readonly refused: number;
  readonly attachMs: number;
}

let result: Result | undefined;

function run(): Result {
  const ha = new IkeResponder(
    haConfig({
      cookies: { threshold: 5, secret: { version: 1, secret: new Uint8Array(16) } },
      limits: DEFAULT_RESPONDER_LIMITS,
    }),
  );
  const net = new FloodNet(ha, validNow());
  const attacker = Ipv4Address.parse('203.0.113.66');
  for (let i = 0; i < FLOOD; i++) {
    net.connect(
      attacker,
      10_000 + (i % PORTS) + PORTS * Math.floor(i / PORTS),
      (m) => m.exchangeType !== ExchangeType.IKE_AUTH,
    );
    if (i % PORTS === PORTS - 1) net.flush();
  }
  net.flush();
  const halfOpenFromAttacker = ha.halfOpenFrom(attacker);
  net.muteAll();
  const start = performance.now();
  const ue = net.connect(UE_ADDR, 500);
  net.flush();
  const attachMs = performance.now() - start;
  if (ue.events.filter((e) => e.kind === 'child-sa-established').length < 2) throw new Error('the UE did not attach');
  return { halfOpenFromAttacker, refused: ha.limitCounters['half-open-per-source'], attachMs };
}

const figure = (name: string, unit: string, pick: (r: Result) => number): Figure => ({
  name,
  unit,
  measure: () => {
    result ??= run();
    return pick(result);
  },
});

export const benches: Bench[] = [];

export const figures: Figure[] = [
  figure(
    `ike-cookie-flood-half-open-per-source (${FLOOD} IKE_SA_INITs, cookies echoed)`,
    'SAs',
    (r) => r.halfOpenFromAttacker,
  ),
  figure('ike-cookie-flood-refused-per-source', 'IKE_SA_INITs', (r) => r.refused),
  figure('ike-cookie-flood-legit-attach (in process, both sides)', 'ms', (r) => r.attachMs),
];

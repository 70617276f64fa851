/**
 * The NAT forgets the UE (`conntrack -F` on the gateway) and the binding refresh brings it back:
 *   - the HA keeps tunnelling to the public address and port of the last BU (RFC 5555 §2.3.2.2: it "MUST store the
 *     source UDP port numbers"; §4.2), which the NAT no longer maps: downlink to both HoAs is lost. The lost packets
 *     leave an unreplied inbound entry on the old public port, so the next mapping cannot reuse it;
 *   - the next refresh BU, which is also the NAT keepalive (RFC 5555 §4.3, a mapping made afresh "is likely to be
 *     assigned a different port"), leaves through a new mapping; the HA tunnels to the port that BU came from
 *     (§4.2, §4.5.1) and the BA reaches the UE through it; downlink works again.
 * The flush happens right after a refresh, so the loss is observed a whole refresh interval before the next BU.
 */
import assert from 'node:assert/strict';
import { eventsOf, haBindings } from './attach-checks.ts';
import type { LabRun } from './lab-run.ts';
import type { NodeProcess } from './node-process.ts';
import { ping } from './ping.ts';
import { flushNatConntrack, natConntrack, natMapping } from './topology.ts';
import type { HomeAddresses } from './user-traffic-steps.ts';

const DSMIP_PORT = 4191; // RFC 5555 §4.1

const refreshes = (ue: NodeProcess): number =>
  eventsOf(ue.lines(), 'registered').filter((e) => e.refresh === true).length;

async function nextRefresh(ue: NodeProcess, after: number): Promise<void> {
  await ue.waitFor(`binding refresh ${after + 1}`, () => (refreshes(ue) > after ? true : undefined), 15_000);
}

export async function checkRecoveryAfterConntrackFlush(r: LabRun, hoa: HomeAddresses): Promise<void> {
  const { lab } = r;
  const ue = r.ue!;
  await nextRefresh(ue, refreshes(ue));
  const refreshed = refreshes(ue);
  const mapping = natMapping(lab, DSMIP_PORT);
  const [binding] = await haBindings(r);
  assert.ok(mapping && binding, 'a mapping and a binding before the flush');
  assert.equal(binding.tunnel.destinationPort, mapping.port);

  flushNatConntrack(lab);
  const lost = await Promise.all([
    ping(lab.ns.cn, hoa.ipv4, { count: 2, waitSec: 1, intervalSec: 0.5 }),
    ping(lab.ns.cn, hoa.ipv6, { count: 2, waitSec: 1, intervalSec: 0.5 }),
  ]);
  assert.equal(refreshes(ue), refreshed, 'the pings ran before the next refresh (a slow machine would break that)');
  assert.deepEqual(
    lost.map((p) => [p.transmitted, p.received]),
    [
      [2, 0],
      [2, 0],
    ],
    'downlink is lost while the NAT has no mapping',
  );
  assert.equal(natMapping(lab, DSMIP_PORT), undefined, 'no mapping from the UE until it sends again');
  const inbound = `src=${lab.haIpv4} dst=${lab.gwWanIpv4} sport=${DSMIP_PORT} dport=${mapping.port} [UNREPLIED]`;
  assert.ok(
    natConntrack(lab).some((l) => l.includes(inbound)),
    'the lost packets left an inbound entry on the old public port',
  );
  assert.deepEqual(await haBindings(r), [binding], 'the HA changes nothing without a BU');

  await nextRefresh(ue, refreshed);
  const renewed = natMapping(lab, DSMIP_PORT);
  assert.ok(renewed, 'the refresh BU made a new mapping');
  assert.notEqual(renewed.port, mapping.port, 'the old public port is taken');
  assert.deepEqual(
    await haBindings(r),
    [{ ...binding, tunnel: { ...binding.tunnel, destinationPort: renewed.port } }],
    'the HA tunnels to the port of the latest BU (RFC 5555 §4.2)',
  );
  const back = await Promise.all([ping(lab.ns.cn, hoa.ipv4), ping(lab.ns.cn, hoa.ipv6)]);
  for (const p of back) assert.deepEqual([p.transmitted, p.received, p.errors], [3, 3, []], p.output);
}

/**
 * The data SA of RFC 5555 §5.2.2 end to end across the real NAT, with `ike.protectData`: `dsmip ha` and `dsmip ue` in
 * namespaces (lab-run.ts), pings with the ordinary tool at both ends.
 *   - after the attach the UE asks for the data SA; through the NAT it is ESP in UDP 4500 (RFC 3948), and the pings
 *     both ways go through it: the HA's data SA counters show every packet opened and sealed;
 *   - conntrack flush: the NAT forgets the UE's 4500 mapping; the HA's ESP to the old public port is lost (and leaves
 *     an inbound entry there, so the next mapping gets another port); the UE's next ESP comes from a new port, and
 *     the HA sends to where that authentic packet came from (RFC 7296 §2.23): the pings succeed again.
 * Needs root (namespaces, nftables, conntrack). On failure: both nodes' logs, conntrack and the capture.
 */
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { attachAndCheck, terminateAndCheck } from './attach-checks.ts';
import { IPV4_HOA_POOL_FIRST } from './lab-files.ts';
import { type LabRun, startLabRun } from './lab-run.ts';
import { ping } from './ping.ts';
import { flushNatConntrack, natConntrack } from './topology.ts';
import { checkPingsBothWays, type HomeAddresses } from './user-traffic-steps.ts';

/** Long bindings: no refresh BU (and no new 4191 mapping) during the steps. */
const TIMERS = { lifetime: '120s', refreshMargin: '20s' };
const NAT_T_PORT = 4500; // RFC 3948 §2.1, the HA's side

interface DataSaStatus {
  readonly sas: readonly { udpEncapsulated: boolean; peer?: string; sequenceOut: number }[];
  readonly counters: { opened: number; drops: Record<string, number> };
}

async function dataSas(r: LabRun): Promise<DataSaStatus> {
  return (JSON.parse(await r.haHttp('/status')) as { dataSas: DataSaStatus }).dataSas;
}

/** The NAT's public port for the UE's UDP to the HA's 4500, if it has a mapping. */
function natTMapping(r: LabRun): number | undefined {
  const tuple = /src=(\S+) dst=(\S+) sport=(\d+) dport=(\d+)/g;
  for (const line of natConntrack(r.lab)) {
    const [orig, reply] = [...line.matchAll(tuple)];
    if (orig?.[1] === r.lab.ueAddress && Number(orig[4]) === NAT_T_PORT && reply) return Number(reply[4]);
  }
  return undefined;
}

async function waitForDataSa(r: LabRun): Promise<DataSaStatus> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const s = await dataSas(r);
    if (s.sas.length > 0) return s;
    if (Date.now() > deadline) throw new Error(`no data SA at the HA: ${JSON.stringify(s)}`);
    await new Promise((res) => setTimeout(res, 200));
  }
}

test('the data SA across a real NAT: ESP in UDP 4500 both ways, and after a conntrack flush the new port', async (t: TestContext) => {
  const run = await startLabRun('ipv4-nat', 'ds', TIMERS, {}, { protectData: true });
  let reported = false;
  const report = async (): Promise<void> => {
    if (reported) return;
    reported = true;
    console.error(await run.report());
  };
  const step = (name: string, body: () => Promise<void>): Promise<void> =>
    t.test(name, async () => {
      try {
        await body();
      } catch (e) {
        await report();
        throw e;
      }
    });
  try {
    const attached = await attachAndCheck(run);
    const hoa: HomeAddresses = { ipv6: String(attached.ipv6HomeAddress), ipv4: IPV4_HOA_POOL_FIRST };
    await step('the UE gets a UDP-encapsulated data SA and the pings go through it', async () => {
      const before = await waitForDataSa(run);
      assert.equal(before.sas[0]!.udpEncapsulated, true, 'a NAT: ESP in UDP (RFC 5555 §5.2.2 second format)');
      await checkPingsBothWays(run, hoa);
      const after = await dataSas(run);
      // 6 echo requests from the UE and 6 replies to the CN's requests came in as ESP; as many went out sealed.
      assert.ok(after.counters.opened - before.counters.opened >= 12, JSON.stringify(after));
      assert.ok(after.sas[0]!.sequenceOut - before.sas[0]!.sequenceOut >= 12, JSON.stringify(after));
    });
    await step('conntrack flush: the HA follows the UE to its new public port', async () => {
      const old = natTMapping(run);
      assert.ok(old !== undefined, 'a 4500 mapping before the flush');
      assert.equal((await dataSas(run)).sas[0]!.peer?.endsWith(`:${old}`), true);
      flushNatConntrack(run.lab);
      const lost = await ping(run.lab.ns.cn, hoa.ipv6, { count: 2, waitSec: 1, intervalSec: 0.5 });
      assert.deepEqual([lost.transmitted, lost.received], [2, 0], 'sealed to a port the NAT no longer maps');
      // The UE's own traffic makes the new mapping; the first authentic ESP from it moves the HA there.
      const up = await ping(run.lab.ns.ue, run.lab.cnIpv6, { from: hoa.ipv6 });
      assert.deepEqual([up.transmitted, up.received], [3, 3], up.output);
      const renewed = natTMapping(run);
      assert.ok(renewed !== undefined && renewed !== old, `a new public port: ${old} → ${renewed}`);
      assert.equal((await dataSas(run)).sas[0]!.peer?.endsWith(`:${renewed}`), true);
      const back = await Promise.all([ping(run.lab.ns.cn, hoa.ipv6), ping(run.lab.ns.cn, hoa.ipv4)]);
      for (const p of back) assert.deepEqual([p.transmitted, p.received, p.errors], [3, 3, []], p.output);
    });
    await step('SIGTERM deregisters and deletes the IKE SA', async () => {
      await terminateAndCheck(run);
    });
  } catch (e) {
    await report();
    throw e;
  } finally {
    await run.close();
  }
});

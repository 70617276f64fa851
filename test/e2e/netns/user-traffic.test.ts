/**
 * User traffic end to end across the real NAT (TS 24.303 §5.1.2.4 / §5.1.3.2 last paragraphs; RFC 5555 §4.1), with
 * `dsmip ha` and `dsmip ue` in namespaces (lab-run.ts) and nothing but ordinary tools at the ends:
 *   - ping: the correspondent node pings both home addresses, the UE pings it from both; every reply comes back and
 *     the HA's data-plane metrics count the packets both ways (user-traffic-steps.ts);
 *   - MTU: the HA is told its path to care-of addresses carries 1400 bytes (`ha.tun.linkMtu`), so a UDP tunnel carries
 *     1372 (RFC 5555 §4.1: 28 bytes of IPv4 + UDP). A packet above the TUN devices' 1400 is refused by the HA's
 *     kernel, one between 1373 and 1400 by the HA's forwarder: either way the sender gets Fragmentation Needed
 *     (RFC 1191 §4) or Packet Too Big (RFC 4443 §3.2), never silence (RFC 2473 §7.1); without DF the HA fragments
 *     the IPv4 datagram (RFC 791 §3.2) and the IPv6 sender fragments to the learnt path MTU (RFC 8201 §4);
 *   - iperf3: a TCP transfer over the IPv6 HoA (uplink) and over the IPv4 HoA (downlink);
 *   - conntrack flush: right after a binding refresh the NAT forgets every mapping; downlink is lost (the HA keeps
 *     tunnelling to the port of the last BU, RFC 5555 §4.2, which the NAT no longer maps, §4.3) until the next
 *     refresh, whose BU gets a new public port that the HA adopts; then the pings succeed again and SIGTERM still
 *     deregisters and deletes the IKE SA.
 * Needs root (namespaces, nftables, conntrack). On failure: both nodes' logs, conntrack and the signalling on the wire.
 */
import { type TestContext, test } from 'node:test';
import { attachAndCheck, terminateAndCheck } from './attach-checks.ts';
import { IPV4_HOA_POOL_FIRST } from './lab-files.ts';
import { type LabRun, startLabRun } from './lab-run.ts';
import { checkRecoveryAfterConntrackFlush } from './nat-recovery.ts';
import {
  checkMtuAnswers,
  checkPingsBothWays,
  checkTcpTransfers,
  HA_LINK_MTU,
  type HomeAddresses,
  signallingSummary,
} from './user-traffic-steps.ts';

/** 12 s bindings refreshed 4 s before they end: a BU every 8 s, the window the flush step needs. */
const TIMERS = { lifetime: '12s', refreshMargin: '4s' };

test('user traffic across a real NAT: pings both HoAs, MTU answers, iperf3 TCP, recovery after a conntrack flush', async (t: TestContext) => {
  const run: LabRun = await startLabRun('ipv4-nat', 'ut', TIMERS, { tunLinkMtu: HA_LINK_MTU });
  let reported = false;
  /** At the first failure, while the lab still shows it. The capture holds the TCP transfers: only signalling. */
  const report = async (): Promise<void> => {
    if (reported) return;
    reported = true;
    console.error(await run.report([]));
    console.error(`==== signalling and ICMP on the HA's WAN link\n${await signallingSummary(run)}`);
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
    await step('the CN pings both HoAs and the UE pings the CN from both', () => checkPingsBothWays(run, hoa));
    await step('too big for the tunnel: Fragmentation Needed / Packet Too Big', () => checkMtuAnswers(run, hoa));
    await step('iperf3 TCP over both HoAs', async () => {
      for (const line of await checkTcpTransfers(run, hoa)) t.diagnostic(line);
    });
    await step('conntrack flush: lost until the next refresh, then a new port', () =>
      checkRecoveryAfterConntrackFlush(run, hoa),
    );
    await step('SIGTERM deregisters through the new mapping', async () => {
      await terminateAndCheck(run);
    });
  } catch (e) {
    await report();
    throw e;
  } finally {
    await run.close();
  }
});

/**
 * End to end without a NAT, on raw IP sockets (the native addon, src/node/net/native.ts): the same processes and
 * checks as nat-attach.test.ts (attach-checks.ts, capture-checks.ts), with the framing that only raw sockets give.
 *   - IPv4 access, routed: the BU in UDP with F = 0 (TS 24.303 §5.1.2.4), the seed's BA in plain IPv4, protocol 41
 *     (TS 24.303 §5.1.3.2), no NAT Detection option; tunnelled data in IP-in-IP, protocols 41 and 4 (RFC 5555 §4.1).
 *   - IPv6 access: IKEv2 over IPv6, the BU from the care-of address with the Home Address option and the
 *     Alternate Care-of Address option (RFC 6275 §6.3, RFC 4877 §4.3), the BA with the type 2 routing header
 *     (RFC 6275 §6.4); data in IPv6 (RFC 6275 §10.4) and IPv4 in IPv6 (RFC 5555 §4.4.1).
 * Needs root and the addon: without them the test fails saying which is missing (`npm run build:native`).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nativeAvailability } from '../../../src/node/net/native.ts';
import { hasRawSocketPrivilege } from '../../../src/node/net/raw-sockets.ts';
import {
  attachAndCheck,
  checkUserPlane,
  eventsOf,
  firstBindingAck,
  haBindings,
  refreshAndCheck,
  terminateAndCheck,
} from './attach-checks.ts';
import { checkCapture, checkUserPlaneInCapture, type SignallingInCapture } from './capture-checks.ts';
import { type DecodedPacket, decodeCapture } from './capture-decode.ts';
import { IPV4_HOA_POOL_FIRST } from './lab-files.ts';
import { type LabRun, startLabRun } from './lab-run.ts';
import type { LogLine } from './node-process.ts';
import type { AccessKind } from './topology.ts';

const PROTOCOL_IPV4 = '4'; // IP-in-IP
const PROTOCOL_IPV6 = '41';
const IKE_PORT = '500'; // RFC 7296 §2: no NAT, so no move to 4500 (§2.23)
const DSMIP_PORT = '4191'; // RFC 5555 §4.1
const DHCPV6_INFORMATION_REQUEST = '11'; // RFC 8415 §7.3

function requireRawSockets(): void {
  const native = nativeAvailability();
  assert.ok(native.available, `raw IP sockets need the native addon: ${native.available ? '' : native.reason}`);
  assert.ok(hasRawSocketPrivilege(), 'raw IP sockets need root or CAP_NET_RAW');
}

interface Scenario {
  readonly access: AccessKind;
  readonly tag: string;
  /** The binding's tunnel kind at the HA (src/mip/types.ts TunnelRoute). */
  readonly tunnelKind: 'ipv4' | 'ipv6';
  /** The framing checks particular to this access, given the capture and the UE's IPv6 HoA. */
  readonly checkFraming: (packets: readonly DecodedPacket[], s: SignallingInCapture, run: LabRun, hoa: string) => void;
}

/** Attach, refresh, SIGTERM and the capture, as in the NAT case, then the scenario's own framing. */
async function runDirect(scenario: Scenario): Promise<void> {
  requireRawSockets();
  const run = await startLabRun(scenario.access, scenario.tag, { lifetime: '8s', refreshMargin: '4s' });
  let packets: DecodedPacket[] | undefined;
  try {
    const attached = await attachAndCheck(run);
    await checkUserPlane(run, attached);
    const ue = run.ue!;
    assert.ok(!eventsOf(ue.lines(), 'nat-detected').some((e) => e.localBehindNat === true), 'no NAT (RFC 7296 §2.23)');
    // No NAT and no F flag: no NAT Detection option under the seed's framing (src/mip/care-of.ts).
    assert.equal(
      firstBindingAck(ue)?.options.find((o) => o.kind === 'nat-detection'),
      undefined,
    );
    const [binding] = await haBindings(run);
    assert.ok(binding);
    assert.deepEqual(
      [binding.careOf, binding.natDetected, binding.ipv4HomeAddress, binding.tunnel.kind, binding.tunnel.destination],
      [run.lab.ueAddress, false, IPV4_HOA_POOL_FIRST, scenario.tunnelKind, run.lab.ueAddress],
    );
    await refreshAndCheck(run, binding);
    const ueLines: LogLine[] = await terminateAndCheck(run);
    await run.capture.stop();
    packets = await decodeCapture(run.capture.file, run.keyDir);
    const signalling = checkCapture(packets, ueLines);
    const ike = packets.filter((p) => p.has('isakmp.ispi'));
    assert.ok(ike.length >= 8 && ike.every((p) => p.all('udp.port').includes(IKE_PORT)), 'IKE stays on UDP 500');
    const hoa6 = String(attached.ipv6HomeAddress);
    checkUserPlaneInCapture(packets, hoa6);
    scenario.checkFraming(packets, signalling, run, hoa6);
  } catch (e) {
    console.error(await run.report(packets));
    throw e;
  } finally {
    await run.close();
  }
}

test('IPv4 access without NAT: BU in UDP with F = 0, the BA in plain IPv4 (protocol 41), data in IP-in-IP', async () => {
  await runDirect({
    access: 'ipv4',
    tag: 'v4',
    tunnelKind: 'ipv4',
    checkFraming: (packets, { bus, bas }, run) => {
      for (const p of bus) {
        assert.deepEqual([p.first('ip.src'), p.all('udp.port')], [run.lab.ueAddress, [DSMIP_PORT, DSMIP_PORT]]);
        assert.equal(p.first('mip6.bu.f_flag'), '0', `frame ${p.number}`);
      }
      for (const p of bas) {
        assert.deepEqual(
          [p.first('ip.proto'), p.first('ip.dst'), p.has('udp')],
          [PROTOCOL_IPV6, run.lab.ueAddress, false],
          `frame ${p.number}: protocol 41 (TS 24.303 §5.1.3.2)`,
        );
      }
      const dhcpv4 = packets.find((p) => p.has('dhcp') && p.all('ip.src').includes(IPV4_HOA_POOL_FIRST));
      assert.deepEqual(dhcpv4?.all('ip.proto')[0], PROTOCOL_IPV4, 'DHCPINFORM in IPv4-in-IPv4');
      const dhcpv6 = packets.find((p) => p.first('dhcpv6.msgtype') === DHCPV6_INFORMATION_REQUEST);
      assert.equal(dhcpv6?.first('ip.proto'), PROTOCOL_IPV6, 'Information-request in IPv6-in-IPv4');
    },
  });
});

test('IPv6 access: IKEv2 over IPv6, BU with the Home Address option, BA with the type 2 routing header', async () => {
  await runDirect({
    access: 'ipv6',
    tag: 'v6',
    tunnelKind: 'ipv6',
    checkFraming: (packets, { bus, bas }, run, hoa) => {
      for (const p of bus) {
        assert.deepEqual(
          [p.first('ipv6.src'), p.first('ipv6.dst'), p.first('ipv6.opt.mipv6.home_address'), p.has('udp')],
          [run.lab.ueAddress, run.lab.haIpv6, hoa, false],
          `frame ${p.number}: Home Address option (RFC 6275 §6.3)`,
        );
      }
      assert.equal(bus[0]?.first('mip6.acoa.acoa'), run.lab.ueAddress, 'Alternate CoA option (RFC 4877 §4.3)');
      for (const p of bas) {
        assert.deepEqual(
          [p.first('ipv6.src'), p.first('ipv6.dst'), p.first('ipv6.routing.mipv6.home_address')],
          [run.lab.haIpv6, run.lab.ueAddress, hoa],
          `frame ${p.number}: type 2 routing header (RFC 6275 §6.4)`,
        );
      }
      const dhcpv4 = packets.find((p) => p.has('dhcp') && p.all('ip.src').includes(IPV4_HOA_POOL_FIRST));
      assert.equal(dhcpv4?.first('ipv6.src'), run.lab.ueAddress, 'DHCPINFORM in IPv4-in-IPv6 (RFC 5555 §4.4.1)');
      const dhcpv6 = packets.find((p) => p.first('dhcpv6.msgtype') === DHCPV6_INFORMATION_REQUEST);
      assert.deepEqual(
        dhcpv6?.all('ipv6.src'),
        [run.lab.ueAddress, hoa],
        'Information-request from the HoA in IPv6-in-IPv6 (RFC 6275 §10.4)',
      );
    },
  });
});

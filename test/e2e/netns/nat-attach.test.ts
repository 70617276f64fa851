/**
 * End to end across a real NAT: `dsmip ha` and `dsmip ue` as separate processes in network namespaces, the UE on an
 * IPv4-only link behind nftables masquerading into a port range (topology.ts), dnsmasq answering the HA-APN.
 *   - discovery by DNS, IKEv2 + EAP-AKA with the embedded AAA, NAT seen by IKE (RFC 7296 §2.23) and by the HA: the
 *     BA comes back in UDP to the NAT's public port with the NAT Detection option, F set (RFC 5555 §3.2.2, §4.2);
 *     IPv4 HoA, DHCP through the tunnel, user traffic from both HoAs to the correspondent node (attach-checks.ts);
 *   - a refresh within the test (8 s lifetime, 4 s margin) keeps the NAT mapping: same conntrack entry, same CoA
 *     and tunnel port in the HA's binding;
 *   - the capture on the HA's WAN link decodes and decrypts with the UE's key log alone (capture-checks.ts);
 *   - SIGTERM: the UE deregisters and exits 0, then the HA exits 0.
 * Needs root (namespaces, nftables, dumpcap). On failure the logs, conntrack and a packet summary are printed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nativeAvailability } from '../../../src/node/net/native.ts';
import { hasRawSocketPrivilege } from '../../../src/node/net/raw-sockets.ts';
import { NATKATIMEOUT_SEC } from '../../../src/wire/mh/constants.ts';
import {
  attachAndCheck,
  checkUserPlane,
  eventsOf,
  firstBindingAck,
  haBindings,
  refreshAndCheck,
  terminateAndCheck,
} from './attach-checks.ts';
import { checkCapture, checkUserPlaneInCapture } from './capture-checks.ts';
import { type DecodedPacket, decodeCapture } from './capture-decode.ts';
import { IPV4_HOA_POOL_FIRST } from './lab-files.ts';
import { startLabRun } from './lab-run.ts';
import { natMapping } from './topology.ts';

const DSMIP_PORT = 4191; // RFC 5555 §4.1
const IKE_NAT_T_PORT = '4500'; // RFC 7296 §2.23

test('behind a real NAT: DNS discovery, EAP-AKA, BA in UDP with NAT detection, refresh keeps the mapping, SIGTERM deregisters', async () => {
  const run = await startLabRun('ipv4-nat', 'nat', { lifetime: '8s', refreshMargin: '4s' });
  let packets: DecodedPacket[] | undefined;
  try {
    const attached = await attachAndCheck(run);
    await checkUserPlane(run, attached);
    const ue = run.ue!;
    const [nat] = eventsOf(ue.lines(), 'nat-detected');
    assert.deepEqual([nat?.localBehindNat, nat?.remoteBehindNat], [true, false], 'NAT-D (RFC 7296 §2.23)');
    assert.deepEqual(
      firstBindingAck(ue)?.options.find((o) => o.kind === 'nat-detection'),
      { kind: 'nat-detection', udpEncapsulationRequired: true, refreshTimeSec: NATKATIMEOUT_SEC },
      'NAT Detection option, F set, refresh NATKATIMEOUT (RFC 5555 §3.2.2, §6)',
    );

    // The HA's binding: the private CoA from the IPv4 CoA option, the tunnel to the NAT's public address and port.
    const mapping = natMapping(run.lab, DSMIP_PORT);
    assert.ok(mapping, 'conntrack has the mapping of UDP 4191');
    assert.equal(mapping.address, run.lab.gwWanIpv4);
    assert.ok(mapping.port >= run.lab.natPorts.first && mapping.port <= run.lab.natPorts.last, `${mapping.port}`);
    const [binding] = await haBindings(run);
    assert.ok(binding);
    assert.deepEqual(
      [binding.careOf, binding.natDetected, binding.ipv4HomeAddress],
      [run.lab.ueAddress, true, IPV4_HOA_POOL_FIRST],
    );
    const { kind, destination, destinationPort } = binding.tunnel;
    assert.deepEqual([kind, destination, destinationPort], ['udp4', mapping.address, mapping.port]);

    await refreshAndCheck(run, binding);
    assert.deepEqual(natMapping(run.lab, DSMIP_PORT), mapping, 'the refresh kept the NAT mapping');

    const ueLines = await terminateAndCheck(run);
    await run.capture.stop();
    packets = await decodeCapture(run.capture.file, run.keyDir);
    const { bus, bas } = checkCapture(packets, ueLines);

    // NAT-T: everything after IKE_SA_INIT on UDP 4500, from the NAT's rewritten ports.
    const ike = packets.filter((p) => p.has('isakmp.ispi'));
    assert.ok(ike.slice(2).every((p) => p.all('udp.port').includes(IKE_NAT_T_PORT)));
    // Every BU and BA in UDP between 4191 at the HA and the NAT's public port (RFC 5555 §4.1, §4.2).
    for (const p of [...bus, ...bas]) {
      assert.deepEqual(p.all('udp.port').sort(), [String(mapping.port), String(DSMIP_PORT)].sort(), `${p.number}`);
    }
    assert.ok(bus.every((p) => p.first('ip.src') === run.lab.gwWanIpv4));
    assert.equal(bus[0]?.first('mip6.ipv4coa.addr'), run.lab.ueAddress, 'the CoA option carries the private address');
    for (const p of bas.slice(0, -1)) {
      assert.deepEqual([p.first('mip6.natd.f_flag'), p.first('mip6.ba.lifetime')], ['1', '2'], `frame ${p.number}`);
    }
    // F in the BU: 0 when the UE could receive the seed's plain-IPv4 BA (TS 24.303 §5.1.2.4), else 1 (RFC 5555 §3.1.3).
    const raw = hasRawSocketPrivilege() && nativeAvailability().available;
    assert.equal(bus[0]?.first('mip6.bu.f_flag'), raw ? '0' : '1');
    // DHCP through the tunnel: DHCPINFORM from the IPv4 HoA and a DHCPv6 Information-request, both in UDP 4191.
    const inTunnel = packets.filter((p) => p.all('udp.port').includes(String(DSMIP_PORT)));
    assert.ok(inTunnel.some((p) => p.has('dhcp') && p.all('ip.src').includes(IPV4_HOA_POOL_FIRST)));
    assert.ok(inTunnel.some((p) => p.first('dhcpv6.msgtype') === '11'));
    // User traffic in UDP 4191 too (RFC 5555 §4.1): IPv4 directly, IPv6 directly, between the NAT's port and 4191.
    for (const p of checkUserPlaneInCapture(packets, String(attached.ipv6HomeAddress))) {
      assert.ok(p.all('udp.port').includes(String(DSMIP_PORT)), `frame ${p.number}`);
    }
  } catch (e) {
    console.error(await run.report(packets));
    throw e;
  } finally {
    await run.close();
  }
});

/**
 * The steps of user-traffic.test.ts that need no NAT trickery: pings both ways on both families, the ICMP answers to
 * packets too big for the tunnel, and iperf3 TCP transfers; plus a short listing of the capture for failure reports.
 * Sizes: the TUN devices (`ha.tun.mtu`, `ue.tun.mtu`) keep their 1400-byte default; the HA's `tun.linkMtu` is set
 * to 1400 so its UDP tunnel carries 1400 - 28 = 1372 bytes (src/node/tun/tunnel-mtu.ts, RFC 5555 §4.1).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { haDataPlane, since } from './ha-data-plane.ts';
import { iperfFromUe, startIperfServer } from './iperf.ts';
import type { LabRun } from './lab-run.ts';
import { type PingResult, ping } from './ping.ts';

const run = promisify(execFile);

export interface HomeAddresses {
  readonly ipv6: string;
  readonly ipv4: string;
}

/** `ha.tun.linkMtu` in this test: the path MTU the HA assumes towards care-of addresses. */
export const HA_LINK_MTU = 1400;
/** The TUN devices' MTU on both nodes (the config default, src/config/common-schema.ts). */
const TUN_MTU = 1400;
const UDP_TUNNEL_OVERHEAD = 20 + 8; // RFC 5555 §4.1: an IPv4 header and a UDP header, nothing else
const UDP_TUNNEL_MTU = HA_LINK_MTU - UDP_TUNNEL_OVERHEAD;
/** What ping adds to its `-s` data: IPv4 header + ICMP echo header, IPv6 header + ICMPv6 echo header. */
const PING_OVERHEAD = { ipv4: 20 + 8, ipv6: 40 + 8 } as const;
const PING_BYTES = { ipv4: 56 + PING_OVERHEAD.ipv4, ipv6: 56 + PING_OVERHEAD.ipv6 }; // the default 56 data bytes

const allAnswered = (r: PingResult, count: number): void =>
  assert.deepEqual([r.transmitted, r.received, r.errors], [count, count, []], r.output);

/**
 * The CN pings both HoAs and the UE pings the CN from both (`-I`): three replies each; the HA's forwarder counts
 * the 12 requests and replies each way (inner packets, RFC 5555 §4.1), and their bytes.
 */
export async function checkPingsBothWays(r: LabRun, hoa: HomeAddresses): Promise<void> {
  const { cn, ue } = r.lab.ns;
  const before = await haDataPlane(r);
  const results = await Promise.all([
    ping(cn, hoa.ipv6),
    ping(cn, hoa.ipv4),
    ping(ue, r.lab.cnIpv6, { from: hoa.ipv6 }),
    ping(ue, r.lab.cnIpv4, { from: hoa.ipv4 }),
  ]);
  for (const result of results) allAnswered(result, 3);
  const d = since(await haDataPlane(r), before);
  const bytes = 6 * PING_BYTES.ipv4 + 6 * PING_BYTES.ipv6;
  assert.ok(d.downlinkPackets >= 12 && d.uplinkPackets >= 12, `12 packets each way: ${JSON.stringify(d)}`);
  assert.ok(d.downlinkBytes >= bytes && d.uplinkBytes >= bytes, `${bytes} bytes each way: ${JSON.stringify(d)}`);
}

/** The one ICMP error a single DF ping got back, as [source, kind, MTU]. */
function icmpAnswer(r: PingResult): [string | undefined, string | undefined, number | undefined] {
  assert.deepEqual([r.received, r.errors.length], [0, 1], r.output);
  const [e] = r.errors;
  const kind = e && /Frag needed/.test(e.text) ? 'frag-needed' : e && /Packet too big/.test(e.text) ? 'ptb' : e?.text;
  return [e?.source, kind, e?.mtu];
}

/**
 * From the CN, per family: a packet above the TUN device's MTU with DF (IPv4) or no source fragmentation (IPv6)
 * first, which the HA's kernel refuses at its device, answering from its core-side address; then one that fits the
 * device but not the UDP tunnel, which the HA's forwarder refuses (ICMPv6 from the HA's address, ICMPv4 from the
 * destination: docs/spec-choices.md DATA-1). The sender caches each MTU it is told (RFC 1191 §6.3, RFC 8201 §4),
 * hence the order: IPv4 without DF goes before the tunnel-sized DF probe, so that it reaches the HA whole and the
 * HA splits it (RFC 791 §3.2); IPv6 without it goes after, and the CN fragments to the MTU it learnt (RFC 8200 §5).
 */
export async function checkMtuAnswers(r: LabRun, hoa: HomeAddresses): Promise<void> {
  const { cn } = r.lab.ns;
  const before = await haDataPlane(r);
  const dfSet = { count: 1, waitSec: 2, pmtuDiscovery: 'do' } as const;
  const dfClear = { count: 2, pmtuDiscovery: 'dont' } as const;
  // `-s` for a packet 8 bytes over each limit.
  const aboveDevice = (family: 'ipv4' | 'ipv6') => TUN_MTU + 8 - PING_OVERHEAD[family];
  const aboveTunnel = (family: 'ipv4' | 'ipv6') => UDP_TUNNEL_MTU + 8 - PING_OVERHEAD[family];
  const v4 = async () => {
    const device = icmpAnswer(await ping(cn, hoa.ipv4, { ...dfSet, size: aboveDevice('ipv4') }));
    const fragmented = await ping(cn, hoa.ipv4, { ...dfClear, size: aboveTunnel('ipv4') });
    const tunnel = icmpAnswer(await ping(cn, hoa.ipv4, { ...dfSet, size: aboveTunnel('ipv4') }));
    return { device, tunnel, fragmented };
  };
  const v6 = async () => {
    const device = icmpAnswer(await ping(cn, hoa.ipv6, { ...dfSet, size: aboveDevice('ipv6') }));
    const tunnel = icmpAnswer(await ping(cn, hoa.ipv6, { ...dfSet, size: aboveTunnel('ipv6') }));
    const fragmented = await ping(cn, hoa.ipv6, { ...dfClear, size: aboveTunnel('ipv6') });
    return { device, tunnel, fragmented };
  };
  const [ipv4, ipv6] = await Promise.all([v4(), v6()]);
  // The HA's core-side addresses (topology.ts) for its kernel; the forwarder's sources as the comment above says.
  assert.deepEqual(ipv4.device, ['10.20.0.1', 'frag-needed', TUN_MTU], 'the HA kernel at its TUN device (RFC 1191 §4)');
  assert.deepEqual(ipv6.device, ['2001:db8:0:2::1', 'ptb', TUN_MTU], 'the HA kernel at its device (RFC 4443 §3.2)');
  assert.deepEqual(ipv4.tunnel, [hoa.ipv4, 'frag-needed', UDP_TUNNEL_MTU], 'the HA forwarder (RFC 2003 §5.1)');
  assert.deepEqual(ipv6.tunnel, [r.lab.haIpv6, 'ptb', UDP_TUNNEL_MTU], 'the HA forwarder (RFC 2473 §7.1)');
  allAnswered(ipv4.fragmented, 2);
  allAnswered(ipv6.fragmented, 2);
  const d = since(await haDataPlane(r), before);
  assert.deepEqual(
    [d.icmpErrors, d.oversizeDrops, d.fragmented],
    [2, 2, 2],
    'the forwarder answered the two tunnel-sized probes and split the two DF-clear IPv4 datagrams',
  );
}

const mbps = (bitsPerSecond: number): string => `${(bitsPerSecond / 1e6).toFixed(1)} Mbit/s`;

/**
 * iperf3 from the UE for 2 s: uplink from the IPv6 HoA to the CN's IPv6 address, downlink (`-R`) to the IPv4 HoA.
 * The receiver counts bytes and the HA's forwarder carried at least that many inner bytes in that direction.
 * Returns one line per transfer with the throughput.
 */
export async function checkTcpTransfers(r: LabRun, hoa: HomeAddresses): Promise<string[]> {
  const server = await startIperfServer(r.lab, r.dir);
  try {
    const before = await haDataPlane(r);
    const up = await iperfFromUe(r.lab, { server: r.lab.cnIpv6, bind: hoa.ipv6, seconds: 2, downlink: false });
    const middle = await haDataPlane(r);
    const down = await iperfFromUe(r.lab, { server: r.lab.cnIpv4, bind: hoa.ipv4, seconds: 2, downlink: true });
    const after = await haDataPlane(r);
    assert.ok(up.bytesReceived > 0, 'uplink TCP bytes received');
    assert.ok(down.bytesReceived > 0, 'downlink TCP bytes received');
    assert.ok(since(middle, before).uplinkBytes >= up.bytesReceived, 'the uplink transfer went through the HA');
    assert.ok(since(after, middle).downlinkBytes >= down.bytesReceived, 'the downlink transfer went through the HA');
    return [
      `iperf3 uplink over the IPv6 HoA: ${up.bytesReceived} bytes in ${up.seconds.toFixed(2)} s, ${mbps(up.bitsPerSecond)}, ${up.retransmits} retransmits`,
      `iperf3 downlink over the IPv4 HoA: ${down.bytesReceived} bytes in ${down.seconds.toFixed(2)} s, ${mbps(down.bitsPerSecond)}, ${down.retransmits} retransmits`,
    ];
  } finally {
    await server.stop();
  }
}

/** tshark's one-line summaries of the capture's signalling and ICMP (the TCP transfers would drown them). */
export async function signallingSummary(r: LabRun): Promise<string> {
  const filter = 'mipv6 || isakmp || icmp || icmpv6 || dns';
  try {
    const { stdout } = await run('tshark', ['-n', '-r', r.capture.file, '-d', 'udp.port==4191,ip', '-Y', filter], {
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, WIRESHARK_CONFIG_DIR: r.keyDir },
    });
    return stdout;
  } catch (e) {
    return `tshark failed: ${(e as Error).message}`;
  }
}

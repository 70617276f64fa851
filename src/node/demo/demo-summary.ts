/**
 * The block under the demo's ladder, from the UE's attach result: the HA and how it was found, the addresses, what
 * NAT detection found (RFC 7296 §2.23 for IKE, RFC 5555 §4.2 for the binding), the DNS servers of IKEv2 and DHCP,
 * the vendor options of DHCPv6 option 17 and DHCPv4 options 125 and 43, and the time of each phase.
 */
import type { AttachSummary, VendorOptionSummary } from '../../obs/ladder/render-summary.ts';
import { wrapText } from '../../obs/ladder/render-text.ts';
import type { PhaseTiming } from '../../obs/ladder/trace.ts';
import { NAT_REFRESH_TIME_NOT_NEEDED } from '../../wire/mh/constants.ts';
import type { AttachResult } from '../ue/ue-types.ts';

/** Notes are wrapped to fit 110 columns beside the summary's labels. */
const NOTE_WIDTH = 88;

function natText(r: AttachResult): string {
  if (r.atHome) return 'not looked for (at home: no binding)';
  const ike = r.ikeNatDetected ? 'IKEv2 NAT-D hashes differ' : 'IKEv2 NAT-D hashes match';
  const d = r.natDetection;
  if (!d) return `none seen (${ike})`;
  if (d.udpEncapsulationRequired && d.refreshTimeSec !== NAT_REFRESH_TIME_NOT_NEEDED) {
    return `NAT detected: ${ike}; BA NAT Detection F=1, keepalive every ${d.refreshTimeSec}s, tunnel in UDP 4191`;
  }
  if (d.udpEncapsulationRequired) return `none seen (${ike}); UDP encapsulation because F = 1 was asked for`;
  return `none seen (${ike}); BA NAT Detection F=0`;
}

function unique(list: readonly { toString(): string }[]): string[] {
  return [...new Set(list.map(String))];
}

export function vendorOptionsOf(r: AttachResult): VendorOptionSummary[] {
  const out: VendorOptionSummary[] = [];
  for (const v of r.dhcpv6?.vendorOptions ?? []) out.push({ source: 'DHCPv6 option 17', ...v });
  for (const v of r.dhcpv4?.viVendorOptions ?? []) out.push({ source: 'DHCPv4 option 125', ...v });
  return out;
}

/** The summary; `phases` are the attach phases on the trace's time scale. */
export function demoSummary(
  r: AttachResult,
  phases: readonly PhaseTiming[],
  detachMs: number | undefined,
  notes: readonly string[],
  /** Who authenticated the UE (the embedded AAA, or the `--aaa` server). */
  aaa?: string,
): AttachSummary {
  const how = r.homeAgent.name ? `${r.homeAgent.method} (${r.homeAgent.name})` : r.homeAgent.method;
  const extra: [string, string][] = [];
  if (aaa) extra.push(['AAA', aaa]);
  if (r.dhcpv6 && r.dhcpv6.domainSearchList.length > 0)
    extra.push(['Domain search', r.dhcpv6.domainSearchList.join(', ')]);
  if (r.dhcpv4?.vendorSpecific) extra.push(['DHCPv4 option 43', `${r.dhcpv4.vendorSpecific.data.length} bytes`]);
  if (detachMs !== undefined) {
    const what = r.atHome ? 'IKE SA deleted' : 'BU lifetime 0, BA, IKE SA deleted';
    extra.push(['Deregistration', `${detachMs.toFixed(1)} ms (${what})`]);
  }
  return {
    title: r.atHome ? 'Attach summary (at home: no binding)' : 'Attach summary',
    homeAgent: `${[r.homeAgent.ipv6, r.homeAgent.ipv4].filter((a) => a !== undefined).join(', ')}, found by ${how}`,
    careOfAddress: r.careOf,
    nat: natText(r),
    homePrefix: `${r.homePrefix.prefix}/${r.homePrefix.prefixLength}`,
    ipv6HomeAddress: r.ipv6HomeAddress,
    ...(r.ipv4HomeAddress ? { ipv4HomeAddress: r.ipv4HomeAddress } : {}),
    dnsServers: unique([
      ...r.dnsServers.ipv6,
      ...r.dnsServers.ipv4,
      ...(r.dhcpv6?.dnsServers ?? []),
      ...(r.dhcpv4?.dnsServers ?? []),
    ]),
    vendorOptions: vendorOptionsOf(r),
    phases,
    totalMs: r.totalMs,
    extra,
    notes: notes.flatMap((n) => wrapText(n, NOTE_WIDTH)),
  };
}

/**
 * Checks every lab scenario shares, read from what a user sees: the UE's JSON log and the HA's /status and /metrics.
 * An attach is: the HA found by DNS (TS 24.303 §5.1.2.1.2), EAP-AKA success (§5.1.2.2), the binding with an IPv4 HoA
 * (RFC 5555 §4.4.2), DHCPv6 and DHCPv4 through the tunnel (§5.1.2.4) with the 3GPP vendor options; then a refresh
 * before the lifetime ends (RFC 6275 §11.7.1) and, on SIGTERM, deregistration and exit 0.
 */
import assert from 'node:assert/strict';
import { HA_APN, IPV4_HOA_POOL_FIRST } from './lab-files.ts';
import type { LabRun } from './lab-run.ts';
import { type LogLine, lineWith, type NodeProcess } from './node-process.ts';
import { echoFromUe, echoSources } from './user-plane.ts';

export type LoggedEvent = Record<string, unknown> & { kind?: string };

/** The `event` objects of the log lines of this kind (the UE logs its core events as `{ event }`). */
export function eventsOf(lines: readonly LogLine[], kind: string): LoggedEvent[] {
  return lines.flatMap((l) => {
    const e = l.event as LoggedEvent | undefined;
    return e?.kind === kind ? [e] : [];
  });
}

/** A binding in the HA's /status (src/node/ha/binding-table.ts, addresses as text). */
export interface HaBinding {
  readonly homeAddress: string;
  readonly careOf: string;
  readonly natDetected: boolean;
  readonly ipv4HomeAddress?: string;
  readonly lifetimeSec: number;
  readonly tunnel: { readonly kind: string; readonly destination: string; readonly destinationPort?: number };
}

export async function haBindings(run: LabRun): Promise<HaBinding[]> {
  return (JSON.parse(await run.haHttp('/status')) as { bindings: HaBinding[] }).bindings;
}

/** Starts the UE and checks its attach from its log; returns the "attached" line. */
export async function attachAndCheck(run: LabRun): Promise<LogLine> {
  const ue = run.startUe();
  const attached = await ue.waitFor('"attached"', (l) => lineWith(l, 'attached'), 20_000);
  const lines = ue.lines();

  const [found] = eventsOf(lines, 'procedure-succeeded');
  const [ha] = (found?.homeAgents as { ipv6: string; ipv4: string; name: string }[] | undefined) ?? [];
  assert.deepEqual(
    [found?.procedure, ha?.ipv6, ha?.ipv4, ha?.name],
    ['dns', run.lab.haIpv6, run.lab.haIpv4, HA_APN],
    'the HA-APN resolved by dnsmasq',
  );
  assert.equal(eventsOf(lines, 'eap-success').length, 1);
  assert.equal(attached.ipv4HomeAddress, IPV4_HOA_POOL_FIRST);
  assert.deepEqual(
    eventsOf(lines, 'ipv4-hoa-assigned').map((e) => e.address),
    [IPV4_HOA_POOL_FIRST],
  );
  // DHCP through the tunnel from the HA's embedded servers: 3GPP vendor options (enterprise 10415).
  const v6 = lineWith(lines, 'dhcpv6-parameters')?.parameters as { vendorOptions: LoggedEvent[] } | undefined;
  const v4 = lineWith(lines, 'dhcpv4-parameters')?.parameters as { viVendorOptions: LoggedEvent[] } | undefined;
  assert.deepEqual(
    v6?.vendorOptions.map((o) => o.enterpriseNumber),
    [10415],
  );
  assert.deepEqual(
    v4?.viVendorOptions.map((o) => o.enterpriseNumber),
    [10415],
  );

  const metrics = await run.haHttp('/metrics');
  for (const m of [
    /^dsmip_bindings 1$/m,
    /^dsmip_attaches_total\{result="success"\} 1$/m,
    /^dsmip_dhcp_answers_total\{family="ipv6",mode="embedded"\} 1$/m,
    /^dsmip_dhcp_answers_total\{family="ipv4",mode="embedded"\} 1$/m,
  ]) {
    assert.match(metrics, m);
  }
  return attached;
}

/** The Binding Acknowledgement the UE logged first (debug level), as decoded by the UE. */
export function firstBindingAck(ue: NodeProcess): { options: LoggedEvent[] } | undefined {
  return ue.lines().find((l) => l.msg === 'binding-ack')?.message as { options: LoggedEvent[] } | undefined;
}

/**
 * User traffic both ways through the TUN devices: the UE's datagrams to the CN leave from its home addresses (the
 * kernel picks them for routes into the UE's device) and the CN's echoes come back to them through the HA.
 */
export async function checkUserPlane(run: LabRun, attached: LogLine): Promise<void> {
  const hoa6 = String(attached.ipv6HomeAddress);
  const v4 = await echoFromUe(run.lab, run.lab.cnIpv4);
  const v6 = await echoFromUe(run.lab, run.lab.cnIpv6);
  assert.deepEqual(v4, { local: IPV4_HOA_POOL_FIRST, reply: 'dsmip-e2e' }, 'IPv4 from the IPv4 HoA (RFC 5555 §4.4.2)');
  assert.deepEqual(v6, { local: hoa6, reply: 'dsmip-e2e' }, 'IPv6 from the IPv6 HoA');
  const heard = new Set(echoSources(run.echo));
  assert.deepEqual([...heard].sort(), [IPV4_HOA_POOL_FIRST, hoa6].sort(), 'the CN hears only home addresses');
}

/** Waits for the UE's first refresh and checks the HA still holds the same binding (no binding-updated event). */
export async function refreshAndCheck(run: LabRun, before: HaBinding): Promise<void> {
  const ue = run.ue!;
  await ue.waitFor('a binding refresh', (l) => eventsOf(l, 'registered').find((e) => e.refresh === true), 10_000);
  assert.deepEqual(await haBindings(run), [before], 'the refresh kept the CoA and the tunnel');
  assert.match(await run.haHttp('/metrics'), /^dsmip_ba_total\{status="0"\} [2-9]$/m);
}

/** SIGTERM to the UE (deregistration, IKE SA deleted, exit 0), then to the HA (exit 0); returns the UE's log. */
export async function terminateAndCheck(run: LabRun): Promise<LogLine[]> {
  const ue = run.ue!;
  assert.equal(await ue.terminate(), 0, 'the UE exits 0 after SIGTERM');
  const lines = ue.lines();
  assert.deepEqual(eventsOf(lines, 'deregistered').at(-1), { kind: 'deregistered', acknowledged: true });
  assert.equal(eventsOf(lines, 'ike-sa-deleted').length, 1);
  assert.deepEqual(await haBindings(run), []);
  assert.equal(await run.ha.terminate(), 0, 'the HA exits 0 after SIGTERM');
  return lines;
}

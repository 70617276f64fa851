/**
 * One attach to one HA (TS 24.303 §5.1.2.2–§5.1.2.4): IKEv2 with EAP-AKA from the care-of address, the tunnel with
 * the mobile node core on port Z, home link detection and the registration, then DHCP through the tunnel. A step
 * that fails closes what the attempt opened (the tunnel and the IKE SA's endpoint) before the error goes on.
 */
import type { UeConfig } from '../../config/load.ts';
import type { Dhcpv4Parameters } from '../../dhcp/v4-parameters.ts';
import type { Dhcpv6Parameters } from '../../dhcp/v6-parameters.ts';
import type { HomeAgentCandidate } from '../../discovery/candidates.ts';
import { EspSad } from '../../ipsec/sad.ts';
import type { Ipv6Prefix } from '../../mip/types.ts';
import type { RawIpTransport } from '../../net/transport.ts';
import { type IpAddress, Ipv4Address, type Ipv6Address } from '../../util/ip-address.ts';
import { MobilitySaRegistry } from '../mobility/sa-registry.ts';
import type { Listeners } from '../net/listeners.ts';
import type { RawSocketSupport } from '../net/raw-sockets.ts';
import type { NodeUdpTransport } from '../net/udp-transport.ts';
import { createUeTunnel } from './create-ue-tunnel.ts';
import type { IkeLinkOutcome } from './ike-link.ts';
import type { PhaseClock } from './phase-clock.ts';
import { accessInfoOf, type HomeAgentAddresses } from './ue-access.ts';
import type { AttachPhase, UeNodeEvent } from './ue-events.ts';
import type { MovingSession } from './ue-move.ts';
import { awaitDhcp, awaitRegistration, forceUdpReason } from './ue-steps.ts';
import type { UeTunnel } from './ue-tunnel.ts';
import type { AttachResult, UeTimeouts } from './ue-types.ts';

/** An attach: its IKE SA and tunnel (a move replaces the IKE SA), and the result (a move updates its CoA). */
export interface Session extends MovingSession<NodeUdpTransport> {
  readonly tunnel: UeTunnel;
  readonly homeAgent: HomeAgentAddresses;
  readonly registry: MobilitySaRegistry;
}

/** The HA to attach to, from where. */
export interface SessionTarget {
  readonly ha: HomeAgentCandidate;
  readonly homeAgent: HomeAgentAddresses;
  readonly careOf: IpAddress;
  /** Port Z, bound to `careOf` (RFC 5555 §4.1). */
  readonly socket: NodeUdpTransport;
  readonly clock: PhaseClock;
}

/** What an attach uses of the UE. */
export interface SessionIo {
  readonly config: UeConfig;
  readonly events: Listeners<UeNodeEvent>;
  readonly emit: (e: UeNodeEvent) => void;
  readonly timeouts: UeTimeouts;
  readonly random: (n: number) => Uint8Array;
  readonly rawSupport: RawSocketSupport;
  readonly raw: readonly RawIpTransport[];
  /** Aborted by `stop()`: every wait ends at once. */
  readonly signal: AbortSignal;
  /** Prefixes in the access link's Router Advertisements (TS 24.303 §5.1.2.3), given the home prefix. */
  routerPrefixes(homePrefix: Ipv6Prefix): readonly Ipv6Prefix[];
  phase(phase: AttachPhase): void;
  /** IKEv2 with EAP-AKA from `careOf` (ike-link.ts), its phases timed. */
  openIkeLink(s: Pick<Session, 'homeAgent' | 'registry'>, careOf: IpAddress): Promise<IkeLinkOutcome>;
  startDhcp(tunnel: UeTunnel, hoa: Ipv6Address, hoa4: Ipv4Address | undefined): { v6: boolean; v4: boolean };
  /** Default `createUeTunnel`. */
  readonly createTunnel?: typeof createUeTunnel;
}

export async function attachSession(t: SessionTarget, io: SessionIo): Promise<Session> {
  const { careOf, homeAgent } = t;
  const sad = new EspSad({ random: io.random });
  const registry = MobilitySaRegistry.forMobileNode(sad);
  io.phase('ike-sa-init');
  const ike = await io.openIkeLink({ homeAgent, registry }, careOf);
  io.emit({
    kind: 'home-address',
    homePrefix: ike.homePrefix,
    homeAddress: ike.homeAddress,
    dnsServers: ike.dnsServers,
  });
  io.phase('binding');
  // F applies to an IPv4 CoA only (RFC 5555 §3.1.3).
  const why = careOf instanceof Ipv4Address ? forceUdpReason(io.config, io.rawSupport) : undefined;
  if (why) io.emit({ kind: 'force-udp', reason: why });
  let tunnel: UeTunnel | undefined;
  try {
    tunnel = (io.createTunnel ?? createUeTunnel)(t.socket, {
      config: io.config,
      homeAgent,
      homePrefix: ike.homePrefix,
      homeAddress: ike.homeAddress,
      forceUdp: why !== undefined,
      sad,
      registry,
      random: io.random,
      emit: io.emit,
      raw: io.raw,
    });
    const attached = tunnel;
    attached.useIkeLink(ike.link);
    const access = accessInfoOf(careOf, io.routerPrefixes(ike.homePrefix));
    const reg = await awaitRegistration(io.events, () => attached.attach(access), io.timeouts.bindingMs, io.signal);
    let dhcp: { v6?: Dhcpv6Parameters; v4?: Dhcpv4Parameters } = {};
    if (!reg.atHome) {
      io.phase('dhcp');
      const start = () => io.startDhcp(attached, ike.homeAddress, reg.ipv4HomeAddress);
      dhcp = await awaitDhcp(io.events, start, io.timeouts.dhcpMs, io.signal);
    }
    t.clock.finish();
    const phases = t.clock.phases;
    const result: AttachResult = {
      homeAgent: t.ha,
      careOf,
      homePrefix: ike.homePrefix,
      ipv6HomeAddress: ike.homeAddress,
      ipv4HomeAddress: reg.ipv4HomeAddress,
      dnsServers: ike.dnsServers,
      atHome: reg.atHome,
      forceUdpReason: why,
      natDetection: attached.natDetection,
      ikeNatDetected: ike.natDetected,
      dhcpv6: dhcp.v6,
      dhcpv4: dhcp.v4,
      phases,
      totalMs: phases.length > 0 ? phases.at(-1)!.endMs - phases[0]!.startMs : 0,
    };
    return { ike: ike.link, tunnel: attached, result, access, homeAgent, registry };
  } catch (e) {
    tunnel?.close();
    ike.link.close();
    throw e;
  }
}

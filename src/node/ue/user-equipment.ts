/**
 * The runnable UE (TS 24.303 §5.1.2) on IPv4 or IPv6 access (ue-access.ts): `attach()` discovers the HA (PCO/ePDG,
 * DNS §5.1.2.1.2, DHCPv6 §5.1.2.1.5 where the access has IPv6, static; ue-discovery.ts), runs IKEv2 with EAP-AKA and
 * gets its home prefix and DNS servers (§5.1.2.2), negotiates the BU/BA Child SA for its HoA, runs home link
 * detection (§5.1.2.3), registers with an IPv4 HoA request (§5.1.2.4, RFC 5555 §4.4.2), and fetches DHCPv6 and DHCPv4
 * parameters through the tunnel (one HA's attempt: ue-session.ts); the binding refresh and IKE liveness keep running
 * until `detach()` deregisters (lifetime 0) and deletes the IKE SA. `changeCareOfAddress()` follows a move
 * (ue-move.ts); `stop()` closes everything at once, silently, ending an attach or a move in progress
 * (UeStoppedError).
 */

import type { UeConfig } from '../../config/load.ts';
import type { Dhcpv4Parameters } from '../../dhcp/v4-parameters.ts';
import type { Dhcpv6Parameters } from '../../dhcp/v6-parameters.ts';
import { familyOf, type RawIpTransport } from '../../net/transport.ts';
import { CaptureWriter, NO_CAPTURE, type PacketCapture } from '../../obs/capture-writer.ts';
import { KeyLogWriter } from '../../obs/keylog.ts';
import { createLogger, type Logger } from '../../obs/log.ts';
import type { IpAddress, Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { osRandom } from '../ike/udp-endpoint.ts';
import { monotonicNowMs } from '../net/clock.ts';
import { datagramRecordOf } from '../net/datagram-trace.ts';
import { Listeners } from '../net/listeners.ts';
import { outputGuardLogging } from '../net/output-logging.ts';
import type { RawSocketSupport } from '../net/raw-sockets.ts';
import { NodeTransportProvider } from '../net/transport-provider.ts';
import type { NodeUdpTransport } from '../net/udp-transport.ts';
import { checkTunAvailable } from '../tun/tun-open.ts';
import { CareOfSockets } from './care-of-sockets.ts';
import { type IkeLinkOutcome, openIkeLink, RetiredIkeLinks } from './ike-link.ts';
import { PhaseClock } from './phase-clock.ts';
import {
  AccessUnavailableError,
  accessProblem,
  careOfOf,
  homeAgentAddressesOf,
  ikeRemoteOf,
  rawSocketsOf,
} from './ue-access.ts';
import { startTunnelDhcp } from './ue-dhcp.ts';
import { discoverHomeAgents } from './ue-discovery.ts';
import type { UeNodeEvent } from './ue-events.ts';
import { HomeAgentFailure } from './ue-ike-attach.ts';
import { UeLog } from './ue-log.ts';
import { type CareOfChange, moveCareOf } from './ue-move.ts';
import { attachSession, type Session } from './ue-session.ts';
import { awaitDhcp, waitForEvent } from './ue-steps.ts';
import type { UeTunnel } from './ue-tunnel.ts';
import {
  type AttachResult,
  DEFAULT_UE_TIMEOUTS,
  UeStoppedError,
  type UeTimeouts,
  type UserEquipmentDeps,
} from './ue-types.ts';
import { UsimSqnStore } from './usim-sqn-file.ts';

const isDeregistered = (e: UeNodeEvent): boolean =>
  e.kind === 'mobility' && (e.event.kind === 'deregistered' || e.event.kind === 'at-home');

/** `UserEquipment.status()`: where the UE is in its life, and the attach it holds. */
export interface UserEquipmentStatus {
  /** `stopped` after `stop()`; `attached` from a successful `attach()` until `detach()`. */
  readonly state: 'detached' | 'attached' | 'stopped';
  /** The current attach (home agent, addresses, DHCP parameters, phase times), when attached. */
  readonly attach: AttachResult | undefined;
  /** The raw-socket probe the UE adapts to (F = 1 without protocol 41). */
  readonly rawSupport: RawSocketSupport;
}

/**
 * The UE: `UserEquipment.start(loadUeConfig({ file }))` opens its care-of sockets, `attach()` runs the whole
 * initial attach, `detach()` deregisters, `stop()` closes everything at once; `on()` delivers its events.
 */
export class UserEquipment {
  private readonly events = new Listeners<UeNodeEvent>();
  private readonly logs: UeLog;
  private readonly log: Logger;
  private readonly provider: NodeTransportProvider;
  private readonly random: (n: number) => Uint8Array;
  private readonly timeouts: UeTimeouts;
  private readonly keyLog: KeyLogWriter | undefined;
  private readonly usim: UsimSqnStore;
  /** Port Z (RFC 5555 §4.1) on the care-of address, and during a move the one it leaves (care-of-sockets.ts). */
  private readonly sockets = new CareOfSockets<NodeUdpTransport>();
  /**
   * IPv4 access: protocol 41 and 4 over IPv4 when raw sockets are available, the no-NAT BA and tunnel (TS 24.303
   * §5.1.3.2). IPv6 access: ESP, 41 and 4 over IPv6, the BA with RH2 and the tunnel (ue-access.ts).
   */
  private rawTunnel: RawIpTransport[] = [];
  private session: Session | undefined;
  /** The care-of address change in progress: changes run one after the other, detach waits for them. */
  private moving: Promise<unknown> = Promise.resolve();
  private readonly retired: RetiredIkeLinks;
  private ownedCapture: CaptureWriter | undefined;
  /** Aborted by `stop()`: an attach or a move in progress ends at once. */
  private readonly stopping = new AbortController();
  /** The cleartext of protected IKE messages as events: for a message trace (deps) or a debug log. */
  private readonly ikeMessageTrace: boolean;

  private constructor(
    readonly config: UeConfig,
    private readonly deps: UserEquipmentDeps,
  ) {
    if (deps.onEvent) this.events.on(deps.onEvent);
    this.logs = new UeLog(deps.logger ?? createLogger({ ...config.logging, name: 'dsmip-ue' }));
    this.log = this.logs.node;
    this.random = deps.random ?? osRandom;
    this.timeouts = { ...DEFAULT_UE_TIMEOUTS, ...deps.timeouts };
    this.retired = new RetiredIkeLinks(this.timeouts.detachMs, (e) =>
      this.log.info({ why: e.message }, 'old IKE SA closed without an answer'),
    );
    this.usim = new UsimSqnStore(config.identity, (e, file) => this.log.error({ err: e, file }, 'USIM SQN not saved'));
    this.keyLog =
      deps.keyLog ??
      (config.capture.keylogDir
        ? new KeyLogWriter(config.capture.keylogDir, {}, { guard: outputGuardLogging(this.log, 'keylog') })
        : undefined);
    this.ikeMessageTrace = deps.ikeMessageTrace === true || this.log.isLevelEnabled('debug');
    const capture = deps.capture ?? this.openCapture();
    this.provider = new NodeTransportProvider({
      ...(deps.aliases ? { aliases: deps.aliases } : {}),
      ...(deps.rawSupport ? { rawSupport: deps.rawSupport } : {}),
      // IPv6 raw reads come from AF_PACKET: on the access interface only, when the config names it.
      ...(config.access.interface ? { rawInterface: config.access.interface } : {}),
      // During a move the old care-of address keeps receiving until the BA (RFC 5555 §5.1).
      localAddresses: () => this.sockets.localAddresses(),
      onRawTrace: (t) => {
        capture.writePacket(t.packet);
        this.emit({ kind: 'raw-packet', trace: t });
      },
      onTrace: (trace) => {
        capture.writeDatagram(datagramRecordOf(trace, 'wire'));
        this.emit({ kind: 'datagram', trace });
      },
      onError: (e, label) => this.log.warn({ err: e, socket: label }, 'socket error'),
      onGuardUnavailable: (reason) =>
        this.log.warn(
          { reason },
          'kernel guard unavailable: the kernel may answer BUs with a HAO and BAs with RH2 with ICMP errors',
        ),
    });
  }

  /**
   * Opens the DSMIPv6 UDP socket on the care-of address (RFC 5555 §4.1 port Z) and the raw sockets of the access
   * (ue-access.ts). AccessUnavailableError, before anything is opened, for IPv6 access without its raw IPv6 sockets.
   */
  static async start(config: UeConfig, deps: UserEquipmentDeps = {}): Promise<UserEquipment> {
    const ue = new UserEquipment(config, deps);
    const problem = accessProblem(config, ue.provider.rawSupport, (p, f) => ue.provider.canOpenRaw(p, f));
    if (problem !== undefined) {
      await ue.stop();
      throw new AccessUnavailableError(problem);
    }
    try {
      // Before any socket or IKE SA: a UE that cannot open its TUN device says why at once (TunUnavailableError).
      if (config.tun.enabled) checkTunAvailable('ue.tun');
      const careOf = careOfOf(config);
      ue.sockets.open(
        await ue.provider.openUdp({
          family: familyOf(careOf),
          address: careOf,
          port: config.mobility.udpSourcePort,
          label: 'dsmip',
        }),
      );
      // IPv6 access has them all (accessProblem); IPv4 access runs with F = 1 without them.
      for (const [protocol, family] of rawSocketsOf(config)) {
        if (ue.provider.canOpenRaw(protocol, family)) ue.rawTunnel.push(await ue.provider.openRaw(protocol, family));
      }
    } catch (e) {
      await ue.stop();
      throw e;
    }
    return ue;
  }

  /** Calls `listener` with every event from now on (datagrams, phases, IKE, mobility, DHCP); returns the unsubscribe. */
  on(listener: (e: UeNodeEvent) => void): () => void {
    return this.events.on(listener);
  }

  /** The UE's state and current attach. */
  status(): UserEquipmentStatus {
    const attach = this.session?.result;
    const state = this.stopping.signal.aborted ? 'stopped' : attach ? 'attached' : 'detached';
    return { state, attach, rawSupport: this.provider.rawSupport };
  }

  /** The raw-socket probe result the UE adapts to (F = 1 without protocol 41). */
  get rawSupport(): RawSocketSupport {
    return this.provider.rawSupport;
  }

  /** The current attach, when attached. */
  get attached(): AttachResult | undefined {
    return this.session?.result;
  }

  /** Discovers a home agent and attaches to it (TS 24.303 §5.1.2); rejects when no home agent accepted. */
  async attach(): Promise<AttachResult> {
    if (this.session) throw new Error('already attached');
    const socket = this.sockets.socket;
    if (!socket || this.stopping.signal.aborted) throw new Error('the UE is not running');
    const clock = new PhaseClock(monotonicNowMs);
    this.phase(clock, 'discovery');
    const found = await discoverHomeAgents(
      this.config,
      this.random,
      (event) => this.emit({ kind: 'discovery', event }),
      this.timeouts.discoveryMs,
      {
        ...(this.deps.aliases ? { aliases: this.deps.aliases } : {}),
        localAddress: socket.localAddress,
        ...(this.deps.openAccessLink ? { openAccessLink: this.deps.openAccessLink } : {}),
      },
    );
    if (this.stopping.signal.aborted) throw new UeStoppedError();
    let last: HomeAgentFailure | undefined;
    for (const ha of found.homeAgents) {
      const addresses = homeAgentAddressesOf(ha, this.config.access.family);
      if (typeof addresses === 'string') {
        this.log.warn({ ha }, `skipped: ${addresses}`);
        continue;
      }
      try {
        // From the care-of address in use: the configured one, or where the last move went.
        this.session = await this.attachTo({ ha, homeAgent: addresses, careOf: socket.localAddress, socket, clock });
        return this.session.result;
      } catch (e) {
        if (!(e instanceof HomeAgentFailure)) throw e;
        last = e;
        this.log.warn({ ha, failure: e.failure, why: e.message }, 'home agent failed, trying the next');
      }
    }
    // The last HA's failure names the reason (e.g. AUTHENTICATION_FAILED after a refused second round).
    throw new Error(`no home agent accepted the attach${last ? ` (last: ${last.failure.kind}: ${last.message})` : ''}`);
  }

  /** Deregisters (BU lifetime 0) and deletes the IKE SA (RFC 7296 §1.4.1); the UE can attach again. */
  async detach(): Promise<void> {
    await this.moving;
    const s = this.session;
    if (!s) return;
    this.session = undefined;
    this.emit({ kind: 'phase', phase: 'detach', atMs: monotonicNowMs() });
    try {
      // RFC 6275 §11.7.1 lifetime 0; at home nothing was registered (TS 24.303 §5.1.2.3).
      if (!s.result.atHome) await this.until(isDeregistered, 'deregistration', () => s.tunnel.detach());
      await s.ike.delete(this.timeouts.detachMs);
    } finally {
      s.tunnel.close();
      s.ike.close();
    }
  }

  /**
   * Moves to a new care-of address of the access family (ue-move.ts): a BU from it, then a new IKE SA from it
   * (RFC 5555 §5.1). Resolves once both are done; a second call waits for the first.
   */
  changeCareOfAddress(careOf: IpAddress): Promise<CareOfChange> {
    const run = this.moving.then(() => {
      const s = this.session;
      const port = this.sockets.socket?.localPort;
      if (!s || port === undefined || this.stopping.signal.aborted) throw new Error('not attached');
      if (familyOf(careOf) !== familyOf(s.result.careOf)) {
        throw new RangeError(`a move keeps the access family: ${careOf} is not like ${s.result.careOf}`);
      }
      return moveCareOf(s, careOf, {
        events: this.events,
        emit: (e) => this.emit(e),
        timeouts: this.timeouts,
        routerPrefixes: this.deps.routerPrefixes ?? [],
        sockets: this.sockets,
        openSocket: (address) => this.provider.openUdp({ family: familyOf(address), address, port, label: 'dsmip' }),
        openIkeLink: (address, interfaceId) => this.openIkeLink(s, address, { interfaceId }),
        retire: (link) => this.retired.retire(link),
        signal: this.stopping.signal,
      });
    });
    this.moving = run.catch(() => undefined);
    return run;
  }

  /** Runs the DHCP exchanges through the tunnel again (RFC 8415 §18.2.6, RFC 2131 §4.4.3), e.g. after a move. */
  async refreshDhcpParameters(): Promise<{ v6?: Dhcpv6Parameters; v4?: Dhcpv4Parameters }> {
    const s = this.session;
    if (!s || s.result.atHome) throw new Error('not registered away from home');
    const { ipv6HomeAddress, ipv4HomeAddress } = s.result;
    return awaitDhcp(
      this.events,
      () => this.startDhcp(s.tunnel, ipv6HomeAddress, ipv4HomeAddress),
      this.timeouts.dhcpMs,
      this.stopping.signal,
    );
  }

  /** Closes every socket and timer at once, ending an attach or a move in progress (no deregistration: `detach`). */
  async stop(): Promise<void> {
    if (this.stopping.signal.aborted) return;
    this.stopping.abort();
    this.session?.tunnel.close();
    this.session?.ike.close();
    this.retired.closeAll();
    this.session = undefined;
    this.sockets.clear();
    await this.provider.closeAll();
    this.ownedCapture?.close();
  }

  /** One HA (ue-session.ts), its phases on `t.clock`. */
  private attachTo(t: Parameters<typeof attachSession>[0]): Promise<Session> {
    return attachSession(t, {
      config: this.config,
      events: this.events,
      emit: (e) => this.emit(e),
      timeouts: this.timeouts,
      random: this.random,
      rawSupport: this.provider.rawSupport,
      raw: this.rawTunnel,
      signal: this.stopping.signal,
      routerPrefixes: (homePrefix) => this.deps.routerPrefixes ?? (this.deps.atHome ? [homePrefix] : []),
      phase: (phase) => this.phase(t.clock, phase),
      openIkeLink: (s, careOf) => this.openIkeLink(s, careOf, { clock: t.clock }),
      startDhcp: (tunnel, hoa, hoa4) => this.startDhcp(tunnel, hoa, hoa4),
    });
  }

  /** IKEv2 with EAP-AKA from `careOf` to the HA's address of its family (ue-ike-attach.ts), events passed on. */
  private openIkeLink(
    s: Pick<Session, 'homeAgent' | 'registry'>,
    careOf: IpAddress,
    o: { readonly clock?: PhaseClock; readonly interfaceId?: Uint8Array },
  ): Promise<IkeLinkOutcome> {
    const clock = o.clock;
    return openIkeLink({
      config: this.config,
      opener: this.provider,
      careOf,
      remote: ikeRemoteOf(s.homeAgent, careOf),
      homeAgent: s.homeAgent.ipv6,
      registry: s.registry,
      random: this.random,
      usimSqnState: () => this.usim.state,
      onUsimSqnUpdated: (state) => this.usim.update(state),
      keyLog: this.keyLog,
      onEvent: (event) => {
        if (event.kind !== 'key-log') this.emit({ kind: 'ike', event });
      },
      onInitDone: () => {
        if (clock) this.phase(clock, 'eap-aka');
      },
      onEapDone: () => {
        if (clock) this.phase(clock, 'child-sa');
      },
      timeoutMs: this.timeouts.ikeMs,
      messageTrace: this.ikeMessageTrace,
      signal: this.stopping.signal,
      ...(o.interfaceId ? { interfaceId: o.interfaceId } : {}),
    });
  }

  /** The DHCP clients the config enables, started through the tunnel (TS 24.303 §5.1.2.4 last paragraph). */
  private startDhcp(tunnel: UeTunnel, hoa: Ipv6Address, hoa4: Ipv4Address | undefined): { v6: boolean; v4: boolean } {
    const firstDelayMaxMs = this.deps.dhcpv6FirstDelayMaxMs;
    return startTunnelDhcp(this.config, tunnel, {
      homeAddress: hoa,
      ipv4HomeAddress: hoa4,
      random: this.random,
      firstDelayMaxMs,
    });
  }

  /** Runs `start`, then waits (within the detach limit) for the first event `pick` accepts. */
  private async until(pick: (e: UeNodeEvent) => boolean, what: string, start: () => void): Promise<void> {
    const pickEvent = (e: UeNodeEvent) => (pick(e) ? e : undefined);
    const done = waitForEvent(this.events, pickEvent, what, this.timeouts.detachMs, this.stopping.signal);
    start();
    await done;
  }

  private phase(clock: PhaseClock, phase: Parameters<PhaseClock['start']>[0]): void {
    this.emit({ kind: 'phase', phase, atMs: clock.start(phase) });
  }

  private openCapture(): PacketCapture {
    if (!this.config.capture.pcap) return NO_CAPTURE;
    this.ownedCapture = CaptureWriter.open(this.config.capture.pcap, {
      guard: outputGuardLogging(this.log, 'capture'),
    });
    return this.ownedCapture;
  }

  private emit(e: UeNodeEvent): void {
    this.logs.event(e);
    this.events.emit(e);
  }
}

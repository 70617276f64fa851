/**
 * The runnable UE (TS 24.303 §5.1.2) on IPv4 access: `attach()` discovers the HA by DNS (§5.1.2.1.2), runs IKEv2
 * with EAP-AKA and gets its home prefix and DNS servers (§5.1.2.2), negotiates the BU/BA Child SA for its HoA,
 * runs home link detection (§5.1.2.3), registers with an IPv4 HoA request (§5.1.2.4, RFC 5555 §4.4.2), and fetches
 * DHCPv6 and DHCPv4 parameters through the tunnel; the binding refresh and IKE liveness keep running until
 * `detach()` deregisters (lifetime 0) and deletes the IKE SA. `stop()` closes everything without signalling.
 */
import type { UeConfig } from '../../config/load.ts';
import type { UsimSqnState } from '../../crypto/index.ts';
import type { Dhcpv4Parameters } from '../../dhcp/v4-parameters.ts';
import type { Dhcpv6Parameters } from '../../dhcp/v6-parameters.ts';
import type { HomeAgentCandidate } from '../../discovery/candidates.ts';
import type { IkeInitiator } from '../../ike/initiator.ts';
import { EspSad } from '../../ipsec/sad.ts';
import { CaptureWriter, NO_CAPTURE, type PacketCapture } from '../../obs/capture-writer.ts';
import { KeyLogWriter } from '../../obs/keylog.ts';
import { createLogger, type Logger } from '../../obs/log.ts';
import type { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { osRandom } from '../ike/udp-endpoint.ts';
import { MobilitySaRegistry } from '../mobility/sa-registry.ts';
import { monotonicNowMs } from '../net/clock.ts';
import { datagramRecordOf } from '../net/datagram-trace.ts';
import type { IkeDatagramEndpoint } from '../net/ike-datagram-endpoint.ts';
import { Listeners } from '../net/listeners.ts';
import type { RawSocketSupport } from '../net/raw-sockets.ts';
import { NodeTransportProvider } from '../net/transport-provider.ts';
import type { NodeUdpTransport } from '../net/udp-transport.ts';
import { PhaseClock } from './phase-clock.ts';
import { tunnelDhcpClients } from './ue-dhcp.ts';
import { discoverHomeAgents } from './ue-discovery.ts';
import type { UeNodeEvent } from './ue-events.ts';
import { HomeAgentFailure, runIkeAttach } from './ue-ike-attach.ts';
import { UeLog } from './ue-log.ts';
import { awaitDhcp, awaitRegistration, forceUdpReason } from './ue-steps.ts';
import { createUeTunnel, type UeTunnel } from './ue-tunnel.ts';
import { type AttachResult, DEFAULT_UE_TIMEOUTS, type UeTimeouts, type UserEquipmentDeps } from './ue-types.ts';
import { loadUsimSqnFile, saveUsimSqnFile, usimStateFromSqn } from './usim-sqn-file.ts';

interface Session {
  readonly ike: IkeDatagramEndpoint<IkeInitiator>;
  readonly ikeSaId: number;
  readonly tunnel: UeTunnel;
  readonly result: AttachResult;
}

const isDeregistered = (e: UeNodeEvent): boolean =>
  e.kind === 'mobility' && (e.event.kind === 'deregistered' || e.event.kind === 'at-home');
const isIkeSaDeleted = (e: UeNodeEvent): boolean => e.kind === 'ike' && e.event.kind === 'ike-sa-deleted';

export class UserEquipment {
  private readonly events = new Listeners<UeNodeEvent>();
  private readonly logs: UeLog;
  private readonly log: Logger;
  private readonly provider: NodeTransportProvider;
  private readonly random: (n: number) => Uint8Array;
  private readonly timeouts: UeTimeouts;
  private readonly keyLog: KeyLogWriter | undefined;
  private usim: UsimSqnState;
  private zSocket: NodeUdpTransport | undefined;
  private session: Session | undefined;
  private ownedCapture: CaptureWriter | undefined;
  private stopped = false;

  private constructor(
    readonly config: UeConfig,
    private readonly deps: UserEquipmentDeps,
  ) {
    if (deps.onEvent) this.events.on(deps.onEvent);
    this.logs = new UeLog(deps.logger ?? createLogger({ ...config.logging, name: 'dsmip-ue' }));
    this.log = this.logs.node;
    this.random = deps.random ?? osRandom;
    this.timeouts = { ...DEFAULT_UE_TIMEOUTS, ...deps.timeouts };
    const fresh = usimStateFromSqn(config.identity.sqn);
    const file = config.identity.sqnStateFile;
    this.usim = file ? loadUsimSqnFile(file, fresh) : fresh;
    this.keyLog = deps.keyLog ?? (config.capture.keylogDir ? new KeyLogWriter(config.capture.keylogDir) : undefined);
    const capture = deps.capture ?? this.openCapture();
    this.provider = new NodeTransportProvider({
      ...(deps.aliases ? { aliases: deps.aliases } : {}),
      ...(deps.rawSupport ? { rawSupport: deps.rawSupport } : {}),
      onTrace: (trace) => {
        capture.writeDatagram(datagramRecordOf(trace, 'wire'));
        this.emit({ kind: 'datagram', trace });
      },
      onError: (e, label) => this.log.warn({ err: e, socket: label }, 'socket error'),
    });
  }

  /** Opens the DSMIPv6 UDP socket on the care-of address (RFC 5555 §4.1 port Z); IPv4 access only for now. */
  static async start(config: UeConfig, deps: UserEquipmentDeps = {}): Promise<UserEquipment> {
    const v4 = config.access.ipv4;
    if (config.access.family !== 'ipv4' || !v4) {
      throw new RangeError('IPv6 access needs raw IPv6 sockets for the HAO/RH2 framing (not in this build)');
    }
    const ue = new UserEquipment(config, deps);
    try {
      ue.zSocket = await ue.provider.openUdp({
        family: 4,
        address: v4.careOfAddress,
        port: config.mobility.udpSourcePort,
        label: 'dsmip',
      });
    } catch (e) {
      await ue.stop();
      throw e;
    }
    return ue;
  }

  on(listener: (e: UeNodeEvent) => void): () => void {
    return this.events.on(listener);
  }

  /** The raw-socket probe result the UE adapts to (F = 1 without protocol 41). */
  get rawSupport(): RawSocketSupport {
    return this.provider.rawSupport;
  }

  get attached(): AttachResult | undefined {
    return this.session?.result;
  }

  async attach(): Promise<AttachResult> {
    if (this.session) throw new Error('already attached');
    if (!this.zSocket || this.stopped) throw new Error('the UE is not running');
    const clock = new PhaseClock(monotonicNowMs);
    this.phase(clock, 'discovery');
    const found = await discoverHomeAgents(
      this.config,
      this.random,
      (event) => this.emit({ kind: 'discovery', event }),
      this.timeouts.discoveryMs,
    );
    for (const ha of found.homeAgents) {
      if (!ha.ipv6 || !ha.ipv4) {
        this.log.warn({ ha }, 'skipped: IPv4 access needs the HA IPv4 address and its IPv6 address for the BU');
        continue;
      }
      try {
        this.session = await this.attachTo(ha, ha.ipv6, ha.ipv4, clock);
        return this.session.result;
      } catch (e) {
        if (!(e instanceof HomeAgentFailure)) throw e;
        this.log.warn({ ha, failure: e.failure, why: e.message }, 'home agent failed, trying the next');
      }
    }
    throw new Error('no home agent accepted the attach');
  }

  /** Deregisters (BU lifetime 0) and deletes the IKE SA (RFC 7296 §1.4.1); the UE can attach again. */
  async detach(): Promise<void> {
    const s = this.session;
    if (!s) return;
    this.session = undefined;
    this.emit({ kind: 'phase', phase: 'detach', atMs: monotonicNowMs() });
    try {
      // RFC 6275 §11.7.1 lifetime 0; at home nothing was registered (TS 24.303 §5.1.2.3).
      if (!s.result.atHome) await this.until(isDeregistered, 'deregistration', () => s.tunnel.detach());
      await this.until(isIkeSaDeleted, 'IKE SA deletion', () => s.ike.run((e, now) => e.deleteIkeSa(now, s.ikeSaId)));
    } finally {
      s.tunnel.close();
      s.ike.close();
    }
  }

  /** Moves to a new care-of address: a new BU from it (RFC 6275 §11.7.1). The IKE SA keeps its path (no MOBIKE). */
  async changeCareOf(careOf: Ipv4Address): Promise<void> {
    const s = this.session;
    if (!s || !this.zSocket) throw new Error('not attached');
    const old = this.zSocket;
    this.zSocket = await this.provider.openUdp({ family: 4, address: careOf, port: old.localPort, label: 'dsmip' });
    s.tunnel.changeCareOf({ ipv4CareOf: careOf, routerPrefixes: this.deps.routerPrefixes ?? [] }, this.zSocket);
    old.close();
  }

  /** Closes every socket and timer at once (no deregistration: call `detach` first for that). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.session?.tunnel.close();
    this.session?.ike.close();
    this.session = undefined;
    await this.provider.closeAll();
    this.ownedCapture?.close();
  }

  private async attachTo(
    ha: HomeAgentCandidate,
    ha6: Ipv6Address,
    ha4: Ipv4Address,
    clock: PhaseClock,
  ): Promise<Session> {
    const careOf = this.config.access.ipv4!.careOfAddress;
    const sad = new EspSad({ random: this.random });
    const registry = MobilitySaRegistry.forMobileNode(sad);
    this.phase(clock, 'ike-sa-init');
    const ike = await runIkeAttach({
      config: this.config,
      opener: this.provider,
      careOf,
      remote: ha4,
      homeAgent: ha6,
      registry,
      random: this.random,
      usimSqnState: () => this.usim,
      onUsimSqnUpdated: (state) => this.saveUsim(state),
      keyLog: this.keyLog,
      onEvent: (event) => {
        if (event.kind === 'key-log') return;
        if (event.kind === 'child-sa-deleted') registry.remove(event.spiIn);
        if (event.kind === 'ike-sa-deleted') registry.removeIkeSa(event.ikeSaId);
        this.emit({ kind: 'ike', event });
      },
      onInitDone: () => this.phase(clock, 'eap-aka'),
      onEapDone: () => this.phase(clock, 'child-sa'),
      timeoutMs: this.timeouts.ikeMs,
    });
    this.emit({
      kind: 'home-address',
      homePrefix: ike.homePrefix,
      homeAddress: ike.homeAddress,
      dnsServers: ike.dnsServers,
    });
    this.phase(clock, 'binding');
    const why = forceUdpReason(this.config, this.provider.rawSupport);
    if (why) this.emit({ kind: 'force-udp', reason: why });
    const tunnel = createUeTunnel(this.zSocket!, {
      config: this.config,
      homeAgent: { ipv6: ha6, ipv4: ha4 },
      homePrefix: ike.homePrefix,
      homeAddress: ike.homeAddress,
      forceUdp: why !== undefined,
      sad,
      registry,
      random: this.random,
      emit: (e) => this.emit(e),
    });
    try {
      const routerPrefixes = this.deps.routerPrefixes ?? (this.deps.atHome ? [ike.homePrefix] : []);
      const reg = await awaitRegistration(
        this.events,
        () => tunnel.attach({ ipv4CareOf: careOf, routerPrefixes }),
        this.timeouts.bindingMs,
      );
      let dhcp: { v6?: Dhcpv6Parameters; v4?: Dhcpv4Parameters } = {};
      if (!reg.atHome) {
        this.phase(clock, 'dhcp');
        dhcp = await awaitDhcp(
          this.events,
          () => this.startDhcp(tunnel, ike.homeAddress, reg.ipv4HomeAddress),
          this.timeouts.dhcpMs,
        );
      }
      clock.finish();
      const phases = clock.phases;
      const result: AttachResult = {
        homeAgent: ha,
        careOf,
        homePrefix: ike.homePrefix,
        ipv6HomeAddress: ike.homeAddress,
        ipv4HomeAddress: reg.ipv4HomeAddress,
        dnsServers: ike.dnsServers,
        atHome: reg.atHome,
        forceUdpReason: why,
        natDetection: tunnel.natDetection,
        ikeNatDetected: ike.natDetected,
        dhcpv6: dhcp.v6,
        dhcpv4: dhcp.v4,
        phases,
        totalMs: phases.length > 0 ? phases.at(-1)!.endMs - phases[0]!.startMs : 0,
      };
      return { ike: ike.endpoint, ikeSaId: ike.ikeSaId, tunnel, result };
    } catch (e) {
      tunnel.close();
      ike.endpoint.close();
      throw e;
    }
  }

  /** The DHCP clients the config enables, started through the tunnel (TS 24.303 §5.1.2.4 last paragraph). */
  private startDhcp(tunnel: UeTunnel, hoa: Ipv6Address, hoa4: Ipv4Address | undefined): { v6: boolean; v4: boolean } {
    const c = tunnelDhcpClients(this.config, {
      homeAddress: hoa,
      ipv4HomeAddress: hoa4,
      random: this.random,
      firstDelayMaxMs: this.deps.dhcpv6FirstDelayMaxMs,
    });
    tunnel.startDhcp({ v6: hoa, v4: hoa4 }, c.v6, c.v4);
    return { v6: c.v6 !== undefined, v4: c.v4 !== undefined };
  }

  /** Runs `start`, then waits (within the detach limit) for the first event `pick` accepts. */
  private async until(pick: (e: UeNodeEvent) => boolean, what: string, start: () => void): Promise<void> {
    const done = this.events.waitFor((e) => (pick(e) ? e : undefined), what, this.timeouts.detachMs);
    start();
    await done;
  }

  private phase(clock: PhaseClock, phase: Parameters<PhaseClock['start']>[0]): void {
    this.emit({ kind: 'phase', phase, atMs: clock.start(phase) });
  }

  private saveUsim(state: UsimSqnState): void {
    this.usim = state;
    const file = this.config.identity.sqnStateFile;
    if (!file) return;
    try {
      saveUsimSqnFile(file, state);
    } catch (e) {
      this.log.error({ err: e, file }, 'USIM SQN state not saved');
    }
  }

  private openCapture(): PacketCapture {
    if (!this.config.capture.pcap) return NO_CAPTURE;
    this.ownedCapture = CaptureWriter.open(this.config.capture.pcap);
    return this.ownedCapture;
  }

  private emit(e: UeNodeEvent): void {
    this.logs.event(e);
    this.events.emit(e);
  }
}

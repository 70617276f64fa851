/**
 * The runnable Home Agent (TS 24.303 §5.1.3): the IKEv2 responder with EAP-AKA and the embedded AAA (§5.1.3.1),
 * the BU/BA Child SAs in the SAD, the BU/BA pipeline on UDP 4191 (§5.1.3.2, RFC 5555 §4.1), the tunnel data plane
 * with the DHCP service for UEs (§5.1.1), user traffic through the core-side TUN device when `tun.enabled`
 * (src/node/tun/ha-tun.ts; ha-data-sas.ts on data SAs), metrics, logs, key log and capture — on real sockets, all
 * bound to the HA's specific addresses. `stop()` closes every socket, timer, device and server it opened.
 */
import type { HaConfig } from '../../config/load.ts';
import { HaDhcpService } from '../../dhcp/ha-service.ts';
import { InMemorySubscriberStore, type SubscriberStore } from '../../eap/index.ts';
import { IkeResponder } from '../../ike/responder.ts';
import { EspSad } from '../../ipsec/sad.ts';
import { BindingFlag } from '../../mip/binding-cache.ts';
import type { HomeAgentEvent } from '../../mip/events.ts';
import { encapsulate } from '../../mip/tunnel.ts';
import type { OuterInfo, TunnelRoute } from '../../mip/types.ts';
import type { DatagramTransport, InboundDatagram } from '../../net/transport.ts';
import { AaaMetrics } from '../../obs/aaa-metrics.ts';
import { CaptureWriter, NO_CAPTURE, type PacketCapture } from '../../obs/capture-writer.ts';
import { registerDropMetrics } from '../../obs/drop-metrics.ts';
import { IkeMetrics } from '../../obs/ike-metrics.ts';
import { KeyLogWriter } from '../../obs/keylog.ts';
import { componentLogger, createLogger, type Logger } from '../../obs/log.ts';
import { LogRateLimiter } from '../../obs/log-rate-limit.ts';
import { HaMetrics, type MetricsServer, startMetricsServer } from '../../obs/metrics.ts';
import { registerOutputMetrics } from '../../obs/output-metrics.ts';
import type { IpAddress, Ipv4Address } from '../../util/ip-address.ts';
import { tunnelProtocolFor } from '../../wire/ip/tunnel.ts';
import { createEapBackend } from '../aaa/backends.ts';
import { openSubscriberFileStore } from '../aaa/open-store.ts';
import type { SubscriberFileStore } from '../aaa/subscriber-file-store.ts';
import { osRandom } from '../ike/udp-endpoint.ts';
import { HaSignalling } from '../mobility/ha-signalling.ts';
import { MobilitySaRegistry } from '../mobility/sa-registry.ts';
import { sameAddress } from '../net/address-aliases.ts';
import { DeadlineTimer, monotonicNowMs } from '../net/clock.ts';
import { datagramRecordOf } from '../net/datagram-trace.ts';
import { IkeDatagramEndpoint } from '../net/ike-datagram-endpoint.ts';
import { Listeners } from '../net/listeners.ts';
import { outputGuardLogging } from '../net/output-logging.ts';
import { ipv6ReaderCountsOf, NodeTransportProvider } from '../net/transport-provider.ts';
import { HaDataSas } from '../tun/ha-data-sas.ts';
import { HaTun } from '../tun/ha-tun.ts';
import { BaSender } from './ba-sender.ts';
import { BindingTable, type LiveBinding } from './binding-table.ts';
import { HaAaaRelay } from './ha-aaa-relay.ts';
import { haDhcpServiceConfigOf, haPolicyOf, ipv4PoolSize, ipv4RangesOf, responderConfigOf } from './ha-config.ts';
import { HaDataPlane } from './ha-data-plane.ts';
import { type DhcpRelaySockets, openDhcpRelaySockets } from './ha-dhcp-relay.ts';
import type { HomeAgentDeps, HomeAgentNodeEvent } from './ha-events.ts';
import { HaIkeEvents } from './ha-ike-events.ts';
import { HaRawTunnels } from './ha-raw-tunnels.ts';
import { SubscriberPrefixPool } from './home-prefix-pool.ts';
import { IdentitySessions } from './identity-sessions.ts';
import { ObservedHomeAgentCore } from './observed-core.ts';

/** `HomeAgent.status()`, also served as `/status` next to `/metrics`: counts, live bindings and each part's counters. */
export interface HomeAgentStatus {
  /** IKE SAs established with UEs. */
  readonly ikeSas: number;
  /** IKE SAs still in IKE_SA_INIT / IKE_AUTH (not counted in `ikeSas`). */
  readonly halfOpenIkeSas: number;
  /** Requests refused by each IKE limit (`ha.limits`). */
  readonly ikeLimits: IkeResponder['limitCounters'] | undefined;
  /** Older sessions of an identity replaced by a newer one (`ha.limits.sessionsPerIdentity`). */
  readonly sessionsReplaced: number;
  readonly bindings: readonly LiveBinding[];
  /** The BU/BA pipeline (ESP, framing, drops). */
  readonly signalling: HaSignalling['counters'];
  /** The binding decisions (RFC 6275 §10.3.1, RFC 5555 §4.3). */
  readonly core: ObservedHomeAgentCore['counters'];
  /** Tunnelled user packets in and out. */
  readonly dataPlane: HaDataPlane['counters'];
  /** The core-side TUN device, when `tun.enabled`. */
  readonly tun?: ReturnType<HaTun['status']>;
  readonly dataSas: ReturnType<HaDataSas['status']>;
  /** Which raw IP sockets are open (protocol 41/4/50), and why not. */
  readonly raw: ReturnType<NodeTransportProvider['rawStatus']>;
}

/**
 * The Home Agent: `HomeAgent.start(loadHaConfig({ file }))` opens its sockets; `on()` delivers its events,
 * `status()` its state, `stop()` closes everything.
 */
export class HomeAgent {
  readonly metrics: HaMetrics;
  private readonly bindings = new BindingTable();
  private readonly events = new Listeners<HomeAgentNodeEvent>();
  private readonly rootLog: Logger;
  private readonly log: Logger;
  private readonly mipLog: Logger;
  private readonly provider: NodeTransportProvider;
  private readonly core: ObservedHomeAgentCore;
  private readonly pipeline: HaSignalling;
  private readonly dataPlane: HaDataPlane;
  private readonly timer: DeadlineTimer;
  private readonly baSender: BaSender;
  private ike: IkeDatagramEndpoint<IkeResponder> | undefined;
  /** The store opened from `config.aaa` (not one passed in): its SQN state file is closed on stop. */
  private ownedStore: SubscriberFileStore | undefined;
  private dsmip: DatagramTransport | undefined;
  private raw: HaRawTunnels | undefined;
  /** The core-side TUN device and its forwarder (`tun.enabled`). */
  private tun: HaTun | undefined;
  /** User traffic in ESP tunnel mode on the UEs' data SAs (RFC 5555 §5.2.2). */
  private readonly dataSas: HaDataSas;
  private relay: DhcpRelaySockets | undefined;
  private metricsHttp: MetricsServer | undefined;
  private ownedCapture: CaptureWriter | undefined;
  private keyLog: KeyLogWriter | undefined;
  /** IKE counters, half-open SAs, refusals by limit, attach attempts and results (issue 16). */
  readonly ikeMetrics: IkeMetrics;
  private readonly limitedLog: LogRateLimiter;
  private readonly limitedLogFlush: NodeJS.Timeout;
  /** Sessions per authenticated identity: `ha.limits.sessionsPerIdentity` (issue 16). */
  private readonly identitySessions: IdentitySessions;
  /** The EAP relay to an external AAA (`ha.aaa.mode` radius/diameter). */
  private aaaRelay: HaAaaRelay | undefined;
  private stopped = false;

  private constructor(
    readonly config: HaConfig,
    private readonly deps: HomeAgentDeps,
  ) {
    if (deps.onEvent) this.events.on(deps.onEvent);
    const root = deps.logger ?? createLogger({ ...config.logging, name: 'dsmip-ha' });
    this.rootLog = root;
    this.log = componentLogger(root, 'node');
    this.mipLog = componentLogger(root, 'mip');
    const capture = deps.capture ?? this.openCapture();
    this.provider = new NodeTransportProvider({
      ...(deps.aliases ? { aliases: deps.aliases } : {}),
      ...(deps.rawSupport ? { rawSupport: deps.rawSupport } : {}),
      localAddresses: () => [config.addresses.ipv4, config.addresses.ipv6].filter((a) => a !== undefined),
      onRawTrace: (t) => {
        capture.writePacket(t.packet);
        this.emit({ kind: 'raw-packet', trace: t });
      },
      onTrace: (trace) => {
        capture.writeDatagram(datagramRecordOf(trace, 'wire'));
        this.emit({ kind: 'datagram', trace });
      },
      onError: (e, label) => this.log.warn({ err: e, socket: label }, 'socket error'),
      onGuardUnavailable: (why) => this.log.warn({ why }, 'kernel guard off: the kernel answers raw IPv6 with ICMP'),
    });
    const ranges = ipv4RangesOf(config);
    const poolSize = ipv4PoolSize(ranges);
    this.metrics = new HaMetrics({
      processMetrics: deps.processMetrics ?? true,
      sources: {
        bindings: () => this.bindings.size,
        ikeSas: () => this.ike?.engine.establishedSaCount ?? 0,
        ipv4PoolFree: () => poolSize - this.bindings.ipv4Count,
        dataPlane: () => this.tun?.counters,
      },
    });
    registerOutputMetrics(this.metrics.registry, () => ({
      capture: this.ownedCapture?.health,
      keylog: this.keyLog?.health,
    }));
    this.ikeMetrics = new IkeMetrics(this.metrics.registry, {
      counters: () => this.ike?.engine.counters,
      limits: () => this.ike?.engine.limitCounters ?? {},
      halfOpen: () => this.ike?.engine.halfOpenCount ?? 0,
      halfOpenMaxPerSource: () => this.ike?.engine.halfOpenMaxPerSource ?? 0,
      attempts: () => this.ike?.engine.halfOpenCreated ?? 0,
    });
    this.limitedLog = new LogRateLimiter(componentLogger(root, 'ike'), { now: monotonicNowMs });
    this.limitedLogFlush = setInterval(() => this.limitedLog.flush(), 1000);
    this.limitedLogFlush.unref();
    this.identitySessions = new IdentitySessions(
      { mode: config.limits.sessionsPerIdentity, maxSessions: config.limits.maxSessionsPerIdentity },
      {
        identityOf: (id) => {
          const s = this.ike?.engine.session(id);
          return s && (s.subscriber ?? s.peerId);
        },
        revokeBinding: (homeAddress) => {
          if (this.core.revokeBinding(monotonicNowMs(), homeAddress)) this.serviceSignalling();
        },
        endIkeSa: (id) => {
          this.pipeline.registry.removeIkeSa(id);
          this.ike?.run((engine, now) => engine.deleteIkeSa(now, id));
        },
        onReplaced: (old, by, identity, revoked) =>
          this.log.info({ ikeSaId: old, by, identity, revokedBindings: revoked }, 'session replaced'),
      },
    );
    registerDropMetrics(this.metrics.registry, {
      ipv6Reader: () => ipv6ReaderCountsOf(this.provider.rawStatus()),
      dataSas: () => this.dataSas.counters,
    });
    this.core = new ObservedHomeAgentCore(haPolicyOf(config), ranges, {
      onBindingUpdate: (message, context, dropped) => {
        if (dropped) this.metrics.countBindingUpdate('dropped');
        else this.baSender.noteBindingUpdate(context.homeAddress.bytes, context.outer);
        this.emit({ kind: 'binding-update', message, context, dropped, atMs: monotonicNowMs() });
      },
      onSend: (t) => {
        if (t.message.kind !== 'binding-acknowledgement') return;
        this.metrics.countBindingUpdate(t.message.status);
        this.metrics.countBindingAck(t.message.status);
        const message = t.message;
        this.emit({
          kind: 'binding-ack',
          message,
          homeAddress: t.innerDst,
          transport: t.transport,
          atMs: monotonicNowMs(),
        });
      },
    });
    this.baSender = new BaSender({
      socket: () => this.dsmip,
      raw: (family, protocol, packet) => this.raw?.send(family, protocol, packet) ?? false,
      onDrop: (reason) => this.drop('signalling', reason),
      onUdpFallback: (to) =>
        this.mipLog.info({ to: to.source, port: to.sourcePort }, 'BA in UDP: no raw socket for protocol 41'),
    });
    const sad = new EspSad({ random: deps.random ?? osRandom });
    const registry = MobilitySaRegistry.forHomeAgent(sad, { session: (id) => this.ike?.engine.session(id) });
    this.pipeline = new HaSignalling({ core: this.core, sad, registry });
    this.timer = new DeadlineTimer((now) => {
      this.pipeline.handleTimeout(now);
      this.serviceSignalling();
    });
    this.dataSas = HaDataSas.forNode({
      random: deps.random ?? osRandom,
      mtus: { linkMtu: config.tun.linkMtu, deviceMtu: config.tun.mtu },
      ike: () => this.ike,
      device: () => this.tun,
    });
    this.dataPlane = new HaDataPlane({
      core: this.core,
      dhcp: new HaDhcpService(haDhcpServiceConfigOf(config)),
      ipv6HomeAddressOf: (a) => this.bindings.ownerOf(a),
      sendTunnel: (route, inner) => this.sendTunnel(route, inner),
      sendToServer: (d) => this.relay?.send(d),
      onDrop: (layer, reason) => this.drop(layer, reason),
      toCoreNetwork: (inner) => this.tun?.fromMobileNode(inner),
      onDhcpEvent: (event) => {
        if (event.kind === 'answered') this.metrics.countDhcpAnswer(event.family, 'embedded');
        if (event.kind === 'relayed-to-mobile-node') this.metrics.countDhcpAnswer(event.family, 'relay');
        if (event.kind === 'dropped') this.drop('dhcp', event.reason);
        this.emit({ kind: 'dhcp', event });
      },
    });
  }

  /** Opens every socket and server of `config`; on any failure what was opened is closed again. */
  static async start(config: HaConfig, deps: HomeAgentDeps = {}): Promise<HomeAgent> {
    const ha = new HomeAgent(config, deps);
    try {
      await ha.open();
    } catch (e) {
      await ha.stop();
      throw e;
    }
    return ha;
  }

  /** Calls `listener` with every event from now on (datagrams, IKE, bindings, DHCP, drops); returns the unsubscribe. */
  on(listener: (e: HomeAgentNodeEvent) => void): () => void {
    return this.events.on(listener);
  }

  /** The first IKE address and the ports bound (the kernel's choice where the config says 0). */
  get ikeEndpoint(): { readonly address: IpAddress; readonly ikePort: number; readonly natTPort: number } {
    if (!this.ike) throw new Error('the home agent is not running');
    return this.ike.local;
  }

  /** URL of the metrics server, when one runs. */
  get metricsUrl(): string | undefined {
    return this.metricsHttp?.url;
  }

  /** Live bindings (de-registered ones the core keeps for MAX_DELETE_BCE_TIMEOUT are not counted). */
  get bindingCount(): number {
    return this.bindings.size;
  }

  /** The live bindings with their IPv4 HoA, if any. */
  bindingList(): LiveBinding[] {
    return this.bindings.list();
  }

  /** The `/status` document. */
  status(): HomeAgentStatus {
    return {
      ikeSas: this.ike?.engine.establishedSaCount ?? 0,
      halfOpenIkeSas: this.ike?.engine.halfOpenCount ?? 0,
      ikeLimits: this.ike?.engine.limitCounters,
      sessionsReplaced: this.identitySessions.replaced,
      bindings: this.bindingList(),
      signalling: this.pipeline.counters,
      core: this.core.counters,
      dataPlane: this.dataPlane.counters,
      ...(this.tun ? { tun: this.tun.status() } : {}),
      dataSas: this.dataSas.status(),
      raw: this.provider.rawStatus(),
    };
  }

  /** Closes sockets, timers and servers; safe to call twice. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.limitedLogFlush);
    this.limitedLog.flush();
    this.timer.stop();
    await this.aaaRelay?.close();
    this.ike?.close();
    this.tun?.close();
    await this.provider.closeAll();
    if (this.metricsHttp) {
      await this.metricsHttp.close();
      // The close callback runs before libuv's close phase lets go of the listening handle; a timer runs after it.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    this.ownedCapture?.close();
    this.ownedStore?.close();
  }

  private async open(): Promise<void> {
    const c = this.config;
    const random = this.deps.random ?? osRandom;
    const store = this.openSubscriberStore();
    this.openAaaRelay();
    const pool = new SubscriberPrefixPool(c.homePrefixPool);
    const ikeEvents = new HaIkeEvents({
      registry: this.pipeline.registry,
      metrics: this.metrics,
      log: componentLogger(this.rootLog, 'ike'),
      emit: (e) => {
        // Deferred: the replacement sends an IKE Delete, which must not run inside the engine's event delivery.
        if (e.kind === 'mobility-sa-installed')
          queueMicrotask(() => this.identitySessions.mobilitySaInstalled(e.ikeSaId, e.homeAddress));
        this.emit(e);
      },
      ikeMetrics: this.ikeMetrics,
      limitedLog: this.limitedLog,
    });
    const keyLog =
      this.deps.keyLog ??
      (c.capture.keylogDir
        ? new KeyLogWriter(c.capture.keylogDir, {}, { guard: outputGuardLogging(this.log, 'keylog') })
        : undefined);
    this.keyLog = keyLog;
    this.ike = await IkeDatagramEndpoint.open(
      this.provider,
      {
        address: this.deps.ikeAddress ?? c.addresses.ipv4 ?? c.addresses.ipv6,
        moreAddresses: this.moreIkeAddresses(),
        onAddressUnavailable: (address, e) => this.log.warn({ address, err: e }, 'IKE not listening on this address'),
        ikePort: this.deps.ikePorts?.ike ?? c.ports.ike,
        natTPort: this.deps.ikePorts?.natT ?? c.ports.natT,
        onEvent: (e) => {
          if (e.kind === 'ike-sa-established') queueMicrotask(() => this.identitySessions.established(e.ikeSaId));
          else if (e.kind === 'ike-sa-deleted' || e.kind === 'ike-sa-failed') this.identitySessions.ended(e.ikeSaId);
          this.aaaRelay?.handle(e);
          ikeEvents.handle(e);
          this.dataSas.handleIkeEvent(e);
        },
        onEsp: (esp, from) => this.dataSas.fromUdp(esp, from),
        ...(keyLog ? { keyLog } : {}),
        onError: (e) => this.log.warn({ err: e }, 'IKE send failed'),
      },
      (local) =>
        new IkeResponder({
          ...responderConfigOf(c, {
            natTPort: local.natTPort,
            store,
            pool,
            random,
            onPasswordOutcome: (identity, ok, reason) =>
              this.log.info({ identity, ok, reason }, 'second authentication round (RFC 4739)'),
          }),
          ...this.dataSas.responderPolicy(c.addresses),
        }),
    );
    if (c.addresses.ipv4) {
      this.dsmip = await this.provider.openUdp({
        family: 4,
        address: c.addresses.ipv4,
        port: c.ports.dsmip,
        label: 'dsmip',
      });
      this.dsmip.onMessage((d) => this.onDsmip(d));
    }
    this.raw = await HaRawTunnels.open(
      this.provider,
      { ipv4: c.addresses.ipv4 !== undefined, ipv6: true },
      {
        signalling: (now, packet) => this.onRawSignalling(now, packet),
        data: (now, outer, inner) => this.dataPlane.fromMobileNode(now, outer, inner),
        onDrop: (layer, reason) => this.drop(layer, reason),
      },
    );
    await this.dataSas.openRawEsp(this.provider, c.addresses.ipv4 !== undefined); // plain ESP, RFC 5555 §5.2.2
    this.relay = await openDhcpRelaySockets(this.provider, this.dataPlane, c);
    if (c.tun.enabled) this.openTun();
    if (this.deps.metricsServer ?? c.metrics.enabled) {
      this.metricsHttp = await startMetricsServer({
        registry: this.metrics.registry,
        host: c.metrics.address.toString(),
        port: c.metrics.port,
        ...(c.metrics.status ? { status: () => this.status() } : {}),
        limits: {
          maxConnections: c.metrics.maxConnections,
          headersTimeoutMs: c.metrics.headersTimeout.ms,
          requestTimeoutMs: c.metrics.requestTimeout.ms,
          keepAliveTimeoutMs: c.metrics.keepAliveTimeout.ms,
        },
      });
    }
    this.log.info({ ike: this.ike.local, dsmipPort: this.dsmip?.localPort, metrics: this.metricsUrl }, 'home agent up');
  }

  /**
   * UEs on IPv6 access reach IKE on the HA's IPv6 address, those on IPv4 access on its IPv4 one (TS 24.303 §5.1.2.2):
   * with both configured, IKE listens on both, the IPv6 one best effort (not assigned here: logged, skipped). Lab
   * aliases carry only the addresses they name.
   */
  /** The embedded AAA's subscriber file; an empty store when an external AAA authenticates. */
  private openSubscriberStore(): SubscriberStore {
    const file = this.config.aaa.subscriberFile;
    if (this.deps.subscriberStore) return this.deps.subscriberStore;
    if (this.config.aaa.mode !== 'embedded' || file === undefined) return new InMemorySubscriberStore();
    this.ownedStore = openSubscriberFileStore(
      this.config.aaa,
      componentLogger(this.rootLog, 'aaa'),
      this.deps.configDir,
    );
    return this.ownedStore;
  }

  /** For `ha.aaa.mode` radius/diameter: the backend (ConfigError when not built in) and the relay in front of it. */
  private openAaaRelay(): void {
    const aaa = this.config.aaa;
    if (aaa.mode === 'embedded' && !this.deps.eapBackend) return;
    const log = componentLogger(this.rootLog, 'aaa');
    const backend =
      this.deps.eapBackend ??
      createEapBackend(aaa, {
        now: monotonicNowMs,
        registry: this.metrics.registry,
        log,
        localAddress: (this.config.addresses.ipv4 ?? this.config.addresses.ipv6).toString(),
      });
    this.aaaRelay = new HaAaaRelay({
      backend,
      metrics: new AaaMetrics(this.metrics.registry, aaa.mode),
      log,
      run: (command) => this.ike?.run(command),
      now: monotonicNowMs,
      detach: (ikeSaId) => this.identitySessions.revoke(ikeSaId),
      sessionPrefix: `${this.config.ike.identity};${Date.now()}`,
    });
    this.log.info({ mode: aaa.mode }, 'UEs authenticated by an external AAA');
  }

  private moreIkeAddresses(): IpAddress[] {
    const { ipv4, ipv6 } = this.config.addresses;
    if (this.deps.ikeAddress !== undefined || ipv4 === undefined) return [];
    const aliases = this.deps.aliases;
    return aliases === undefined || !sameAddress(aliases.toWire(ipv6), ipv6) ? [ipv6] : [];
  }

  /** The core-side TUN device (TunUnavailableError when the process cannot open it: no addon, not root). */
  private openTun(): void {
    const raw = (): HaRawTunnels | undefined => this.raw;
    const dsmip = (): DatagramTransport | undefined => this.dsmip;
    this.tun = HaTun.open(this.config, {
      output: {
        get udp() {
          return dsmip();
        },
        sendRaw: (family, protocol, packet) => raw()?.send(family, protocol, packet) ?? false,
      },
      isMobileRouter: (a) => this.core.binding(a)?.has(BindingFlag.MOBILE_ROUTER) ?? false,
      now: monotonicNowMs,
      ...(this.deps.openTun ? { open: this.deps.openTun } : {}),
      dataSas: this.dataSas,
    });
    this.log.info({ tun: this.tun.name, routes: this.tun.routes }, 'TUN device up');
  }

  private openCapture(): PacketCapture {
    if (!this.config.capture.pcap) return NO_CAPTURE;
    this.ownedCapture = CaptureWriter.open(this.config.capture.pcap, {
      guard: outputGuardLogging(this.log, 'capture'),
    });
    return this.ownedCapture;
  }

  /** UDP 4191: a BU (IPv6 + ESP + MH) or a reverse-tunnelled data packet (RFC 5555 §4.1). */
  private onDsmip(d: InboundDatagram): void {
    const outcome = this.pipeline.receiveUdp(d.receivedAt, d);
    if (outcome.kind === 'not-signalling') {
      const outer: OuterInfo = {
        family: 4,
        source: d.source as Ipv4Address,
        destination: d.local as Ipv4Address,
        sourcePort: d.sourcePort,
        viaUdp4191: true,
      };
      this.dataPlane.fromMobileNode(d.receivedAt, outer, d.payload);
      return; // user data: nothing for the signalling pipeline to send or re-arm (the hot path)
    }
    if (outcome.kind === 'dropped') this.drop('signalling', outcome.reason);
    else if (outcome.kind === 'esp-other') this.drop('signalling', 'esp-on-another-child-sa');
    this.serviceSignalling();
  }

  /** A raw IP packet (protocol 41/4 over IPv4, ESP/41/4 over IPv6); true when it was not signalling. */
  private onRawSignalling(now: number, packet: Uint8Array): boolean {
    const outcome = this.pipeline.receiveIp(now, packet);
    if (outcome.kind === 'dropped') this.drop('signalling', outcome.reason);
    else if (outcome.kind === 'esp-other') this.drop('signalling', 'esp-on-another-child-sa');
    this.serviceSignalling();
    return outcome.kind === 'not-signalling';
  }

  /** Sends what the pipeline sealed, applies the core's events, re-arms the timer. */
  private serviceSignalling(): void {
    if (this.stopped) return;
    for (let out = this.pipeline.pollSend(); out !== undefined; out = this.pipeline.pollSend()) this.baSender.send(out);
    this.baSender.clearNotes();
    for (let e = this.core.pollEvent(); e !== undefined; e = this.core.pollEvent()) this.onBindingEvent(e);
    this.timer.arm(this.pipeline.pollTimeout());
  }

  private onBindingEvent(e: HomeAgentEvent): void {
    this.bindings.apply(e);
    this.tun?.applyBindingEvent(e);
    this.dataSas.applyBindingEvent(e);
    this.mipLog.info({ event: e }, e.kind);
    this.emit({ kind: 'binding', event: e });
  }

  private sendTunnel(route: TunnelRoute, inner: Uint8Array): boolean {
    if (route.kind !== 'udp4') {
      // IPv6-in-IPv4 / IPv4-in-IPv4 to an IPv4 CoA without NAT, or an IPv6 header for an IPv6 CoA (§5.1.3.2).
      const packet = encapsulate(route, inner);
      return this.raw?.send(route.kind === 'ipv4' ? 4 : 6, tunnelProtocolFor(inner), packet) ?? false;
    }
    if (!this.dsmip) return false;
    this.dsmip.send(inner, route.destination, route.destinationPort, { source: route.source });
    return true;
  }

  private drop(layer: string, reason: string): void {
    this.metrics.countDrop(layer, reason);
    this.emit({ kind: 'drop', layer, reason });
  }

  private emit(e: HomeAgentNodeEvent): void {
    this.events.emit(e);
  }
}

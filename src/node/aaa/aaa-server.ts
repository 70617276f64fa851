/**
 * `dsmip aaa`: a standalone 3GPP AAA server (TS 33.402 §6.2 for the S2c HA): EAP-AKA over the subscriber store,
 * EAP-MD5/GTC for RFC 4739 second rounds, behind RADIUS (RFC 3579) and Diameter EAP (RFC 4072) listeners that
 * plug in through `AAA_LISTENER_FACTORIES`; Prometheus metrics and JSON logs. `reload` applies a re-read config
 * (SIGHUP): the second-round users and the subscriber file; listener changes need a restart.
 */

import { Registry } from 'prom-client';
import type { EapAuthenticatorFactory, EapAuthenticatorStep } from '../../aaa/diameter/index.ts';
import type { AaaConfig } from '../../config/load.ts';
import type { SubscriberStore } from '../../eap/index.ts';
import type { EapServerFactory, EapServerStep } from '../../ike/eap.ts';
import { AaaMetrics } from '../../obs/aaa-metrics.ts';
import { componentLogger, createLogger, type Logger } from '../../obs/log.ts';
import { type MetricsServer, startMetricsServer } from '../../obs/metrics.ts';
import { ConfigError } from '../../util/errors.ts';
import { embeddedEapServerFactory, passwordUsersOf } from '../ike/eap-adapters.ts';
import { osRandom } from '../ike/udp-endpoint.ts';
import { monotonicNowMs } from '../net/clock.ts';
import { startDiameterListener, startRadiusListener } from './aaa-listeners.ts';
import { eapAkaAuthenticatorFactory } from './diameter-eap-aka.ts';
import type { EapBackend, EapRoundRequest, EapRoundResult } from './eap-backend.ts';
import { EmbeddedEapBackend } from './embedded-backend.ts';
import { SubscriberFileStore } from './subscriber-file-store.ts';

export type AaaListenerKind = 'radius' | 'diameter';

/** A protocol front end of the AAA server (RADIUS or Diameter): it answers HAs by calling `backend.exchange`. */
export interface AaaListener {
  /** Where it listens, for logs (`udp 127.0.0.1:1812`). */
  readonly description: string;
  close(): Promise<void>;
}

export interface AaaListenerDeps {
  /** The AAA's EAP engine: every EAP message of every session goes through it (metrics counted here). */
  readonly backend: EapBackend;
  /**
   * The AAA's EAP methods for a listener that runs them itself (RADIUS): EAP-AKA/AKA′, or EAP-MD5/GTC for an
   * identity among the second-round users (RFC 4739 §3: the second round runs under its own identity).
   */
  readonly eapServers: EapServerFactory;
  /** The same methods for the Diameter application, with why a run failed (DIAMETER_ERROR_USER_UNKNOWN). */
  readonly diameterAuthenticators: EapAuthenticatorFactory;
  readonly log: Logger;
  readonly registry: Registry;
}

export type AaaListenerFactory<K extends AaaListenerKind> = (
  config: NonNullable<AaaConfig[K]>,
  deps: AaaListenerDeps,
) => Promise<AaaListener>;

/** The listeners built into this tree. */
export const AAA_LISTENER_FACTORIES: {
  radius?: AaaListenerFactory<'radius'>;
  diameter?: AaaListenerFactory<'diameter'>;
} = { radius: startRadiusListener, diameter: startDiameterListener };

export interface AaaServerDeps {
  readonly logger?: Logger;
  /** Instead of `config.subscriberFile`. */
  readonly subscriberStore?: SubscriberStore;
  /** Serve `/metrics`; default `config.metrics.enabled`. */
  readonly metricsServer?: boolean;
  readonly random?: (n: number) => Uint8Array;
}

/** The EAP engine with its metrics: what the listeners call. */
class MeteredBackend implements EapBackend {
  constructor(
    private inner: EmbeddedEapBackend,
    private readonly metrics: AaaMetrics,
  ) {}

  private readonly abortListeners: ((sessionKey: string) => void)[] = [];

  /** A new engine (reload): conversations under way end; the UE's next attach starts a fresh one. */
  replace(inner: EmbeddedEapBackend): void {
    void this.inner.close();
    this.inner = inner;
    for (const l of this.abortListeners) inner.onAbort(l);
  }

  async exchange(request: EapRoundRequest): Promise<EapRoundResult> {
    const started = monotonicNowMs();
    this.metrics.countRequest(request.round);
    const result = await this.inner.exchange(request);
    this.metrics.countAnswer(result.kind, (monotonicNowMs() - started) / 1000);
    if (result.kind === 'failure') this.metrics.countFailure(result.reason);
    return result;
  }

  endSession(sessionKey: string): void {
    this.inner.endSession(sessionKey);
  }

  onAbort(listener: (sessionKey: string) => void): void {
    this.abortListeners.push(listener);
    this.inner.onAbort(listener);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

export class AaaServer {
  readonly registry = new Registry();
  readonly metrics: AaaMetrics;
  readonly backend: EapBackend;
  private readonly metered: MeteredBackend;
  private readonly log: Logger;
  private readonly listeners: AaaListener[] = [];
  private metricsHttp: MetricsServer | undefined;
  private stopped = false;
  /** The current engine's methods and AKA authenticator (replaced on reload), for the listeners. */
  private servers!: EapServerFactory;
  private akaAuthenticators!: EapAuthenticatorFactory;

  private constructor(
    private config: AaaConfig,
    private readonly deps: AaaServerDeps,
  ) {
    this.log = componentLogger(deps.logger ?? createLogger({ ...config.logging, name: 'dsmip-aaa' }), 'aaa');
    this.metrics = new AaaMetrics(this.registry, 'embedded');
    this.metered = new MeteredBackend(this.engineOf(config), this.metrics);
    this.backend = this.metered;
  }

  /** Opens the listeners and the metrics server; on any failure what was opened is closed again. */
  static async start(config: AaaConfig, deps: AaaServerDeps = {}): Promise<AaaServer> {
    const server = new AaaServer(config, deps);
    try {
      await server.open();
    } catch (e) {
      await server.stop();
      throw e;
    }
    return server;
  }

  /** Where each listener serves (`udp 127.0.0.1:1812`, `tcp ::1:3868`). */
  get listening(): readonly string[] {
    return this.listeners.map((l) => l.description);
  }

  get metricsUrl(): string | undefined {
    return this.metricsHttp?.url;
  }

  /**
   * Applies a re-read config: new second-round users and subscriber file take effect at once (conversations under
   * way end, and the UE's next attach starts over); anything else is reported as needing a restart.
   */
  reload(next: AaaConfig): { readonly applied: string[]; readonly restart: string[] } {
    const applied: string[] = [];
    const restart: string[] = [];
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    if (!same(next.secondAuth, this.config.secondAuth)) applied.push('aaa.secondAuth');
    if (next.subscriberFile !== this.config.subscriberFile) applied.push('aaa.subscriberFile');
    for (const key of ['radius', 'diameter', 'metrics', 'logging'] as const)
      if (!same(next[key], this.config[key])) restart.push(`aaa.${key}`);
    this.metered.replace(this.engineOf(next));
    this.config = { ...this.config, secondAuth: next.secondAuth, subscriberFile: next.subscriberFile };
    this.log.info({ applied, restart }, 'config reloaded');
    return { applied, restart };
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const l of this.listeners.splice(0)) await l.close();
    await this.metered.close();
    if (this.metricsHttp) {
      await this.metricsHttp.close();
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }

  private engineOf(config: AaaConfig): EmbeddedEapBackend {
    const store =
      this.deps.subscriberStore ??
      SubscriberFileStore.open(config.subscriberFile, {
        onPersistError: (e) => this.log.error({ err: e }, 'subscriber file not updated'),
      });
    const random = this.deps.random ?? osRandom;
    this.akaAuthenticators = eapAkaAuthenticatorFactory(store, random);
    const servers = embeddedEapServerFactory({
      store,
      random,
      secondAuth: { method: config.secondAuth.method, users: passwordUsersOf(config.secondAuth.users) },
      onEvent: (e) => this.log.debug({ event: e.kind }, 'EAP-AKA'),
      onPasswordOutcome: (identity, ok, reason) => this.log.info({ identity, ok, reason }, 'second round'),
    });
    this.servers = servers;
    return new EmbeddedEapBackend({ servers, now: monotonicNowMs });
  }

  /** An identity among the second-round users runs EAP-MD5/GTC (round 2); any other runs EAP-AKA (spec AAA-8). */
  private isSecondRoundUser(identity: string): boolean {
    return this.config.secondAuth.users.some((u) => u.identity === identity);
  }

  private listenerServers: EapServerFactory = (ctx) =>
    this.servers({ ikeIdentity: ctx.ikeIdentity, round: this.isSecondRoundUser(ctx.ikeIdentity) ? 1 : 0 });

  private listenerAuthenticators: EapAuthenticatorFactory = (ctx) => {
    if (!this.isSecondRoundUser(ctx.identity)) return this.akaAuthenticators(ctx);
    const server = this.servers({ ikeIdentity: ctx.identity, round: 1 });
    const convert = (step: EapServerStep): EapAuthenticatorStep => {
      if (step.result?.ok === true) return { result: step.result };
      if (step.result?.ok === false)
        return { result: { ok: false, eapFailure: step.result.eapFailure, reason: 'rejected' } };
      return step.request ? { request: step.request } : {};
    };
    return { start: () => ({ request: server.start() }), handle: (r) => convert(server.handle(r)) };
  };

  private async open(): Promise<void> {
    const c = this.config;
    const deps: AaaListenerDeps = {
      backend: this.backend,
      eapServers: this.listenerServers,
      diameterAuthenticators: this.listenerAuthenticators,
      log: this.log,
      registry: this.registry,
    };
    if (c.radius) {
      const f = AAA_LISTENER_FACTORIES.radius;
      if (!f) throw new ConfigError('INVALID', 'aaa.radius', 'the RADIUS listener is not built in this tree');
      this.listeners.push(await f(c.radius, deps));
    }
    if (c.diameter) {
      const f = AAA_LISTENER_FACTORIES.diameter;
      if (!f) throw new ConfigError('INVALID', 'aaa.diameter', 'the Diameter listener is not built in this tree');
      this.listeners.push(await f(c.diameter, deps));
    }
    if (this.deps.metricsServer ?? c.metrics.enabled) {
      this.metricsHttp = await startMetricsServer({
        registry: this.registry,
        host: c.metrics.address.toString(),
        port: c.metrics.port,
      });
    }
    this.log.info({ listeners: this.listeners.map((l) => l.description), metrics: this.metricsUrl }, 'AAA server up');
  }
}

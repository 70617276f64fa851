/**
 * The Home Agent's IKEv2 endpoint (TS 24.303 §5.1.3.1, RFC 4877, RFC 5026): serves many IKE SAs keyed by SPI,
 * answers IKE_SA_INIT with cookies once half-open SAs pass a threshold (RFC 7296 §2.6), authenticates itself with
 * a certificate and the UE with EAP, hands out a home prefix and admits Child SAs only inside it.
 */

import { copyBytes } from '../util/bytes.ts';
import { ConfigError } from '../util/errors.ts';
import type { IpAddress, Ipv4Address, Ipv6Address } from '../util/ip-address.ts';
import { ExchangeType, NotifyType } from '../wire/ike/constants.ts';
import type { IkeHeader } from '../wire/ike/header.ts';
import type { IdentityData } from '../wire/ike/identity.ts';
import type { IkePayload } from '../wire/ike/payload.ts';
import type { TrafficSelector } from '../wire/ike/traffic-selector.ts';
import type { ChildMode } from './child-sa.ts';
import {
  DEFAULT_ESP_PROPOSALS,
  DEFAULT_IKE_PROPOSALS,
  DEFAULT_TIMING,
  type EspProposalConfig,
  type IkeProposalConfig,
  type TimingConfig,
} from './config.ts';
import { checkEspProposals, checkIkeProposals } from './config-check.ts';
import type { HomePrefix } from './config-payload.ts';
import { type CookieSecret, computeCookie, verifyCookie } from './cookie.ts';
import type { EapAnswer, EapServerFactory, ExternalEapAuthenticator } from './eap.ts';
import { IkeEndpoint } from './endpoint.ts';
import type { IkeEvent, IkePath } from './events.ts';
import { IkeSa } from './ike-sa.ts';
import {
  DEFAULT_RESPONDER_LIMITS,
  type LimitCounters,
  type LimitName,
  newLimitCounters,
  type ResponderLimits,
} from './limits.ts';
import { passiveTasksFor } from './passive-tasks.ts';
import { findPayload, notify } from './payloads.ts';
import type { ChildGrant, ChildPolicy } from './sa-services.ts';
import type { InboundMessage, PassiveTask } from './task.ts';
import { homeAddressOf } from './tasks/child-common.ts';
import { ChildCreateResponder } from './tasks/child-create-responder.ts';
import { EapChallengeGate } from './tasks/eap-challenge-gate.ts';
import { IkeAuthResponder, type ResponderCredentials } from './tasks/ike-auth-responder.ts';
import { ConfigResponder, type HomePrefixPool } from './tasks/ike-config.ts';
import { IkeInitResponder } from './tasks/ike-init-responder.ts';
import { TokenBuckets } from './token-bucket.ts';
import { ANY_IPV6_SELECTOR, addressSelector, narrowSelectors, prefixSelector } from './traffic-selectors.ts';

/**
 * The Home Addresses of `sa`, each once: those its Child SAs are keyed to (`homeAddress`: a UE-side selector naming
 * one IPv6 address, RFC 4877 §7.3), i.e. the BU/BA SAs' and any data SA's without an IPv4 HoA. The IKE_AUTH Child
 * SA names the home prefix and adds none.
 */
function homeAddressesOfSa(sa: IkeSa): Ipv6Address[] {
  const out: Ipv6Address[] = [];
  for (const c of sa.children.values())
    if (c.homeAddress && !out.some((a) => a.equals(c.homeAddress!))) out.push(c.homeAddress);
  return out;
}

export interface ResponderConfig {
  readonly random: (n: number) => Uint8Array;
  readonly timing?: TimingConfig;
  readonly ikeProposals?: readonly IkeProposalConfig[];
  readonly espProposals?: readonly EspProposalConfig[];
  /** The port on which IKE carries the non-ESP marker (4500, RFC 3948). */
  readonly natTPort?: number;
  readonly credentials: ResponderCredentials;
  /** IDr when the UE names none. */
  readonly identity: IdentityData;
  /** The embedded EAP server (synchronous), or an external AAA answered through `completeEap`. */
  readonly eapServer: EapServerFactory | ExternalEapAuthenticator;
  /** Authentication rounds a UE must complete; 2 requires an RFC 4739 second round. Default 1. */
  readonly requiredAuthRounds?: number;
  readonly pool: HomePrefixPool;
  readonly prefixLifetimeSec: number;
  readonly dns?: { readonly ipv6: readonly Ipv6Address[]; readonly ipv4: readonly Ipv4Address[] };
  readonly requireConfigPayload?: boolean;
  /** What the HA side of a Child SA may cover (TSr policy); default every IPv6 address. */
  readonly localSelectors?: readonly TrafficSelector[];
  /**
   * TSr policy of new tunnel-mode Child SAs made with CREATE_CHILD_SA, i.e. the data SA of RFC 5555 §5.2.2, whose HA
   * SPD rule is "local_address != home_agent"; default `localSelectors`. Transport mode (the BU/BA SA) and the IKE_AUTH
   * Child SA keep `localSelectors`; a rekey keeps the selectors of the SA it replaces (RFC 7296 §2.9.2).
   */
  readonly tunnelLocalSelectors?: readonly TrafficSelector[];
  /**
   * The IPv4 home addresses bound with these IPv6 Home Addresses (RFC 5555 §5: the HA stores which IPv4 HoA goes with
   * which IPv6 HoA). A tunnel-mode Child SA may name them in TSi beside the home prefix (RFC 5555 §5.2.2:
   * "home_address is the MN's registered IPv6 or IPv4 home address"). Default: none.
   */
  readonly ipv4HomeAddressesOf?: (homeAddresses: readonly Ipv6Address[]) => readonly Ipv4Address[];
  readonly allowTransportMode?: boolean;
  /** Half-open SAs at which cookies become mandatory (0 = always), and the secret they are made with. */
  readonly cookies: { readonly threshold: number; readonly secret: CookieSecret };
  /** Flood limits (src/ike/limits.ts); default DEFAULT_RESPONDER_LIMITS. */
  readonly limits?: ResponderLimits;
  /** The key an EAP identity is rate-limited under (e.g. the IMSI of an EAP-AKA NAI); default the text itself. */
  readonly eapIdentityKey?: (identity: string) => string;
  readonly multipleAuth?: boolean;
  readonly maxAuthMessages?: number;
  /** `message-payloads` events for each protected message (a message trace). */
  readonly messageTrace?: boolean;
}

/** What the MIP core needs to tie a Binding Update to an authenticated subscriber (RFC 4877 §7.1, §9). */
export interface SessionInfo {
  readonly ikeSaId: number;
  readonly peerId: string;
  readonly eapIdentities: readonly string[];
  readonly subscriber: string | undefined;
  readonly homePrefix: HomePrefix | undefined;
  readonly path: IkePath;
  readonly childSas: readonly {
    readonly spiIn: number;
    readonly spiOut: number;
    readonly mode: ChildMode;
    readonly homeAddress: Ipv6Address | undefined;
  }[];
}

export class IkeResponder extends IkeEndpoint {
  readonly childPolicy: ChildPolicy;
  private readonly sessionOfChild = new Map<number, number>();
  private cookieSecrets: CookieSecret[];
  /** Refusals by limit (src/ike/limits.ts). */
  readonly limitCounters: LimitCounters = newLimitCounters();
  /** IKE_SA_INITs that created a half-open SA: attach attempts, authenticated or not. */
  halfOpenCreated = 0;
  private readonly limits: ResponderLimits;
  private readonly eapPerIdentity: TokenBuckets;
  private readonly eapPerSource: TokenBuckets;

  constructor(private readonly config: ResponderConfig) {
    const natT = config.natTPort ?? 4500;
    super({
      random: config.random,
      timing: config.timing ?? DEFAULT_TIMING,
      ikeProposals: config.ikeProposals ?? DEFAULT_IKE_PROPOSALS,
      natTPorts: { local: natT, remote: natT },
      messageTrace: config.messageTrace ?? false,
    });
    checkIkeProposals(this.ikeProposals, 'ha.ike.proposals');
    checkEspProposals(config.espProposals ?? DEFAULT_ESP_PROPOSALS, 'ha.esp.proposals');
    if (config.credentials.key.type === 'other')
      throw new ConfigError('INVALID', 'ha.credentials.key', 'not RSA or ECDSA P-256');
    if (config.credentials.certificates.length === 0)
      throw new ConfigError('MISSING', 'ha.credentials.certificates', 'no certificate');
    if (
      !Number.isInteger(config.prefixLifetimeSec) ||
      config.prefixLifetimeSec < 0 ||
      config.prefixLifetimeSec > 0xffffffff
    ) {
      throw new ConfigError('INVALID', 'ha.prefixLifetimeSec', 'must fit the 32-bit Prefix Lifetime (RFC 5026 §8.2)');
    }
    this.cookieSecrets = [config.cookies.secret];
    this.limits = config.limits ?? DEFAULT_RESPONDER_LIMITS;
    this.eapPerIdentity = new TokenBuckets(this.limits.eapPerIdentity);
    this.eapPerSource = new TokenBuckets(this.limits.eapPerSource);
    const localSelectors = config.localSelectors ?? [ANY_IPV6_SELECTOR];
    const tunnelLocalSelectors = config.tunnelLocalSelectors ?? localSelectors;
    const allowTransport = config.allowTransportMode ?? true;
    this.childPolicy = {
      espProposals: config.espProposals ?? DEFAULT_ESP_PROPOSALS,
      grant: (sa, request, rekeyOf): ChildGrant => {
        const p = sa.session.homePrefix;
        if (!p) return { ok: false, notifyType: NotifyType.TS_UNACCEPTABLE, reason: 'no-home-prefix' };
        const mode: ChildMode =
          (rekeyOf ? rekeyOf.mode === 'transport' : request.transport) && allowTransport ? 'transport' : 'tunnel';
        // The UE side must lie inside the prefix given to this IKE SA (RFC 4877 §7.3; TS 24.303 §5.1.3.1), or be an
        // IPv4 HoA bound with one of its Home Addresses (a new tunnel-mode SA of CREATE_CHILD_SA, RFC 5555 §5.2.2).
        // A rekey gets the selectors of the SA it replaces, whichever rule made them: the responder "MUST NOT
        // narrow down the Traffic Selectors narrower than the scope currently in use" (RFC 7296 §2.9.2).
        let tsi: TrafficSelector[];
        let tsr: TrafficSelector[];
        if (rekeyOf) {
          tsi = narrowSelectors(request.tsi, rekeyOf.tsRemote);
          tsr = narrowSelectors(request.tsr, rekeyOf.tsLocal);
        } else {
          const dataSa = mode === 'tunnel' && request.exchangeType === ExchangeType.CREATE_CHILD_SA;
          const uePolicy = [prefixSelector(p.prefix, p.prefixLength)];
          if (dataSa && config.ipv4HomeAddressesOf) {
            for (const a of config.ipv4HomeAddressesOf(homeAddressesOfSa(sa))) uePolicy.push(addressSelector(a));
          }
          tsi = narrowSelectors(request.tsi, uePolicy);
          tsr = narrowSelectors(request.tsr, dataSa ? tunnelLocalSelectors : localSelectors);
        }
        if (tsi.length === 0 || tsr.length === 0)
          return { ok: false, notifyType: NotifyType.TS_UNACCEPTABLE, reason: 'outside-prefix' };
        return { ok: true, tsi, tsr, mode, homeAddress: rekeyOf?.homeAddress ?? homeAddressOf(tsi) };
      },
    };
  }

  /**
   * The external AAA's answer to the `eap-pending` event (`ikeSaId`, `token`): the deferred IKE_AUTH response goes
   * out. False, and counted in `eapAnswersDiscarded`, when nothing waits for it any more (the IKE SA was deleted,
   * the round timed out, or the answer came twice).
   */
  completeEap(now: number, ikeSaId: number, token: number, answer: EapAnswer): boolean {
    let taken = false;
    this.withSa(now, ikeSaId, (sa) => {
      const task = sa.tasks.deferredTask;
      if (task instanceof IkeAuthResponder && task.accept(token, answer)) {
        taken = true;
        sa.tasks.resume();
      }
    });
    if (!taken) this.counters.eapAnswersDiscarded++;
    return taken;
  }

  /** Replaces the cookie secret; cookies made with the previous one stay valid until the next change (§2.6). */
  rotateCookieSecret(secret: CookieSecret): void {
    this.cookieSecrets = [secret, this.cookieSecrets[0]!];
  }

  get halfOpenCount(): number {
    return this.table.halfOpenCount;
  }

  /** Half-open SAs whose IKE_SA_INIT came from `address`. */
  halfOpenFrom(address: IpAddress): number {
    return this.table.halfOpenFrom(address.toString());
  }

  /** The most half-open SAs one source address holds now. */
  get halfOpenMaxPerSource(): number {
    return this.table.halfOpenMaxPerSource;
  }

  /** Established sessions only: the half-open ones (not yet authenticated) are not counted. */
  get establishedSaCount(): number {
    return this.table.sessions - this.table.halfOpenCount;
  }

  passiveTasks(sa: IkeSa, msg: InboundMessage): PassiveTask[] | undefined {
    const c = this.config;
    return passiveTasksFor(sa, msg, {
      ikeSaInit: () => [new IkeInitResponder({ multipleAuth: c.multipleAuth ?? true })],
      ikeAuth: () => [
        new EapChallengeGate({
          perIdentity: this.eapPerIdentity,
          perSource: this.eapPerSource,
          identityKey: c.eapIdentityKey ?? ((id) => id),
          refused: (limit) => this.countRefusal(limit),
        }),
        new IkeAuthResponder({
          credentials: c.credentials,
          eapServer: c.eapServer,
          ownIdentity: c.identity,
          maxMessages: c.maxAuthMessages ?? 32,
          requiredRounds: c.requiredAuthRounds ?? 1,
        }),
        new ConfigResponder({
          pool: c.pool,
          prefixLifetimeSec: c.prefixLifetimeSec,
          ipv6Dns: c.dns?.ipv6 ?? [],
          ipv4Dns: c.dns?.ipv4 ?? [],
          requireConfigPayload: c.requireConfigPayload ?? true,
        }),
        new ChildCreateResponder(ExchangeType.IKE_AUTH),
      ],
    });
  }

  protected onUnknownSa(header: IkeHeader, payloads: readonly IkePayload[], raw: Uint8Array, path: IkePath): void {
    const isInit =
      header.exchangeType === ExchangeType.IKE_SA_INIT &&
      !header.response &&
      header.initiator &&
      header.messageId === 0;
    if (!isInit || header.responderSpi.some((b) => b !== 0) || header.initiatorSpi.every((b) => b === 0)) {
      this.answerUnknownSpi(header, path);
      return;
    }
    const known = this.table.findHalfOpen(header.initiatorSpi, path);
    if (known) {
      known.receive(header, payloads, raw, path); // a retransmission is answered from the cache
      this.reschedule(known);
      return;
    }
    if (!this.admitUnderLimits(path)) return;
    if (!this.admitWithCookie(header, payloads, path)) return;
    const sa = new IkeSa(this.newSaId(), this, false, copyBytes(header.initiatorSpi), this.allocateIkeSpi(), path);
    // Under pressure (the cookie threshold reached) a new half-open SA gets the shorter lifetime.
    if (this.table.halfOpenCount >= this.config.cookies.threshold)
      sa.halfOpenTimeoutMs = Math.min(this.limits.halfOpenPressureTimeoutMs, this.timing.halfOpenTimeoutMs);
    this.register(sa);
    this.table.addHalfOpen(sa, path);
    this.halfOpenCreated++;
    sa.receive(header, payloads, raw, path);
    this.reschedule(sa);
  }

  /**
   * The half-open caps, checked before any cookie work: an IKE_SA_INIT that would pass the per-source or the total
   * cap is dropped unanswered and counted (RFC 7296 §2.6 leaves the policy open; strongSwan `block_threshold`,
   * `init_limit_half_open`). The per-source count holds only SAs made from verified cookies once the threshold is
   * reached, so a spoofer cannot fill another address's quota beyond what the threshold lets through.
   */
  private admitUnderLimits(path: IkePath): boolean {
    const { halfOpenPerSource, halfOpenTotal } = this.limits;
    if (halfOpenTotal > 0 && this.table.halfOpenCount >= halfOpenTotal) return this.countRefusal('half-open-total');
    if (halfOpenPerSource > 0 && this.table.halfOpenFrom(path.remoteAddr.toString()) >= halfOpenPerSource)
      return this.countRefusal('half-open-per-source');
    return true;
  }

  private countRefusal(limit: LimitName): false {
    this.limitCounters[limit]++;
    return false;
  }

  /**
   * Above the threshold an IKE_SA_INIT must start with N(COOKIE) we made for this initiator; otherwise it gets
   * one, statelessly (RFC 7296 §2.6).
   */
  private admitWithCookie(header: IkeHeader, payloads: readonly IkePayload[], path: IkePath): boolean {
    if (this.table.halfOpenCount < this.config.cookies.threshold) return true;
    const nonce = findPayload(payloads, 'nonce');
    if (!nonce) {
      this.counters.droppedMalformed++;
      return false;
    }
    const first = payloads[0];
    const offered = first?.kind === 'notify' && first.notifyType === NotifyType.COOKIE ? first.data : undefined;
    if (offered && verifyCookie(this.cookieSecrets, offered, nonce.data, path.remoteAddr, header.initiatorSpi))
      return true;
    if (offered) this.counters.invalidCookies++;
    this.counters.cookiesSent++;
    const cookie = computeCookie(this.cookieSecrets[0]!, nonce.data, path.remoteAddr, header.initiatorSpi);
    this.sendUnprotected(header, [notify(NotifyType.COOKIE, cookie)], path, new Uint8Array(8));
    return false;
  }

  override emit(e: IkeEvent): void {
    if (e.kind === 'ike-sa-established' || e.kind === 'ike-sa-failed') {
      const sa = this.table.current(e.ikeSaId);
      if (sa) this.table.leaveHalfOpen(sa);
    } else if (e.kind === 'child-sa-established') this.sessionOfChild.set(e.spiIn, e.ikeSaId);
    else if (e.kind === 'child-sa-deleted') this.sessionOfChild.delete(e.spiIn);
    super.emit(e);
  }

  override ikeSaDestroyed(sa: IkeSa): void {
    // The prefix belongs to the session: released when its last IKE SA goes, not on a rekey (RFC 4877 §9).
    if (this.table.remove(sa) && sa.session.homePrefix) {
      this.config.pool.release(sa.session.subscriber ?? sa.session.peerId, sa.id);
    }
  }

  /** The session of an IKE SA (identity, prefix, Child SAs). */
  session(ikeSaId: number): SessionInfo | undefined {
    const sa = this.table.current(ikeSaId);
    if (!sa || sa.dead) return undefined;
    const s = sa.session;
    return {
      ikeSaId,
      peerId: s.peerId,
      eapIdentities: [...s.eapIdentities],
      subscriber: s.subscriber,
      homePrefix: s.homePrefix,
      path: sa.path,
      childSas: [...sa.children.values()].map((c) => ({
        spiIn: c.spiIn,
        spiOut: c.spiOut,
        mode: c.mode,
        homeAddress: c.homeAddress,
      })),
    };
  }

  /** The session whose Child SA receives on `spiIn` (the MIP core checks a BU's Home Address against it). */
  sessionByChildSpi(spiIn: number): SessionInfo | undefined {
    const id = this.sessionOfChild.get(spiIn);
    return id === undefined ? undefined : this.session(id);
  }

  /** True when `address` lies in the home prefix of the session (RFC 4877 §7.1 PAD check). */
  ownsAddress(ikeSaId: number, address: IpAddress): boolean {
    const p = this.table.current(ikeSaId)?.session.homePrefix;
    return (
      p !== undefined && address.bytes.length === 16 && (address as Ipv6Address).hasPrefix(p.prefix, p.prefixLength)
    );
  }
}

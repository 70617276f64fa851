/**
 * The UE's IKEv2 endpoint (TS 24.303 §5.1.2.2, RFC 4877, RFC 5026): IKE_SA_INIT, then IKE_AUTH with IDi = NAI,
 * IDr = APN, CFG_REQUEST for the home prefix and EAP, then — once the Home Address is formed — the CREATE_CHILD_SA
 * that protects Binding Updates and Acknowledgements (RFC 4877 §7.3).
 */
import { ConfigError } from '../util/errors.ts';
import type { Ipv6Address } from '../util/ip-address.ts';
import { ExchangeType, NotifyType } from '../wire/ike/constants.ts';
import type { IkeHeader } from '../wire/ike/header.ts';
import type { IkePayload } from '../wire/ike/payload.ts';
import {
  DEFAULT_ESP_PROPOSALS,
  DEFAULT_IKE_PROPOSALS,
  DEFAULT_TIMING,
  type EspProposalConfig,
  type IkeProposalConfig,
  type TimingConfig,
} from './config.ts';
import { checkEspProposals, checkIkeProposals } from './config-check.ts';
import type { CfgRequestOptions } from './config-payload.ts';
import { IkeEndpoint } from './endpoint.ts';
import type { IkePath } from './events.ts';
import { IkeSa } from './ike-sa.ts';
import { passiveTasksFor } from './passive-tasks.ts';
import type { ChildGrant, ChildPolicy } from './sa-services.ts';
import type { InboundMessage, PassiveTask } from './task.ts';
import { ChildCreateInitiator, type ChildRequest } from './tasks/child-create-initiator.ts';
import { IkeAuthInitiator, type InitiatorAuthConfig } from './tasks/ike-auth-initiator.ts';
import { ConfigInitiator } from './tasks/ike-config.ts';
import { IkeInitInitiator } from './tasks/ike-init-initiator.ts';
import { IkeDeleteInitiator } from './tasks/informational-initiator.ts';
import { ANY_IPV6_SELECTOR, mobilitySelectors, narrowSelectors } from './traffic-selectors.ts';

export interface InitiatorConfig {
  readonly random: (n: number) => Uint8Array;
  readonly timing?: TimingConfig;
  readonly ikeProposals?: readonly IkeProposalConfig[];
  readonly espProposals?: readonly EspProposalConfig[];
  /** Where IKE starts (UDP 500 normally) and the NAT-T ports it moves to (4500, RFC 3948). */
  readonly path: IkePath;
  readonly natTPorts?: { readonly local: number; readonly remote: number };
  /** Move to NAT-T after IKE_SA_INIT even without a NAT (RFC 5555 §5). */
  readonly alwaysUseNatT?: boolean;
  readonly auth: InitiatorAuthConfig;
  /** What to ask for besides MIP6_HOME_PREFIX; undefined sends no CP at all (not a DSMIPv6 UE). */
  readonly configRequest: CfgRequestOptions | undefined;
  /** The Home Address interface identifier (8 bytes); random per attach when absent. */
  readonly interfaceId?: Uint8Array;
  /** The Child SA piggybacked on IKE_AUTH (RFC 7296 §1.2); default a tunnel-mode SA for all IPv6 traffic. */
  readonly authChild?: ChildRequest;
  /**
   * The HA's IPv6 address: after IKE_AUTH the UE negotiates the BU/BA Child SA TSi = HoA, TSr = HA, protocol 135,
   * transport mode (RFC 4877 §7.3, TS 24.303 §5.1.2.2). Absent: no such SA is started.
   */
  readonly homeAgentAddress?: Ipv6Address;
  readonly requireHomePrefix?: boolean;
  /** `message-payloads` events for each protected message (the UE's message trace). */
  readonly messageTrace?: boolean;
}

export const DEFAULT_AUTH_CHILD: ChildRequest = Object.freeze({
  tsi: [ANY_IPV6_SELECTOR],
  tsr: [ANY_IPV6_SELECTOR],
  mode: 'tunnel',
  requireMode: false,
  homeAddress: undefined,
});

export class IkeInitiator extends IkeEndpoint {
  readonly childPolicy: ChildPolicy;

  constructor(private readonly config: InitiatorConfig) {
    super({
      random: config.random,
      timing: config.timing ?? DEFAULT_TIMING,
      ikeProposals: config.ikeProposals ?? DEFAULT_IKE_PROPOSALS,
      natTPorts: config.natTPorts ?? { local: 4500, remote: 4500 },
      messageTrace: config.messageTrace ?? false,
    });
    checkIkeProposals(this.ikeProposals, 'ue.ike.proposals');
    checkEspProposals(config.espProposals ?? DEFAULT_ESP_PROPOSALS, 'ue.esp.proposals');
    if (config.auth.rounds.length === 0) throw new ConfigError('MISSING', 'ue.auth.rounds', 'no authentication round');
    if (config.interfaceId && config.interfaceId.length !== 8) {
      throw new ConfigError('INVALID', 'ue.interfaceId', 'an interface identifier is 8 bytes');
    }
    this.childPolicy = {
      espProposals: config.espProposals ?? DEFAULT_ESP_PROPOSALS,
      // The UE accepts rekeys of its own Child SAs (same selectors and mode) but no new ones from the HA.
      grant: (_sa, request, rekeyOf): ChildGrant => {
        if (!rekeyOf) return { ok: false, notifyType: NotifyType.NO_ADDITIONAL_SAS, reason: 'no-peer-children' };
        const tsi = narrowSelectors(request.tsi, rekeyOf.tsRemote);
        const tsr = narrowSelectors(request.tsr, rekeyOf.tsLocal);
        if (tsi.length === 0 || tsr.length === 0)
          return { ok: false, notifyType: NotifyType.TS_UNACCEPTABLE, reason: 'selectors-changed' };
        return { ok: true, tsi, tsr, mode: rekeyOf.mode, homeAddress: rekeyOf.homeAddress };
      },
    };
  }

  /** Starts an attach: IKE_SA_INIT, then IKE_AUTH with EAP. Returns the id of the new IKE SA. */
  connect(now: number): number {
    this.now = now;
    const c = this.config;
    const sa = new IkeSa(this.newSaId(), this, true, this.allocateIkeSpi(), new Uint8Array(8), c.path);
    this.register(sa);
    sa.tasks.queue(new IkeInitInitiator({ alwaysUseNatT: c.alwaysUseNatT ?? false }));
    sa.tasks.queue(new IkeAuthInitiator(c.auth));
    if (c.configRequest) {
      sa.tasks.queue(
        new ConfigInitiator({
          ...c.configRequest,
          interfaceId: () => c.interfaceId ?? this.random(8),
          requireHomePrefix: c.requireHomePrefix ?? true,
          onHomeAddress: (s, hoa) => this.startMobilityChild(s, hoa),
          onMissingPrefix: (s) => s.tasks.queue(new IkeDeleteInitiator('no-home-prefix')),
        }),
      );
    }
    sa.tasks.queue(new ChildCreateInitiator(ExchangeType.IKE_AUTH, c.authChild ?? DEFAULT_AUTH_CHILD));
    this.reschedule(sa);
    return sa.id;
  }

  /** The BU/BA SA for the new Home Address (RFC 4877 §7.3), queued right after IKE_AUTH. */
  private startMobilityChild(sa: IkeSa, homeAddress: Ipv6Address): void {
    const ha = this.config.homeAgentAddress;
    if (!ha) return;
    const { tsi, tsr } = mobilitySelectors(homeAddress, ha);
    sa.tasks.queue(
      new ChildCreateInitiator(ExchangeType.CREATE_CHILD_SA, {
        tsi: [tsi],
        tsr: [tsr],
        mode: 'transport',
        requireMode: true,
        homeAddress,
      }),
    );
  }

  /** After BA status 134 (DAD failed) the UE picks a new HoA and only redoes CREATE_CHILD_SA (RFC 5026 §5.3.2). */
  createMobilityChildSa(now: number, ikeSaId: number, homeAddress: Ipv6Address): boolean {
    return this.withSa(now, ikeSaId, (sa) => {
      if (sa.established) this.startMobilityChild(sa, homeAddress);
    });
  }

  passiveTasks(sa: IkeSa, msg: InboundMessage): PassiveTask[] | undefined {
    return passiveTasksFor(sa, msg, {});
  }

  protected onUnknownSa(header: IkeHeader, _payloads: readonly IkePayload[], _raw: Uint8Array, path: IkePath): void {
    this.answerUnknownSpi(header, path);
  }
}

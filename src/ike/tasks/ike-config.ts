/**
 * The Configuration payload of IKE_AUTH (RFC 7296 §2.19, RFC 5026 §5.3.2, TS 24.303 §5.1.2.2/§5.1.3.1). The UE's
 * CFG_REQUEST rides in the first IKE_AUTH request; the HA answers in the last IKE_AUTH response, once every
 * authentication round has succeeded, with a prefix from its pool.
 */
import type { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { CfgType, ExchangeType, NotifyType } from '../../wire/ike/constants.ts';
import type { IkePayload } from '../../wire/ike/payload.ts';
import {
  buildCfgReply,
  buildCfgRequest,
  type CfgRequestOptions,
  type CfgRequestSummary,
  formHomeAddress,
  type HomePrefix,
  parseCfgReply,
  replyHomeAddress,
  summariseCfgRequest,
} from '../config-payload.ts';
import type { IkeSa } from '../ike-sa.ts';
import { findPayload, firstErrorNotify, notify } from '../payloads.ts';
import type { ActiveTask, InboundMessage, PassiveTask, TaskStatus } from '../task.ts';

export interface InitiatorConfigOptions extends CfgRequestOptions {
  /** The interface identifier the Home Address is formed with (8 bytes). */
  readonly interfaceId: () => Uint8Array;
  /** Called with the Home Address once the prefix is known (the UE then queues its BU/BA Child SA). */
  readonly onHomeAddress: (sa: IkeSa, homeAddress: Ipv6Address) => void;
  /** A UE without a home prefix has nothing to register: delete the IKE SA (TS 24.303 §5.1.2.2). */
  readonly requireHomePrefix: boolean;
  readonly onMissingPrefix: (sa: IkeSa) => void;
}

export class ConfigInitiator implements ActiveTask {
  readonly exchangeType = ExchangeType.IKE_AUTH;
  readonly name = 'ike-config';
  private sent = false;

  constructor(private readonly options: InitiatorConfigOptions) {}

  build(_sa: IkeSa, out: IkePayload[]): void {
    if (this.sent) return;
    this.sent = true;
    out.push(buildCfgRequest(this.options));
  }

  process(sa: IkeSa, msg: InboundMessage): TaskStatus {
    if (!sa.established) return 'again';
    const cp = findPayload(msg.payloads, 'cp');
    const reply = cp && cp.cfgType === CfgType.REPLY ? parseCfgReply(cp) : undefined;
    const prefix = reply?.homePrefix;
    if (!reply || !prefix) {
      const error = firstErrorNotify(msg.payloads);
      if (error) {
        sa.services.emit({
          kind: 'error-notify',
          ikeSaId: sa.id,
          notifyType: error.notifyType,
          exchangeType: this.exchangeType,
          direction: 'received',
          unauthenticated: false,
        });
      }
      if (this.options.requireHomePrefix) this.options.onMissingPrefix(sa);
      return 'done';
    }
    // An assigned address inside the prefix MUST be used (RFC 5026 §5.3.1); otherwise form one (§5.3.2).
    const assigned = reply.assignedAddress;
    const homeAddress =
      assigned?.hasPrefix(prefix.prefix, prefix.prefixLength) === true
        ? assigned
        : formHomeAddress(prefix, this.options.interfaceId());
    sa.session.homePrefix = prefix;
    sa.session.homeAddress = homeAddress;
    sa.services.emit({
      kind: 'home-prefix-assigned',
      ikeSaId: sa.id,
      homePrefix: prefix,
      homeAddress,
      subscriber: undefined,
      ipv6Dns: reply.ipv6Dns,
      ipv4Dns: reply.ipv4Dns,
    });
    this.options.onHomeAddress(sa, homeAddress);
    return 'done';
  }
}

/** The HA's prefix pool (injected; a per-subscriber unique prefix, TS 24.303 §5.1.3.1). */
export interface HomePrefixPool {
  /** A prefix for `subscriber` on IKE SA `ikeSaId`, or undefined when the pool is exhausted. */
  allocate(
    subscriber: string,
    ikeSaId: number,
  ): { readonly prefix: Ipv6Address; readonly prefixLength: number } | undefined;
  release(subscriber: string, ikeSaId: number): void;
}

export interface ResponderConfigOptions {
  readonly pool: HomePrefixPool;
  readonly prefixLifetimeSec: number;
  readonly ipv6Dns: readonly Ipv6Address[];
  readonly ipv4Dns: readonly Ipv4Address[];
  /** Refuse UEs that send no CFG_REQUEST (FAILED_CP_REQUIRED, RFC 7296 §3.10.1). */
  readonly requireConfigPayload: boolean;
}

export class ConfigResponder implements PassiveTask {
  readonly name = 'ike-config';
  private request: CfgRequestSummary | undefined;
  private seen = false;

  constructor(private readonly options: ResponderConfigOptions) {}

  process(_sa: IkeSa, msg: InboundMessage): void {
    if (this.seen) return;
    this.seen = true; // only the first IKE_AUTH request carries the CP (RFC 7296 §2.19)
    const cp = findPayload(msg.payloads, 'cp');
    if (cp && cp.cfgType === CfgType.REQUEST) this.request = summariseCfgRequest(cp);
  }

  build(sa: IkeSa, out: IkePayload[]): 'done' | 'again' {
    if (!sa.established) return sa.dead ? 'done' : 'again';
    const request = this.request;
    if (!request) {
      if (this.options.requireConfigPayload) this.refuse(sa, out, NotifyType.FAILED_CP_REQUIRED);
      return 'done';
    }
    // A prefix is allocated for MIP6_HOME_PREFIX, and for INTERNAL_IP6_ADDRESS alone (RFC 5026 §5.3.1).
    if (!request.homePrefix && request.ipv6Address === undefined) {
      out.push(
        buildCfgReply(request, { homePrefix: undefined, ipv6Dns: this.options.ipv6Dns, ipv4Dns: this.options.ipv4Dns }),
      );
      return 'done';
    }
    const subscriber = sa.session.subscriber ?? sa.session.peerId;
    const got = this.options.pool.allocate(subscriber, sa.id);
    if (!got) {
      // The IKE SA stays up; only the configuration fails (RFC 7296 §2.19, §2.21.2).
      this.refuse(sa, out, NotifyType.INTERNAL_ADDRESS_FAILURE);
      return 'done';
    }
    const homePrefix: HomePrefix = { ...got, lifetimeSec: this.options.prefixLifetimeSec };
    sa.session.homePrefix = homePrefix;
    sa.session.subscriber = subscriber;
    out.push(buildCfgReply(request, { homePrefix, ipv6Dns: this.options.ipv6Dns, ipv4Dns: this.options.ipv4Dns }));
    sa.services.emit({
      kind: 'home-prefix-assigned',
      ikeSaId: sa.id,
      homePrefix,
      homeAddress: replyHomeAddress(request, homePrefix),
      subscriber,
      ipv6Dns: request.ipv6Dns ? this.options.ipv6Dns : [],
      ipv4Dns: request.ipv4Dns ? this.options.ipv4Dns : [],
    });
    return 'done';
  }

  private refuse(sa: IkeSa, out: IkePayload[], notifyType: number): void {
    out.push(notify(notifyType));
    sa.reportSentError(notifyType, ExchangeType.IKE_AUTH);
  }
}

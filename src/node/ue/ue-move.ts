/**
 * A registered UE moving to a new care-of address of its access family (RFC 6275 §11.7.1, RFC 5555 §5.1, RFC 4877
 * §4.4):
 *  1. port Z opens on the new address and the BU leaves from it through the BU/BA SA already in place: that SA is
 *     keyed to the Home Address, so it survives the move (RFC 4877 §4.4). The old socket keeps receiving until the
 *     BA is in (RFC 5555 §5.1).
 *  2. The BA carries K = 0 (this UE sends K = 0, as it cannot move its IKE endpoint: RFC 6275 §11.7.1), so a new IKE
 *     SA is negotiated from the new address (RFC 6275 §11.7.3; RFC 5555 §5.1 "the IKE SA should be re-negotiated",
 *     only after the BA), keeping the Home Address: the HA's pool keeps the subscriber's prefix while one of its IKE
 *     SAs lives, and the interface identifier is the current one (RFC 5026 §5.3.2).
 *  3. The old IKE SA is deleted ("SHOULD discard", RFC 6275 §11.7.3) without waiting: from an address the UE has
 *     lost, the Delete may never be answered. See docs/spec-choices.md.
 */
import type { Ipv6Prefix } from '../../mip/types.ts';
import type { IpAddress, Ipv6Address } from '../../util/ip-address.ts';
import { sameAddress } from '../net/address-aliases.ts';
import { monotonicNowMs } from '../net/clock.ts';
import type { Listeners } from '../net/listeners.ts';
import type { NodeUdpTransport } from '../net/udp-transport.ts';
import type { IkeLink, IkeLinkOutcome } from './ike-link.ts';
import { accessInfoOf } from './ue-access.ts';
import type { UeNodeEvent } from './ue-events.ts';
import { awaitRegistration } from './ue-steps.ts';
import type { UeTunnel } from './ue-tunnel.ts';
import type { AttachResult, UeTimeouts } from './ue-types.ts';

/** The part of the UE's session a move changes. */
export interface MovingSession {
  ike: IkeLink;
  readonly tunnel: UeTunnel;
  result: AttachResult;
}

export interface CareOfMoveDeps {
  readonly events: Listeners<UeNodeEvent>;
  readonly emit: (e: UeNodeEvent) => void;
  readonly timeouts: UeTimeouts;
  /** Prefixes advertised on the new link (home link detection again, TS 24.303 §5.1.2.3). */
  readonly routerPrefixes: readonly Ipv6Prefix[];
  /** Port Z on `address`. */
  openSocket(address: IpAddress): Promise<NodeUdpTransport>;
  /** The IKEv2 attach from `careOf`, forming the Home Address with `interfaceId`. */
  openIkeLink(careOf: IpAddress, interfaceId: Uint8Array): Promise<IkeLinkOutcome>;
  /** Takes the new port Z socket (the old one is closed once the BA is in). */
  adoptSocket(socket: NodeUdpTransport): NodeUdpTransport | undefined;
  /** The old IKE link, to be deleted in the background. */
  retire(link: IkeLink): void;
}

export interface CareOfChange {
  readonly from: IpAddress;
  readonly to: IpAddress;
  /** False when `to` was the care-of address already (nothing was sent). */
  readonly changed: boolean;
  readonly ikeSaRenegotiated: boolean;
  readonly durationMs: number;
}

/** The interface identifier of a Home Address: its low 64 bits (RFC 4291 §2.5.1). */
export function interfaceIdOf(homeAddress: Ipv6Address): Uint8Array {
  return homeAddress.bytes.slice(8, 16);
}

export async function moveCareOf(s: MovingSession, to: IpAddress, deps: CareOfMoveDeps): Promise<CareOfChange> {
  const from = s.result.careOf;
  const startedAt = monotonicNowMs();
  if (sameAddress(from, to)) return { from, to, changed: false, ikeSaRenegotiated: false, durationMs: 0 };
  deps.emit({ kind: 'phase', phase: 'care-of-change', atMs: startedAt });
  deps.emit({ kind: 'care-of-change', stage: 'started', from, to });
  const fail = (e: unknown): never => {
    deps.emit({ kind: 'care-of-change', stage: 'failed', from, to, reason: (e as Error).message });
    throw e;
  };
  const socket = await deps.openSocket(to).catch(fail);
  const old = deps.adoptSocket(socket);
  let atHome: boolean;
  try {
    const access = accessInfoOf(to, deps.routerPrefixes);
    const reg = await awaitRegistration(
      deps.events,
      () => s.tunnel.changeCareOf(access, socket),
      deps.timeouts.bindingMs,
    );
    atHome = reg.atHome;
  } catch (e) {
    return fail(e);
  } finally {
    old?.close();
  }
  s.result = { ...s.result, careOf: to, atHome };
  let renegotiated = false;
  if (!atHome) {
    const hoa = s.result.ipv6HomeAddress;
    const next = await deps.openIkeLink(to, interfaceIdOf(hoa)).catch(fail);
    if (!next.homeAddress.equals(hoa)) {
      deps.retire(next.link);
      fail(new Error(`the new IKE SA gave the home address ${next.homeAddress}, not ${hoa}`));
    }
    deps.retire(s.ike);
    s.ike = next.link;
    renegotiated = true;
  }
  const change = { from, to, changed: true, ikeSaRenegotiated: renegotiated, durationMs: monotonicNowMs() - startedAt };
  deps.emit({ kind: 'care-of-change', stage: 'done', ...change });
  return change;
}

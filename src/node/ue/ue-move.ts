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
 *     Back on the home link too (the BA answers the lifetime-0 BU, RFC 6275 §11.5.5): the BU/BA SA the next move away
 *     needs lives on the IKE SA (RFC 4877 §4.4), which must not stay on an address the UE has lost; an attach at home
 *     holds one from its home-link address as well (TS 24.303 §5.1.2.2 comes before §5.1.2.3).
 *  3. The old IKE SA is deleted ("SHOULD discard", RFC 6275 §11.7.3) without waiting: from an address the UE has
 *     lost, the Delete may never be answered. See docs/spec-choices.md.
 * A move without its BA goes back to the old address (its socket, and the core's BUs from it), so the same move can be
 * tried again; a failed IKE step is redone by the next move, even to the same care-of address. `stop()` ends a move
 * at once (UeStoppedError), closing what it opened.
 */
import type { AccessInfo } from '../../mip/mn-config.ts';
import type { Ipv6Prefix } from '../../mip/types.ts';
import { copyBytes } from '../../util/bytes.ts';
import type { IpAddress, Ipv6Address } from '../../util/ip-address.ts';
import { sameAddress } from '../net/address-aliases.ts';
import { monotonicNowMs } from '../net/clock.ts';
import type { Listeners } from '../net/listeners.ts';
import type { CareOfSocket, CareOfSockets } from './care-of-sockets.ts';
import type { IkeLink, IkeLinkOutcome } from './ike-link.ts';
import { accessInfoOf } from './ue-access.ts';
import type { UeNodeEvent } from './ue-events.ts';
import { awaitRegistration } from './ue-steps.ts';
import { type AttachResult, UeStoppedError, type UeTimeouts } from './ue-types.ts';

/** The part of the UE's session a move changes. */
export interface MovingSession<S extends CareOfSocket> {
  ike: IkeLink;
  readonly tunnel: {
    /** BUs (and the tunnel) from `socket`'s address from now on (UeTunnel.changeCareOf). */
    changeCareOf(access: AccessInfo, socket: S): void;
    /** The IKE SA the data SA is negotiated on (RFC 5555 §5.2.2). */
    useIkeLink(link: IkeLink): void;
  };
  result: AttachResult;
  /** The access the mobile node core has: a failed move goes back to it. */
  access: AccessInfo;
}

export interface CareOfMoveDeps<S extends CareOfSocket> {
  readonly events: Listeners<UeNodeEvent>;
  readonly emit: (e: UeNodeEvent) => void;
  readonly timeouts: UeTimeouts;
  /** Prefixes advertised on the new link (home link detection again, TS 24.303 §5.1.2.3). */
  readonly routerPrefixes: readonly Ipv6Prefix[];
  /** Port Z: the one in use, and the one a move is leaving (care-of-sockets.ts). */
  readonly sockets: CareOfSockets<S>;
  /** Opens port Z on `address`. */
  openSocket(address: IpAddress): Promise<S>;
  /** The IKEv2 attach from `careOf`, forming the Home Address with `interfaceId`; ends with UeStoppedError on stop. */
  openIkeLink(careOf: IpAddress, interfaceId: Uint8Array): Promise<IkeLinkOutcome>;
  /** The old IKE link, to be deleted in the background. */
  retire(link: IkeLink): void;
  /** Aborted by `stop()`. */
  readonly signal: AbortSignal;
}

/** The outcome of `UserEquipment.changeCareOfAddress()` (RFC 5555 §5.1). */
export interface CareOfChange {
  readonly from: IpAddress;
  readonly to: IpAddress;
  /** False when nothing was to do: `to` is the care-of address and the IKE SA's address already (nothing was sent). */
  readonly changed: boolean;
  readonly ikeSaRenegotiated: boolean;
  readonly durationMs: number;
}

/** The interface identifier of a Home Address: its low 64 bits (RFC 4291 §2.5.1). */
export function interfaceIdOf(homeAddress: Ipv6Address): Uint8Array {
  return copyBytes(homeAddress.bytes, 8, 16);
}

export async function moveCareOf<S extends CareOfSocket>(
  s: MovingSession<S>,
  to: IpAddress,
  deps: CareOfMoveDeps<S>,
): Promise<CareOfChange> {
  const from = s.result.careOf;
  const moveBinding = !sameAddress(from, to);
  const moveIke = !sameAddress(s.ike.careOf, to); // also after a move whose IKE step failed
  if (!moveBinding && !moveIke) return { from, to, changed: false, ikeSaRenegotiated: false, durationMs: 0 };
  const startedAt = monotonicNowMs();
  deps.emit({ kind: 'phase', phase: 'care-of-change', atMs: startedAt });
  deps.emit({ kind: 'care-of-change', stage: 'started', from, to });
  try {
    if (moveBinding) await registerFrom(s, to, deps);
    if (moveIke) await renegotiateIke(s, to, deps);
  } catch (e) {
    if (!deps.signal.aborted) {
      deps.emit({ kind: 'care-of-change', stage: 'failed', from, to, reason: (e as Error).message });
    }
    throw e;
  }
  const change = { from, to, changed: true, ikeSaRenegotiated: moveIke, durationMs: monotonicNowMs() - startedAt };
  deps.emit({ kind: 'care-of-change', stage: 'done', ...change });
  return change;
}

/** Step 1: port Z on `to` and a BU from it; the old socket receives until the BA is in (RFC 5555 §5.1). */
async function registerFrom<S extends CareOfSocket>(
  s: MovingSession<S>,
  to: IpAddress,
  deps: CareOfMoveDeps<S>,
): Promise<void> {
  const socket = await deps.openSocket(to);
  if (deps.signal.aborted) {
    socket.close();
    throw new UeStoppedError();
  }
  const old = deps.sockets.adopt(socket);
  const access = accessInfoOf(to, deps.routerPrefixes);
  try {
    const reg = await awaitRegistration(
      deps.events,
      () => s.tunnel.changeCareOf(access, socket),
      deps.timeouts.bindingMs,
      deps.signal,
    );
    deps.sockets.release(old);
    s.access = access;
    s.result = { ...s.result, careOf: to, atHome: reg.atHome };
  } catch (e) {
    if (!deps.signal.aborted) {
      // Back to the old address: its socket, and BUs from it again (the core had moved to `to`).
      deps.sockets.restore(old, socket);
      s.tunnel.changeCareOf(s.access, old);
    }
    throw e;
  }
}

/** Step 2: a new IKE SA from `to` keeping the Home Address, then the old one goes (RFC 6275 §11.7.3). */
async function renegotiateIke<S extends CareOfSocket>(
  s: MovingSession<S>,
  to: IpAddress,
  deps: CareOfMoveDeps<S>,
): Promise<void> {
  const hoa = s.result.ipv6HomeAddress;
  const next = await deps.openIkeLink(to, interfaceIdOf(hoa));
  if (deps.signal.aborted) {
    next.link.close();
    throw new UeStoppedError();
  }
  if (!next.homeAddress.equals(hoa)) {
    deps.retire(next.link);
    throw new Error(`the new IKE SA gave the home address ${next.homeAddress}, not ${hoa}`);
  }
  deps.retire(s.ike);
  s.ike = next.link;
  s.tunnel.useIkeLink(next.link); // the data SA follows the new IKE SA (RFC 5555 §5.2.2)
}

/** Pieces shared by the Child SA tasks of both exchange roles (RFC 7296 §1.3, §2.9, §2.17). */

import { dhGroup } from '../../crypto/dh.ts';
import type { DhKeyPair } from '../../crypto/dh-types.ts';
import { isCryptoError } from '../../crypto/errors.ts';
import { Ipv6Address } from '../../util/ip-address.ts';
import { NotifyType } from '../../wire/ike/constants.ts';
import type { TrafficSelector } from '../../wire/ike/traffic-selector.ts';
import type { IkeSa } from '../ike-sa.ts';
import { singleAddress } from '../traffic-selectors.ts';

/** Error notifies that refuse a Child SA but leave the IKE SA alone (RFC 7296 §1.3, §2.21.2, §3.10.1). */
export const CHILD_ERRORS: ReadonlySet<number> = new Set([
  NotifyType.NO_PROPOSAL_CHOSEN,
  NotifyType.INVALID_KE_PAYLOAD,
  NotifyType.SINGLE_PAIR_REQUIRED,
  NotifyType.NO_ADDITIONAL_SAS,
  NotifyType.INTERNAL_ADDRESS_FAILURE,
  NotifyType.FAILED_CP_REQUIRED,
  NotifyType.TS_UNACCEPTABLE,
  NotifyType.INVALID_SELECTORS,
  NotifyType.TEMPORARY_FAILURE,
  NotifyType.CHILD_SA_NOT_FOUND,
  NotifyType.USE_ASSIGNED_HOA,
]);

/** g^ir of a PFS exchange; a bad peer value is reported as undefined (the caller refuses the Child SA). */
export function pfsShared(keyPair: DhKeyPair, group: number, peerData: Uint8Array): Uint8Array | undefined {
  try {
    return dhGroup(group).computeShared(keyPair.privateKey, peerData);
  } catch (e) {
    if (isCryptoError(e)) return undefined;
    throw e;
  }
}

/** The mobile node's Home Address: the UE-side selector when it names one IPv6 address (RFC 4877 §7.3). */
export function homeAddressOf(ueSide: readonly TrafficSelector[]): Ipv6Address | undefined {
  const first = ueSide[0];
  if (ueSide.length !== 1 || !first) return undefined;
  const a = singleAddress(first);
  return a instanceof Ipv6Address ? a : undefined;
}

export function emitChildFailure(sa: IkeSa, reason: string, notifyType?: number): void {
  sa.services.emit({ kind: 'child-sa-failed', ikeSaId: sa.id, reason, notifyType });
}

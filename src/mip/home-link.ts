/**
 * Home link detection (TS 24.303 §5.1.2.3; RFC 6275 §11.5.2): the home network prefix — from IKEv2, PCO or
 * configuration, so no IKEv2 run is needed here — against the Prefix Information options of the Router
 * Advertisements on the link.
 */
import { samePrefix } from './addresses.ts';
import type { Ipv6Prefix } from './types.ts';

/** True when one of the link's RA prefixes is the home network prefix (same length, same leading bits). */
export function isOnHomeLink(homePrefix: Ipv6Prefix, routerPrefixes: readonly Ipv6Prefix[]): boolean {
  return routerPrefixes.some((p) => samePrefix(homePrefix, p));
}

export type HomeLinkAction =
  /** At home with a valid BUL entry: de-register as on returning home (RFC 6275 §11.5.5). */
  | 'deregister'
  /** At home, nothing registered: no BU (TS 24.303 §5.1.2.3 "shall not send a Binding Update"). */
  | 'stay-silent'
  /** Not at home: register (TS 24.303 §5.1.2.4). */
  | 'register';

export function homeLinkAction(
  homePrefix: Ipv6Prefix,
  routerPrefixes: readonly Ipv6Prefix[],
  hasValidEntry: boolean,
): HomeLinkAction {
  if (!isOnHomeLink(homePrefix, routerPrefixes)) return 'register';
  return hasValidEntry ? 'deregister' : 'stay-silent';
}

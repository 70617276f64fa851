/**
 * Steps of the UE's attach that wait on its own events: the registration outcome (TS 24.303 §5.1.2.4), the DHCP
 * answers through the tunnel, and the choice of F = 1 when a BA in plain IPv4 could not be received.
 */
import type { UeConfig } from '../../config/load.ts';
import type { Dhcpv4Parameters } from '../../dhcp/v4-parameters.ts';
import type { Dhcpv6Parameters } from '../../dhcp/v6-parameters.ts';
import { SKIP_HA_BA_STATUS_MAX, SKIP_HA_BA_STATUS_MIN } from '../../discovery/constants.ts';
import { RawProtocol } from '../../net/transport.ts';
import type { Ipv4Address } from '../../util/ip-address.ts';
import type { Listeners } from '../net/listeners.ts';
import type { RawSocketSupport } from '../net/raw-sockets.ts';
import type { UeNodeEvent } from './ue-events.ts';
import { HomeAgentFailure } from './ue-ike-attach.ts';
import { UeStoppedError } from './ue-types.ts';

/**
 * Why the BUs carry F = 1 (RFC 5555 §3.1.3), or undefined for F = 0 (TS 24.303 §5.1.2.4 "should"). Without NAT
 * the seed's HA answers in plain IPv4, protocol 41 (TS 24.303 §5.1.3.2), which only a raw socket receives
 * (SPEC-NOTES §15 item 13).
 */
export function forceUdpReason(config: UeConfig, raw: RawSocketSupport): string | undefined {
  if (config.mobility.forceUdp) return 'configured (ue.mobility.forceUdp)';
  if (raw.available) return undefined;
  return (
    `a BA in plain IPv4 (protocol ${RawProtocol.IPV6_IN_IP}, TS 24.303 §5.1.3.2) cannot be received: ${raw.detail}; ` +
    'asking the HA for UDP encapsulation with F = 1 (RFC 5555 §3.1.3)'
  );
}

export interface RegistrationOutcome {
  readonly atHome: boolean;
  readonly ipv4HomeAddress: Ipv4Address | undefined;
}

/**
 * The first event from now on that `pick` maps to a value; an Error naming `what` after `timeoutMs`, UeStoppedError
 * as soon as `signal` aborts. The listener and the timer go either way.
 */
export function waitForEvent<T>(
  events: Listeners<UeNodeEvent>,
  pick: (e: UeNodeEvent) => T | undefined,
  what: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new UeStoppedError());
      return;
    }
    const end = () => {
      clearTimeout(timer);
      off();
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      end();
      reject(new UeStoppedError());
    };
    const off = events.on((e) => {
      const v = pick(e);
      if (v === undefined) return;
      end();
      resolve(v);
    });
    const timer = setTimeout(() => {
      end();
      reject(new Error(`no ${what} within ${timeoutMs} ms`));
    }, timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs `start` (home link detection and the first BU) and waits for the outcome. BA 129..133 sends the UE to the
 * next HA (TS 24.303 §5.1.2.4); any other final failure ends the attach. `signal` ends the wait when the UE stops.
 */
export function awaitRegistration(
  events: Listeners<UeNodeEvent>,
  start: () => void,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<RegistrationOutcome> {
  const outcome = waitForEvent<RegistrationOutcome | Error>(
    events,
    (e) => {
      if (e.kind !== 'mobility') return undefined;
      const m = e.event;
      if (m.kind === 'registered') return { atHome: false, ipv4HomeAddress: m.ipv4HomeAddress };
      if (m.kind === 'at-home') return { atHome: true, ipv4HomeAddress: undefined };
      if (m.kind !== 'registration-failed' || !m.final) return undefined;
      const status = m.status ?? 0;
      if (status >= SKIP_HA_BA_STATUS_MIN && status <= SKIP_HA_BA_STATUS_MAX) {
        return new HomeAgentFailure({ kind: 'binding-rejected', status }, `BA status ${status}`);
      }
      return new Error(`registration failed: ${m.reason}${m.status === undefined ? '' : ` (BA status ${m.status})`}`);
    },
    'Binding Acknowledgement',
    timeoutMs,
    signal,
  );
  if (!signal?.aborted) start();
  return outcome.then((r) => {
    if (r instanceof Error) throw r;
    return r;
  });
}

/**
 * Runs `start` (which says which clients it started) and collects their parameters; a client that gives up
 * (RFC 2131 §4.4.3, RFC 8415 §15) or is still waiting at `timeoutMs` leaves its family undefined: the binding is
 * up either way. `signal` ends the wait with UeStoppedError when the UE stops.
 */
export async function awaitDhcp(
  events: Listeners<UeNodeEvent>,
  start: () => { readonly v6: boolean; readonly v4: boolean },
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<{ v6?: Dhcpv6Parameters; v4?: Dhcpv4Parameters }> {
  if (signal?.aborted) throw new UeStoppedError();
  const got: { v6?: Dhcpv6Parameters; v4?: Dhcpv4Parameters } = {};
  const gaveUp = { v6: false, v4: false };
  let expected: { readonly v6: boolean; readonly v4: boolean } | undefined;
  let finish: (() => void) | undefined;
  const complete = () =>
    expected !== undefined &&
    (!expected.v6 || got.v6 !== undefined || gaveUp.v6) &&
    (!expected.v4 || got.v4 !== undefined || gaveUp.v4);
  const off = events.on((e) => {
    if (e.kind === 'dhcpv6-parameters') got.v6 ??= e.parameters;
    else if (e.kind === 'dhcpv4-parameters') got.v4 ??= e.parameters;
    else if (e.kind === 'dhcp-failed') gaveUp[e.family === 'ipv6' ? 'v6' : 'v4'] = true;
    else return;
    if (complete()) finish?.();
  });
  let onAbort: (() => void) | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, timeoutMs);
      finish = () => {
        clearTimeout(timer);
        resolve();
      };
      onAbort = () => {
        clearTimeout(timer);
        reject(new UeStoppedError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      expected = start();
      if (complete()) finish();
    });
  } finally {
    off();
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
  return got;
}

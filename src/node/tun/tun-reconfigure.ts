/**
 * Changing an open TUN device's addresses and routes, e.g. when a registration brings the UE another IPv4 home
 * address (RFC 5555 §4.4.2: the BA's IPv4 Address Acknowledgement) or takes it away: the addresses and routes only
 * the new configuration has are added first, then those only the old one had are removed, so what both keep is
 * never missing. Linux `ip` (iproute2), as the device was configured (src/node/net/tun-device.ts).
 */
import type { TunConfiguration } from '../net/tun-device.ts';
import { type IpRunner, runIp } from './iproute2.ts';

/** Moves device `name` from configuration `from` to `to`; throws (with `ip`'s message) when a step fails. */
export type TunReconfigurer = (name: string, from: TunConfiguration, to: TunConfiguration) => void;

const familyOf = (prefix: string): '-4' | '-6' => (prefix.includes(':') ? '-6' : '-4');

export function iproute2Reconfigurer(run: IpRunner = runIp): TunReconfigurer {
  return (name, from, to) => {
    const added = (list: readonly string[], other: readonly string[]) => list.filter((x) => !other.includes(x));
    for (const a of added(to.addresses, from.addresses)) {
      run([familyOf(a), 'addr', 'add', a, 'dev', name, ...(a.includes(':') ? ['nodad'] : [])]);
    }
    for (const r of added(to.routes, from.routes)) run([familyOf(r), 'route', 'replace', r, 'dev', name]);
    for (const r of added(from.routes, to.routes)) run([familyOf(r), 'route', 'del', r, 'dev', name]);
    for (const a of added(from.addresses, to.addresses)) run([familyOf(a), 'addr', 'del', a, 'dev', name]);
  };
}

/**
 * Shared by the Diameter client and server shells: the local identity from plain options, and one timer that
 * follows a core's next deadline.
 */
import { randomBytes } from 'node:crypto';
import type { LocalIdentity } from '../../aaa/diameter/index.ts';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { AddressFamily, type AddressValue } from '../../wire/diameter/index.ts';

export function addressValueOf(text: string): AddressValue {
  const v4 = Ipv4Address.tryParse(text);
  if (v4) return { family: AddressFamily.IPV4, address: v4.bytes };
  return { family: AddressFamily.IPV6, address: Ipv6Address.parse(text).bytes };
}

export function localIdentity(o: {
  originHost: string;
  originRealm: string;
  hostIpAddresses?: readonly string[];
  productName?: string;
  authApplications: LocalIdentity['authApplications'];
  clock: () => number;
}): LocalIdentity {
  return {
    originHost: o.originHost,
    originRealm: o.originRealm,
    hostIpAddresses: (o.hostIpAddresses ?? ['127.0.0.1']).map(addressValueOf),
    vendorId: 0,
    productName: o.productName ?? 'dsmip',
    // RFC 6733 §8.16: a value that grows with each restart; seconds since the epoch do.
    originStateId: Math.floor(o.clock() / 1000) >>> 0,
    authApplications: o.authApplications,
  };
}

export const defaultRandomU32 = () => randomBytes(4).readUInt32BE(0);

/** One timer for a core's earliest deadline; `arm` after every input. */
export class DeadlineTimer {
  private timer: NodeJS.Timeout | undefined;
  private at: number | undefined;

  constructor(
    private readonly clock: () => number,
    private readonly fire: (now: number) => void,
  ) {}

  arm(deadline: number | undefined): void {
    if (deadline === this.at && this.timer) return;
    this.stop();
    if (deadline === undefined) return;
    this.at = deadline;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.at = undefined;
        this.fire(this.clock());
      },
      Math.max(0, deadline - this.clock()),
    );
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.at = undefined;
  }
}

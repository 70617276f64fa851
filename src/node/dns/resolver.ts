/**
 * Real DNS for the discovery core: Node's `dns.promises.Resolver` against configured servers (e.g. `127.0.0.1:5353`),
 * with TTLs (`resolve6(name, { ttl: true })`), its error codes mapped to typed results (c-ares: ENODATA = the name
 * exists without such records, ENOTFOUND = NXDOMAIN). `lookup` never rejects.
 */
import { promises as dns } from 'node:dns';
import type { DnsLookupResult, DnsRecordType, DnsResolver } from '../../discovery/dns-lookup.ts';
import { type IpAddress, Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';

export interface NodeDnsResolverOptions {
  /** `address` or `address:port` (`[v6]:port`), as for `Resolver.setServers`; none: the system's resolvers. */
  readonly servers: readonly string[];
  /** The address queries leave from (its family's; the other family keeps the kernel's choice). */
  readonly localAddress?: IpAddress;
  /** Per-try timeout; default 2000 ms. */
  readonly timeoutMs?: number;
  /** Tries per server; default 2. */
  readonly tries?: number;
}

/** c-ares error code → result (Node `dns` error codes). */
export function dnsResultOfError(code: string | undefined): DnsLookupResult {
  switch (code) {
    case 'ENODATA':
      return { kind: 'nodata' };
    case 'ENOTFOUND':
      return { kind: 'nxdomain' };
    case 'ETIMEOUT':
      return { kind: 'error', reason: 'timeout' };
    case 'ESERVFAIL':
      return { kind: 'error', reason: 'server-failure' };
    case 'EREFUSED':
    case 'ECONNREFUSED':
      return { kind: 'error', reason: 'refused' };
    case 'EBADRESP':
    case 'EFORMERR':
      return { kind: 'error', reason: 'malformed' };
    default:
      return { kind: 'error', reason: 'other', detail: code ?? 'unknown error' };
  }
}

export class NodeDnsResolver implements DnsResolver {
  private readonly resolver: dns.Resolver;

  constructor(readonly options: NodeDnsResolverOptions) {
    this.resolver = new dns.Resolver({ timeout: options.timeoutMs ?? 2000, tries: options.tries ?? 2 });
    if (options.servers.length > 0) this.resolver.setServers([...options.servers]);
    const local = options.localAddress;
    if (local instanceof Ipv4Address) this.resolver.setLocalAddress(local.toString());
    else if (local) this.resolver.setLocalAddress('0.0.0.0', local.toString());
  }

  async lookup(name: string, type: DnsRecordType): Promise<DnsLookupResult> {
    try {
      if (type === 'AAAA') {
        const r = await this.resolver.resolve6(name, { ttl: true });
        const records = r.flatMap((x) => {
          const address = Ipv6Address.tryParse(x.address);
          return address ? [{ address, ttlSec: x.ttl }] : [];
        });
        return records.length > 0 ? { kind: 'aaaa', records } : { kind: 'nodata' };
      }
      if (type === 'A') {
        const r = await this.resolver.resolve4(name, { ttl: true });
        const records = r.flatMap((x) => {
          const address = Ipv4Address.tryParse(x.address);
          return address ? [{ address, ttlSec: x.ttl }] : [];
        });
        return records.length > 0 ? { kind: 'a', records } : { kind: 'nodata' };
      }
      // Node's resolveSrv gives no TTL: the SRV answer is only used to order the targets.
      const r = await this.resolver.resolveSrv(name);
      const records = r.map((x) => ({
        priority: x.priority,
        weight: x.weight,
        port: x.port,
        target: x.name,
        ttlSec: undefined,
      }));
      return records.length > 0 ? { kind: 'srv', records } : { kind: 'nodata' };
    } catch (e) {
      return dnsResultOfError((e as NodeJS.ErrnoException).code);
    }
  }

  /** Cancels outstanding queries (they resolve as ECANCELLED → `other`). */
  cancel(): void {
    this.resolver.cancel();
  }
}

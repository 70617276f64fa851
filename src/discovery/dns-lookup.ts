/**
 * DNS as the discovery core sees it: typed queries out, typed results in. The node answers a query either with a
 * real resolver (`DnsResolver`, e.g. Node's `dns.promises.Resolver`) or over the wire with `encodeDnsQuery` and
 * `dnsLookupResultFromResponse` (RFC 1035 messages through src/wire/dns).
 */

import { sameDomainName } from '../dhcp/domain-name-compare.ts';
import { isWireError } from '../util/errors.ts';
import { Ipv4Address, Ipv6Address } from '../util/ip-address.ts';
import { type DnsAnswer, decodeDns, encodeDns } from '../wire/dns/dns.ts';
import { DnsRcode } from './constants.ts';

export type DnsRecordType = 'AAAA' | 'A' | 'SRV';

export interface DnsQuery {
  /** Matches the answer to the query (also the DNS message ID on the wire path). */
  readonly id: number;
  readonly name: string;
  readonly type: DnsRecordType;
}

export interface AddressRecord<A> {
  readonly address: A;
  readonly ttlSec: number;
}

/** RFC 2782 SRV RDATA with the record's TTL. */
export interface SrvRecord {
  readonly priority: number;
  readonly weight: number;
  readonly port: number;
  readonly target: string;
  readonly ttlSec: number | undefined;
}

export type DnsLookupResult =
  | { readonly kind: 'aaaa'; readonly records: readonly AddressRecord<Ipv6Address>[] }
  | { readonly kind: 'a'; readonly records: readonly AddressRecord<Ipv4Address>[] }
  | { readonly kind: 'srv'; readonly records: readonly SrvRecord[] }
  /** The name exists without a record of the type (RFC 2308 §2.2 NODATA). */
  | { readonly kind: 'nodata' }
  /** The name does not exist (RFC 2308 §2.1, RCODE 3). */
  | { readonly kind: 'nxdomain' }
  | {
      readonly kind: 'error';
      readonly reason: 'timeout' | 'server-failure' | 'refused' | 'malformed' | 'other';
      readonly detail?: string;
    };

/** What the node provides to answer queries with real DNS. Resolvers never reject: failures are results. */
export interface DnsResolver {
  lookup(name: string, type: DnsRecordType): Promise<DnsLookupResult>;
}

/** A recursive query (RD set) for `q` (RFC 1035 §4.1.1). */
export function encodeDnsQuery(q: DnsQuery): Uint8Array {
  if (!Number.isInteger(q.id) || q.id < 0 || q.id > 0xffff) throw new RangeError(`DNS id ${q.id} outside 16 bits`);
  return encodeDns({ type: 'query', id: q.id, flags: 0x0100, questions: [{ type: q.type, name: q.name }] });
}

function stringData(a: DnsAnswer): string | undefined {
  return 'data' in a && typeof a.data === 'string' ? a.data : undefined;
}

function ttlOf(a: DnsAnswer): number | undefined {
  return 'ttl' in a ? a.ttl : undefined;
}

/** Follows CNAMEs from `name` within the answer section (RFC 1034 §4.3.2 step 3a), bounded by its length. */
function ownerNames(answers: readonly DnsAnswer[], name: string): string[] {
  const names = [name];
  for (let i = 0; i < answers.length; i++) {
    const cname = answers.find((a) => a.type === 'CNAME' && sameDomainName(a.name, names.at(-1)!));
    const target = cname ? stringData(cname) : undefined;
    if (target === undefined || names.some((n) => sameDomainName(n, target))) break;
    names.push(target);
  }
  return names;
}

/**
 * The result a DNS response gives for `q`, or undefined when it answers another query (ID or question differs).
 * Malformed bytes are an `error` result, never an exception.
 */
export function dnsLookupResultFromResponse(bytes: Uint8Array, q: DnsQuery): DnsLookupResult | undefined {
  let msg: ReturnType<typeof decodeDns>;
  try {
    msg = decodeDns(bytes);
  } catch (e) {
    if (!isWireError(e)) throw e;
    return { kind: 'error', reason: 'malformed', detail: e.detail };
  }
  const question = msg.questions?.[0];
  if (
    msg.id !== q.id ||
    msg.type !== 'response' ||
    !question ||
    question.type !== q.type ||
    !sameDomainName(question.name, q.name)
  )
    return undefined;
  const rcode = (msg.flags ?? 0) & 0xf;
  if (rcode === DnsRcode.NXDOMAIN) return { kind: 'nxdomain' };
  if (rcode === DnsRcode.SERVFAIL) return { kind: 'error', reason: 'server-failure' };
  if (rcode === DnsRcode.REFUSED) return { kind: 'error', reason: 'refused' };
  if (rcode !== DnsRcode.NOERROR) return { kind: 'error', reason: 'other', detail: `RCODE ${rcode}` };
  const answers = msg.answers ?? [];
  const owners = ownerNames(answers, q.name);
  const mine = answers.filter((a) => a.type === q.type && owners.some((n) => sameDomainName(n, a.name)));
  return lookupResultFromAnswers(q.type, mine);
}

function lookupResultFromAnswers(type: DnsRecordType, answers: readonly DnsAnswer[]): DnsLookupResult {
  if (type === 'AAAA') {
    const records: AddressRecord<Ipv6Address>[] = [];
    for (const a of answers) {
      const address = Ipv6Address.tryParse(stringData(a) ?? '');
      if (address) records.push({ address, ttlSec: ttlOf(a) ?? 0 });
    }
    return records.length ? { kind: 'aaaa', records } : { kind: 'nodata' };
  }
  if (type === 'A') {
    const records: AddressRecord<Ipv4Address>[] = [];
    for (const a of answers) {
      const address = Ipv4Address.tryParse(stringData(a) ?? '');
      if (address) records.push({ address, ttlSec: ttlOf(a) ?? 0 });
    }
    return records.length ? { kind: 'a', records } : { kind: 'nodata' };
  }
  const records: SrvRecord[] = [];
  for (const a of answers) {
    if (a.type !== 'SRV') continue;
    const d = a.data;
    records.push({ priority: d.priority ?? 0, weight: d.weight ?? 0, port: d.port, target: d.target, ttlSec: a.ttl });
  }
  return records.length ? { kind: 'srv', records } : { kind: 'nodata' };
}

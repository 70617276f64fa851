/**
 * A tiny authoritative DNS server for the demo and the end-to-end tests: it answers A and AAAA queries for the
 * names it is given (the HA-APN, TS 24.303 §5.1.2.1.2) with their TTLs, says NXDOMAIN for every other name and
 * NOERROR with no answer (NODATA, RFC 2308 §2.2) for a known name without records of the type asked.
 *
 * `answerDnsQuery` is the whole protocol (pure, bytes in, bytes out); `DnsServer` puts it on a UDP socket from a
 * `NodeTransportProvider`, so its datagrams reach the trace hook like every other socket's.
 */

import * as dnsPacket from 'dns-packet';
import type { DatagramTransport } from '../../net/transport.ts';
import { isWireError } from '../../util/errors.ts';
import { type IpAddress, Ipv4Address } from '../../util/ip-address.ts';
import { type DnsMessage, decodeDns, encodeDns } from '../../wire/dns/dns.ts';
import type { AddressAliases } from '../net/address-aliases.ts';
import type { DatagramTraceHook } from '../net/datagram-trace.ts';
import { rawSocketsNotUsed } from '../net/raw-sockets.ts';
import { NodeTransportProvider } from '../net/transport-provider.ts';

/** One A or AAAA record the DNS server answers. */
export interface DnsAddressRecord {
  /** Owner name; compared without case (RFC 4343) and without a trailing dot. */
  readonly name: string;
  readonly address: IpAddress;
  /** RFC 1035 §3.2.1: 32-bit seconds. */
  readonly ttlSec: number;
}

/** RFC 1035 §4.1.1 RCODEs this server sends. */
export const DnsRcodeValue = { NOERROR: 0, FORMERR: 1, NXDOMAIN: 3, NOTIMP: 4 } as const;

const HEADER_LENGTH = 12; // RFC 1035 §4.1.1
const QR = 0x8000;
const OPCODE_MASK = 0x7800;
const RD = 0x0100;

function normalise(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

export class DnsZone {
  private readonly byName = new Map<string, DnsAddressRecord[]>();

  constructor(records: readonly DnsAddressRecord[]) {
    for (const r of records) {
      if (!Number.isInteger(r.ttlSec) || r.ttlSec < 0 || r.ttlSec > 0x7fffffff) {
        throw new RangeError(`TTL ${r.ttlSec} of ${r.name}: RFC 2181 §8 allows 0..2^31-1`);
      }
      const key = normalise(r.name);
      this.byName.set(key, [...(this.byName.get(key) ?? []), r]);
    }
  }

  /** The records of a name, or undefined when the name does not exist. */
  lookup(name: string): readonly DnsAddressRecord[] | undefined {
    return this.byName.get(normalise(name));
  }
}

/** What the server made of one query, for logs and tests. */
export interface DnsQueryOutcome {
  readonly name: string | undefined;
  readonly type: string | undefined;
  readonly rcode: number;
  readonly answers: number;
}

/** A header-only answer (FORMERR, NOTIMP) to a query too broken or too unusual to echo its question. */
function headerOnly(id: number, flags: number, rcode: number): Uint8Array {
  const out = new Uint8Array(HEADER_LENGTH);
  const f = QR | (flags & (OPCODE_MASK | RD)) | rcode;
  out[0] = id >>> 8;
  out[1] = id & 0xff;
  out[2] = f >>> 8;
  out[3] = f & 0xff;
  return out;
}

/**
 * The response to one DNS message, or undefined when none is due (a response, or fewer than 12 bytes: nothing to
 * answer to). AA is set: the server is the authority for its names (RFC 1035 §4.1.1); RA is not (no recursion).
 */
export function answerDnsQuery(
  bytes: Uint8Array,
  zone: DnsZone,
): { readonly response: Uint8Array; readonly outcome: DnsQueryOutcome } | undefined {
  if (bytes.length < HEADER_LENGTH) return undefined;
  const id = (bytes[0]! << 8) | bytes[1]!;
  const flags = (bytes[2]! << 8) | bytes[3]!;
  if (flags & QR) return undefined; // never answer a response (RFC 1035 §4.1.1 QR)
  const fail = (rcode: number) => ({
    response: headerOnly(id, flags, rcode),
    outcome: { name: undefined, type: undefined, rcode, answers: 0 },
  });
  if ((flags & OPCODE_MASK) !== 0) return fail(DnsRcodeValue.NOTIMP); // only standard QUERY (opcode 0)
  let query: DnsMessage;
  try {
    query = decodeDns(bytes);
  } catch (e) {
    if (!isWireError(e)) throw e;
    return fail(DnsRcodeValue.FORMERR);
  }
  const question = query.questions?.length === 1 ? query.questions[0] : undefined;
  if (!question) return fail(DnsRcodeValue.FORMERR); // RFC 1035 leaves QDCOUNT > 1 undefined; servers refuse it
  const records = zone.lookup(question.name);
  const wanted = question.type === 'A' ? 4 : question.type === 'AAAA' ? 16 : -1;
  const answers: dnsPacket.Answer[] = (records ?? [])
    .filter((r) => r.address.bytes.length === wanted && (question.class ?? 'IN') === 'IN')
    .map((r) =>
      r.address instanceof Ipv4Address
        ? { type: 'A', name: question.name, ttl: r.ttlSec, data: r.address.toString() }
        : { type: 'AAAA', name: question.name, ttl: r.ttlSec, data: r.address.toString() },
    );
  const rcode = records === undefined ? DnsRcodeValue.NXDOMAIN : DnsRcodeValue.NOERROR;
  const response = encodeDns({
    type: 'response',
    id,
    flags: dnsPacket.AUTHORITATIVE_ANSWER | (flags & RD) | rcode,
    questions: [question],
    answers,
  });
  return { response, outcome: { name: question.name, type: question.type, rcode, answers: answers.length } };
}

/** Address, port and records of a DnsServer. */
export interface DnsServerOptions {
  /** A specific address (answers leave from the address queries reached). */
  readonly address: IpAddress;
  /** Default 53; 0 picks a free port. */
  readonly port?: number;
  readonly records: readonly DnsAddressRecord[];
  readonly onTrace?: DatagramTraceHook;
  readonly onQuery?: (o: DnsQueryOutcome) => void;
  readonly aliases?: AddressAliases;
}

/** A small authoritative DNS server over UDP answering A/AAAA queries from fixed records (HA discovery in a lab). */
export class DnsServer {
  readonly counters = { queries: 0, answered: 0, ignored: 0 };

  private constructor(
    private readonly provider: NodeTransportProvider,
    private readonly socket: DatagramTransport,
    readonly zone: DnsZone,
    private readonly options: DnsServerOptions,
  ) {
    socket.onMessage((d) => {
      this.counters.queries++;
      const r = answerDnsQuery(d.payload, this.zone);
      if (!r) {
        this.counters.ignored++;
        return;
      }
      this.counters.answered++;
      this.options.onQuery?.(r.outcome);
      socket.send(r.response, d.source, d.sourcePort);
    });
  }

  static async start(options: DnsServerOptions): Promise<DnsServer> {
    const zone = new DnsZone(options.records);
    const provider = new NodeTransportProvider({
      ...(options.onTrace ? { onTrace: options.onTrace } : {}),
      ...(options.aliases ? { aliases: options.aliases } : {}),
      rawSupport: rawSocketsNotUsed('a DNS server uses UDP only'),
    });
    const family = options.address.bytes.length === 4 ? 4 : 6;
    const socket = await provider.openUdp({ family, address: options.address, port: options.port ?? 53, label: 'dns' });
    return new DnsServer(provider, socket, zone, options);
  }

  get address(): IpAddress {
    return this.socket.localAddress;
  }

  get port(): number {
    return this.socket.localPort;
  }

  /** `address:port` as `NodeDnsResolver` takes it. */
  get endpoint(): string {
    const a = this.address.toString();
    return a.includes(':') ? `[${a}]:${this.port}` : `${a}:${this.port}`;
  }

  /** Closes the socket; resolves once the kernel released it. */
  async close(): Promise<void> {
    await this.provider.closeAll();
  }
}

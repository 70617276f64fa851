/**
 * A simulated IPv4 NAPT (RFC 3022; behaviour per RFC 4787 terms): endpoint-independent mapping and
 * filtering of UDP, a mapping table with idle expiry, real header rewriting (addresses, ports, checksums)
 * through src/wire/ip. Anything else than UDP over IPv4 is dropped, as IP-in-IP (41, 4) and ESP (50) are
 * by most consumer NATs — the reason DSMIPv6 and IKE fall back to UDP.
 */

import { isWireError } from '../../util/errors.ts';
import type { Ipv4Address } from '../../util/ip-address.ts';
import { Reader } from '../../util/reader.ts';
import { buildUdp4 } from '../../wire/ip/build.ts';
import { IpProtocol } from '../../wire/ip/constants.ts';
import { decodeIpv4, type Ipv4Packet } from '../../wire/ip/ipv4.ts';
import { parseUdp } from '../../wire/ip/udp.ts';

export interface NatConfig {
  readonly publicAddress: Ipv4Address;
  /** A mapping unused for this long is forgotten (RFC 4787 REQ-5 asks ≥ 2 min; tests use shorter). */
  readonly mappingTimeoutMs: number;
  /** First external port handed out; later ones count up (wrapping within 1024..65535). */
  readonly firstPort?: number;
}

export interface NatMapping {
  readonly insideAddress: Ipv4Address;
  readonly insidePort: number;
  readonly externalPort: number;
  lastUsedMs: number;
}

export type NatDropReason = 'not-udp-over-ipv4' | 'malformed' | 'no-mapping' | 'ports-exhausted';

export class Nat44 {
  private readonly byInside = new Map<string, NatMapping>();
  private readonly byExternal = new Map<number, NatMapping>();
  private nextPort: number;
  readonly dropped: Record<NatDropReason, number> = {
    'not-udp-over-ipv4': 0,
    malformed: 0,
    'no-mapping': 0,
    'ports-exhausted': 0,
  };

  constructor(readonly config: NatConfig) {
    this.nextPort = config.firstPort ?? 20000;
  }

  get mappingCount(): number {
    return this.byInside.size;
  }

  mappings(): NatMapping[] {
    return [...this.byInside.values()];
  }

  /** Inside → outside: the rewritten packet, or undefined when dropped. */
  outbound(now: number, bytes: Uint8Array): Uint8Array | undefined {
    this.expire(now);
    const pkt = this.udp4(bytes);
    if (pkt === undefined) return undefined;
    const { ip, sourcePort, destinationPort, payload } = pkt;
    const key = `${ip.source}:${sourcePort}`;
    let m = this.byInside.get(key);
    if (m === undefined) {
      const port = this.allocatePort();
      if (port === undefined) {
        this.dropped['ports-exhausted']++;
        return undefined;
      }
      m = { insideAddress: ip.source, insidePort: sourcePort, externalPort: port, lastUsedMs: now };
      this.byInside.set(key, m);
      this.byExternal.set(port, m);
    }
    m.lastUsedMs = now;
    return this.rebuild(ip, this.config.publicAddress, ip.destination, m.externalPort, destinationPort, payload);
  }

  /** Outside → inside (packets to the public address): the rewritten packet, or undefined when dropped. */
  inbound(now: number, bytes: Uint8Array): Uint8Array | undefined {
    this.expire(now);
    const pkt = this.udp4(bytes);
    if (pkt === undefined) return undefined;
    const m = this.byExternal.get(pkt.destinationPort);
    if (m === undefined) {
      this.dropped['no-mapping']++;
      return undefined;
    }
    m.lastUsedMs = now;
    return this.rebuild(pkt.ip, pkt.ip.source, m.insideAddress, pkt.sourcePort, m.insidePort, pkt.payload);
  }

  private expire(now: number): void {
    for (const [key, m] of this.byInside) {
      if (now - m.lastUsedMs >= this.config.mappingTimeoutMs) {
        this.byInside.delete(key);
        this.byExternal.delete(m.externalPort);
      }
    }
  }

  private allocatePort(): number | undefined {
    for (let tries = 0; tries < 64512; tries++) {
      const port = this.nextPort;
      this.nextPort = port >= 65535 ? 1024 : port + 1;
      if (!this.byExternal.has(port)) return port;
    }
    return undefined;
  }

  private udp4(
    bytes: Uint8Array,
  ): { ip: Ipv4Packet; sourcePort: number; destinationPort: number; payload: Uint8Array } | undefined {
    if ((bytes[0] ?? 0) >> 4 !== 4) {
      this.dropped['not-udp-over-ipv4']++;
      return undefined;
    }
    try {
      const ip = decodeIpv4(bytes);
      if (ip.protocol !== IpProtocol.UDP || ip.moreFragments || ip.fragmentOffsetBytes !== 0) {
        this.dropped['not-udp-over-ipv4']++;
        return undefined;
      }
      const udp = parseUdp(Reader.of(ip.payload, 'udp'), {
        version: 4,
        source: ip.source,
        destination: ip.destination,
      });
      return { ip, sourcePort: udp.sourcePort, destinationPort: udp.destinationPort, payload: udp.payload };
    } catch (e) {
      if (!isWireError(e)) throw e;
      this.dropped.malformed++;
      return undefined;
    }
  }

  private rebuild(
    ip: Ipv4Packet,
    src: Ipv4Address,
    dst: Ipv4Address,
    sourcePort: number,
    destinationPort: number,
    payload: Uint8Array,
  ): Uint8Array {
    return buildUdp4({
      src,
      dst,
      sourcePort,
      destinationPort,
      payload,
      ttl: Math.max(ip.ttl - 1, 0),
      identification: ip.identification,
      dontFragment: ip.dontFragment,
      dscp: ip.dscp,
      ecn: ip.ecn,
    });
  }
}

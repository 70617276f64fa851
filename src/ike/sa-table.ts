/**
 * The IKE SA table of an endpoint: every live SA by the SPI we chose (what the peer's messages name, RFC 7296
 * §2.6), the current SA of each session by id (a rekey replaces it under the same id, §2.18), and — on the HA —
 * the half-open SAs by initiator SPI and address, so a retransmitted IKE_SA_INIT finds its SA (§2.1) and the
 * cookie threshold can be checked (§2.6).
 */
import { toHex } from '../util/hex.ts';
import type { IkePath } from './events.ts';
import type { IkeSa } from './ike-sa.ts';

export class IkeSaTable {
  private readonly bySpi = new Map<string, IkeSa>();
  private readonly byId = new Map<number, IkeSa>();
  private readonly halfOpen = new Map<string, IkeSa>();
  private readonly halfOpenKey = new Map<IkeSa, string>();
  /** Half-open SAs per initiator IP address (the per-source cap, src/ike/limits.ts). */
  private readonly halfOpenBySource = new Map<string, number>();
  private readonly halfOpenSource = new Map<IkeSa, string>();

  /** Files `sa` under its SPI and makes it the current SA of its session. */
  add(sa: IkeSa): void {
    this.bySpi.set(toHex(sa.localSpi), sa);
    this.byId.set(sa.id, sa);
  }

  /** Removes `sa`; true when it was its session's current SA (the session ends with it). */
  remove(sa: IkeSa): boolean {
    const key = toHex(sa.localSpi);
    if (this.bySpi.get(key) === sa) this.bySpi.delete(key);
    this.leaveHalfOpen(sa);
    if (this.byId.get(sa.id) !== sa) return false;
    this.byId.delete(sa.id);
    return true;
  }

  bySpiOf(spi: Uint8Array): IkeSa | undefined {
    return this.bySpi.get(toHex(spi));
  }

  hasSpi(spi: Uint8Array): boolean {
    return this.bySpi.has(toHex(spi));
  }

  current(id: number): IkeSa | undefined {
    return this.byId.get(id);
  }

  ids(): number[] {
    return [...this.byId.keys()];
  }

  get sessions(): number {
    return this.byId.size;
  }

  // ---- half-open SAs (responder) ----

  private static initiatorKey(spiI: Uint8Array, path: IkePath): string {
    return `${toHex(spiI)}|${path.remoteAddr.toString()}|${path.remotePort}`;
  }

  addHalfOpen(sa: IkeSa, path: IkePath): void {
    const key = IkeSaTable.initiatorKey(sa.spiI, path);
    this.halfOpen.set(key, sa);
    this.halfOpenKey.set(sa, key);
    const source = path.remoteAddr.toString();
    this.halfOpenSource.set(sa, source);
    this.halfOpenBySource.set(source, (this.halfOpenBySource.get(source) ?? 0) + 1);
  }

  /** Half-open SAs whose IKE_SA_INIT came from `address` (as text). */
  halfOpenFrom(address: string): number {
    return this.halfOpenBySource.get(address) ?? 0;
  }

  /** The largest number of half-open SAs any one source holds (a gauge's worth; scans the sources). */
  get halfOpenMaxPerSource(): number {
    let max = 0;
    for (const n of this.halfOpenBySource.values()) if (n > max) max = n;
    return max;
  }

  findHalfOpen(spiI: Uint8Array, path: IkePath): IkeSa | undefined {
    return this.halfOpen.get(IkeSaTable.initiatorKey(spiI, path));
  }

  leaveHalfOpen(sa: IkeSa): void {
    const key = this.halfOpenKey.get(sa);
    if (key === undefined) return;
    this.halfOpenKey.delete(sa);
    if (this.halfOpen.get(key) === sa) this.halfOpen.delete(key);
    const source = this.halfOpenSource.get(sa);
    if (source === undefined) return;
    this.halfOpenSource.delete(sa);
    const n = (this.halfOpenBySource.get(source) ?? 1) - 1;
    if (n > 0) this.halfOpenBySource.set(source, n);
    else this.halfOpenBySource.delete(source);
  }

  get halfOpenCount(): number {
    return this.halfOpenKey.size;
  }
}

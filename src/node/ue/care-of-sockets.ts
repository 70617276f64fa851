/**
 * The UE's UDP port Z (RFC 5555 §4.1) on its care-of address, and during a move the socket on the address being
 * replaced: that one keeps receiving until the BA from the new address is in (RFC 5555 §5.1 "receive packets on the
 * old care-of address until the binding acknowledgement is received"), so both count as the UE's own addresses for
 * the raw sockets' destination filter (UE-3/V6-4).
 */
import type { IpAddress } from '../../util/ip-address.ts';

/** What is used of a port Z socket. */
export interface CareOfSocket {
  readonly localAddress: IpAddress;
  readonly localPort: number;
  close(): void;
}

export class CareOfSockets<S extends CareOfSocket = CareOfSocket> {
  private current: S | undefined;
  /** Sockets a move replaced, open until its BA is in (or the move failed). */
  private readonly leaving = new Set<S>();

  /** Port Z on the care-of address in use. */
  get socket(): S | undefined {
    return this.current;
  }

  /** The care-of address in use: where the next attach and the next move start from. */
  get careOf(): IpAddress | undefined {
    return this.current?.localAddress;
  }

  /** Every address a port Z socket is open on: the care-of address, and the one a move is leaving. */
  localAddresses(): IpAddress[] {
    const out = this.current ? [this.current.localAddress] : [];
    for (const s of this.leaving) out.push(s.localAddress);
    return out;
  }

  /** The first socket (UserEquipment.start). */
  open(socket: S): void {
    if (this.current) throw new Error('port Z is open already');
    this.current = socket;
  }

  /** A move's new socket becomes the one in use; the replaced one (returned) keeps receiving until settled. */
  adopt(socket: S): S {
    const old = this.current;
    if (!old) throw new Error('no care-of address to move from');
    this.current = socket;
    this.leaving.add(old);
    return old;
  }

  /** The move's BA is in: the replaced socket closes. */
  release(old: S): void {
    this.leaving.delete(old);
    old.close();
  }

  /** The move failed: the replaced socket is the one in use again, the new one closes. */
  restore(old: S, failed: S): void {
    this.leaving.delete(old);
    this.current = old;
    failed.close();
  }

  /** Forgets every socket (their owner, the transport provider, closes them). */
  clear(): void {
    this.current = undefined;
    this.leaving.clear();
  }
}

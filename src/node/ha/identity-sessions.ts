/**
 * Sessions per authenticated identity at the HA (issue 16; docs/spec-choices.md IKE-L5). RFC 5026 and RFC 5555 say
 * nothing of one subscriber holding several IKE SAs with bindings; left alone, a UE that re-attaches without deleting
 * its old IKE SA (a reboot) or one set of credentials used many times keeps every old session, binding and IPv4 HoA
 * until they expire, and the IPv4 HoA pool runs dry (RFC 5555 §3.2.1 status 132 for the real subscriber).
 *
 * `replace` (strongSwan `uniqueids=replace`): when a session of an identity gets its BU/BA SA (the moment its Home
 * Address is known, RFC 4877 §7.3), the identity's other sessions end: IKE Delete (RFC 7296 §1.4.1), their BU/BA SAs
 * out of the SAD, and their bindings deregistered unless the new session carries the same Home Address (a move,
 * RFC 5555 §5.1, keeps its binding), so their IPv4 HoAs go back to the pool. The home prefix is the subscriber's
 * (src/node/ha/home-prefix-pool.ts), so the new session keeps it. `maxSessions` caps the sessions one identity may
 * hold at once in either mode: the oldest go when a new one is established beyond it. The new session's Home Address
 * is not known then, so the bindings of the sessions it ended wait for it: kept if it carries the same Home Address
 * (a care-of-address move, RFC 5555 §5.1, makes a new IKE SA before the old one goes), deregistered otherwise or when
 * the new session ends without one.
 */
import type { Ipv6Address } from '../../util/ip-address.ts';

export interface IdentitySessionsPolicy {
  readonly mode: 'replace' | 'keep';
  /** 0 = no cap. */
  readonly maxSessions: number;
}

export interface IdentitySessionsActions {
  /** The authenticated identity of an IKE SA (the IMSI the AAA returned), once established. */
  readonly identityOf: (ikeSaId: number) => string | undefined;
  /** Deregisters the binding of `homeAddress` at the HA's own initiative, its IPv4 HoA released. */
  readonly revokeBinding: (homeAddress: Ipv6Address) => void;
  /** Deletes the IKE SA (INFORMATIONAL Delete) and takes its BU/BA SAs out of the SAD at once. */
  readonly endIkeSa: (ikeSaId: number) => void;
  /** For the log. */
  readonly onReplaced?: (old: number, by: number, identity: string, revoked: readonly Ipv6Address[]) => void;
}

interface Session {
  readonly ikeSaId: number;
  readonly identity: string;
  readonly homeAddresses: Ipv6Address[];
  /** Home Addresses of sessions the cap ended for this one, deregistered once this one's own is known. */
  inherited: Ipv6Address[];
}

export class IdentitySessions {
  /** Sessions in the order they were established (Map keeps insertion order: the oldest first). */
  private readonly sessions = new Map<number, Session>();
  replaced = 0;

  constructor(
    private readonly policy: IdentitySessionsPolicy,
    private readonly actions: IdentitySessionsActions,
  ) {}

  established(ikeSaId: number): void {
    const identity = this.actions.identityOf(ikeSaId);
    if (identity === undefined) return;
    const session: Session = { ikeSaId, identity, homeAddresses: [], inherited: [] };
    this.sessions.set(ikeSaId, session);
    const max = this.policy.maxSessions;
    if (max <= 0) return;
    const same = this.of(identity);
    for (const old of same.slice(0, Math.max(0, same.length - max))) this.replace(old, session, true);
  }

  mobilitySaInstalled(ikeSaId: number, homeAddress: Ipv6Address): void {
    const s = this.sessions.get(ikeSaId);
    if (s === undefined) return;
    if (!s.homeAddresses.some((a) => a.equals(homeAddress))) s.homeAddresses.push(homeAddress);
    this.settleInherited(s);
    if (this.policy.mode !== 'replace') return;
    for (const old of this.of(s.identity)) if (old.ikeSaId !== ikeSaId) this.replace(old, s, false);
  }

  ended(ikeSaId: number): void {
    const s = this.sessions.get(ikeSaId);
    this.sessions.delete(ikeSaId);
    if (s !== undefined) this.settleInherited(s);
  }

  /**
   * The AAA ended the session (Diameter ASR, RFC 6733 §8.5): its bindings are revoked and the IKE SA deleted. A
   * Home Address another session of the identity carries keeps its binding, as in a replacement.
   */
  revoke(ikeSaId: number): readonly Ipv6Address[] {
    const s = this.sessions.get(ikeSaId);
    this.sessions.delete(ikeSaId);
    const kept = s ? this.of(s.identity).flatMap((o) => o.homeAddresses) : [];
    const revoked = s ? s.homeAddresses.filter((a) => !kept.some((k) => k.equals(a))) : [];
    for (const a of revoked) this.actions.revokeBinding(a);
    this.actions.endIkeSa(ikeSaId);
    return revoked;
  }

  /** Sessions of `identity`, the oldest first. */
  private of(identity: string): Session[] {
    return [...this.sessions.values()].filter((s) => s.identity === identity);
  }

  /**
   * Ends `old` for `by`. `deferred`: `by` has no Home Address yet (the cap, at establishment), so `old`'s bindings
   * wait in `by.inherited` for it instead of going now.
   */
  private replace(old: Session, by: Session, deferred: boolean): void {
    this.sessions.delete(old.ikeSaId);
    this.replaced++;
    const candidates = [...old.homeAddresses, ...old.inherited];
    let revoked: Ipv6Address[] = [];
    if (deferred) by.inherited.push(...candidates);
    else revoked = this.revokeUnkept(old.identity, candidates);
    this.actions.endIkeSa(old.ikeSaId);
    this.actions.onReplaced?.(old.ikeSaId, by.ikeSaId, old.identity, revoked);
  }

  /** The inherited bindings of `s` once its Home Address is known or it has ended. */
  private settleInherited(s: Session): void {
    if (s.inherited.length === 0) return;
    const pending = s.inherited;
    s.inherited = [];
    this.revokeUnkept(s.identity, pending);
  }

  /** Deregisters the addresses no live session of `identity` carries (a move keeps its binding, RFC 5555 §5.1). */
  private revokeUnkept(identity: string, addresses: readonly Ipv6Address[]): Ipv6Address[] {
    const kept = this.of(identity).flatMap((s) => s.homeAddresses);
    const revoked: Ipv6Address[] = [];
    for (const a of addresses) {
      if (kept.some((k) => k.equals(a)) || revoked.some((r) => r.equals(a))) continue;
      revoked.push(a);
      this.actions.revokeBinding(a);
    }
    return revoked;
  }
}

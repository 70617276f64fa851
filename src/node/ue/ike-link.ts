/**
 * One IKE SA of the UE from one care-of address (RFC 4877 §4.4: IKE leaves from the CoA) with the BU/BA SAs it
 * installed. A care-of address change brings a second one up before the first goes (RFC 5555 §5.1), and engine ids
 * restart at 1 in every endpoint, so each link keeps its own event fan-out and removes its SAs by the SPIs it
 * installed, never by IKE SA id.
 */
import type { IkeEvent } from '../../ike/events.ts';
import type { IkeInitiator } from '../../ike/initiator.ts';
import type { IpAddress } from '../../util/ip-address.ts';
import type { MobilitySaRegistry } from '../mobility/sa-registry.ts';
import type { IkeDatagramEndpoint } from '../net/ike-datagram-endpoint.ts';
import { Listeners } from '../net/listeners.ts';
import { type IkeAttachInputs, type IkeAttachOutcome, runIkeAttach } from './ue-ike-attach.ts';

export class IkeLink {
  private closed = false;
  /** Ends the wait of a `delete` in progress (the link was closed meanwhile). */
  private endDeleteWait: (() => void) | undefined;

  constructor(
    readonly endpoint: IkeDatagramEndpoint<IkeInitiator>,
    readonly ikeSaId: number,
    /** This endpoint's engine events only. */
    readonly events: Listeners<IkeEvent>,
    private readonly installed: Set<number>,
    private readonly registry: MobilitySaRegistry,
    /** The care-of address this IKE SA runs from (RFC 4877 §4.4): a move compares it with its target. */
    readonly careOf: IpAddress,
  ) {}

  /**
   * Deletes the IKE SA with an INFORMATIONAL Delete (RFC 7296 §1.4.1) and waits for the answer; rejects after
   * `timeoutMs`. Resolves at once when the link is closed or the engine has no such SA any more (nothing to send),
   * and as soon as `close()` is called meanwhile. The link is closed either way.
   */
  async delete(timeoutMs: number): Promise<void> {
    if (this.closed) return;
    let answered = false;
    let onAnswer: (() => void) | undefined;
    const off = this.events.on((e) => {
      if (e.kind !== 'ike-sa-deleted' || e.ikeSaId !== this.ikeSaId) return;
      answered = true;
      onAnswer?.();
    });
    try {
      // Throws only if the endpoint is closed: nothing is pending then.
      const queued = this.endpoint.run((engine, now) => engine.deleteIkeSa(now, this.ikeSaId));
      if (!queued || answered) return;
      // The timer is armed only once the Delete is queued, and `close()` clears it (no timer outlives the link).
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no IKE SA deletion within ${timeoutMs} ms`)), timeoutMs);
        onAnswer = this.endDeleteWait = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    } finally {
      off();
      this.endDeleteWait = undefined;
      this.close();
    }
  }

  /** Closes the sockets and takes this link's BU/BA SAs out of the SAD (no message to the HA). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.endDeleteWait?.();
    this.endpoint.close();
    for (const spi of this.installed) this.registry.remove(spi);
    this.installed.clear();
  }
}

export interface IkeLinkOutcome extends Omit<IkeAttachOutcome, 'endpoint' | 'ikeSaId'> {
  readonly link: IkeLink;
}

/** Runs the IKEv2 attach (ue-ike-attach.ts) and keeps the SAD in step with that endpoint's Child SA events. */
export async function openIkeLink(i: IkeAttachInputs): Promise<IkeLinkOutcome> {
  const events = new Listeners<IkeEvent>();
  const installed = new Set<number>();
  const attach = runIkeAttach({
    ...i,
    onEvent: (e) => {
      if (e.kind === 'child-sa-established') installed.add(e.spiIn);
      else if (e.kind === 'child-sa-deleted') {
        installed.delete(e.spiIn);
        i.registry.remove(e.spiIn);
      } else if (e.kind === 'ike-sa-deleted') {
        for (const spi of installed) i.registry.remove(spi);
        installed.clear();
      }
      events.emit(e);
      i.onEvent(e);
    },
  });
  const outcome = await attach.catch((e: unknown) => {
    for (const spi of installed) i.registry.remove(spi); // the endpoint is closed already
    throw e;
  });
  const { endpoint, ikeSaId, ...rest } = outcome;
  return { ...rest, link: new IkeLink(endpoint, ikeSaId, events, installed, i.registry, i.careOf) };
}

/** IKE SAs a move left behind, deleted in the background (RFC 6275 §11.7.3 "SHOULD discard"). */
export class RetiredIkeLinks {
  private readonly links = new Set<IkeLink>();

  constructor(
    private readonly timeoutMs: number,
    /** The Delete went unanswered (e.g. from an address the UE no longer has): the link is closed anyway. */
    private readonly onUnanswered: (e: Error) => void,
  ) {}

  retire(link: IkeLink): void {
    this.links.add(link);
    link
      .delete(this.timeoutMs)
      .catch((e: unknown) => this.onUnanswered(e as Error))
      .finally(() => this.links.delete(link));
  }

  closeAll(): void {
    for (const link of this.links) link.close();
    this.links.clear();
  }
}

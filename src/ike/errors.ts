/**
 * The IKE engine's errors. Both are fatal to the IKE SA they arise in and never leave the engine: the task manager
 * turns them into a response, a teardown and an event (STYLE.md: a peer-caused error becomes a reply, a counted
 * drop or an event). Problems that only fail a piggybacked Child SA or configuration request (RFC 7296 §2.21.2)
 * are handled inside the tasks and never thrown.
 */

/** A problem to report to the peer with a Notify (STYLE.md `ProtocolError` carrying the reaction). */
export class IkeProtocolError extends Error {
  override readonly name = 'IkeProtocolError';
  constructor(
    /** The Notify Message Type to send (RFC 7296 §3.10.1). */
    readonly notifyType: number,
    detail: string,
    /** Notification Data, e.g. the accepted DH group for INVALID_KE_PAYLOAD (RFC 7296 §3.10.1). */
    readonly notifyData: Uint8Array = new Uint8Array(0),
  ) {
    super(`notify ${notifyType}: ${detail}`);
  }
}

/**
 * A failure with nothing to tell the peer: it reported an error itself (`notifyType` says which), its reply was
 * not one we offered, or our own check failed where no notification is defined. `reason` is a stable code.
 */
export class IkeLocalFailure extends Error {
  override readonly name = 'IkeLocalFailure';
  constructor(
    readonly reason: string,
    detail: string,
    readonly notifyType?: number,
  ) {
    super(`${reason}: ${detail}`);
  }
}

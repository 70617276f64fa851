import { bytesEqual } from '../util/hex.ts';
import type { IpAddress } from '../util/ip-address.ts';
import { NotifyType } from '../wire/ike/constants.ts';
import type { IkeHeader } from '../wire/ike/header.ts';
import type { IkePayload } from '../wire/ike/payload.ts';
import type { IkePath } from './events.ts';
import type { IkeSa } from './ike-sa.ts';
import { checkOuterPayloads, checkPayloads, isErrorNotify, messageRules } from './rules.ts';

/**
 * The inbound pipeline of one IKE SA (RFC 7296): the window check (§2.3), integrity and decryption (§3.14), the
 * payload rules, then the task manager. Unauthenticated problems are counted drops; authenticated ones get the
 * notification §2.21 prescribes.
 */
export function receiveMessage(
  sa: IkeSa,
  header: IkeHeader,
  outer: readonly IkePayload[],
  raw: Uint8Array,
  path: IkePath,
): void {
  const c = sa.services.counters;
  if (header.response) {
    if (!sa.tasks.expectsResponse(header)) {
      c.droppedMessageId++;
      return;
    }
  } else {
    const window = sa.tasks.checkRequest(header, raw, path);
    if (window !== 'new') {
      if (window === 'outside') outsideWindow(sa, header, outer, raw);
      return;
    }
  }
  const rules = messageRules(header.exchangeType, header.response);
  if (!rules) {
    c.droppedUnexpected++;
    return;
  }
  let payloads = outer;
  if (rules.encrypted) {
    const sk = outer.find((p) => p.kind === 'sk');
    if (!sa.protection || !sk || sk.kind !== 'sk' || checkOuterPayloads(outer)) {
      c.droppedMalformed++;
      unprotectedHint(sa, header, outer);
      return;
    }
    const opened = sa.protection.open(raw, sk);
    if (!opened.ok && opened.reason !== 'syntax') {
      if (opened.reason === 'integrity') c.droppedIntegrity++;
      else c.droppedMalformed++;
      return; // never a reply to an unauthenticated message (RFC 7296 §2.21)
    }
    sa.lastInboundAt = sa.services.now;
    if (!opened.ok) {
      rejectMalformed(sa, header, raw, path, NotifyType.INVALID_SYNTAX, new Uint8Array(0));
      return;
    }
    payloads = opened.payloads;
    if (sa.services.messageTrace) {
      sa.services.emit({ kind: 'message-payloads', ikeSaId: sa.id, direction: 'received', header, payloads });
    }
  }
  const msg = { header, payloads, raw, path };
  // Error answers (and a COOKIE demand, RFC 7296 §2.6) carry nothing but notifications.
  const isError =
    header.response &&
    payloads.some((p) => p.kind === 'notify' && (isErrorNotify(p.notifyType) || p.notifyType === NotifyType.COOKIE));
  const violation = checkPayloads(payloads, rules, { requireAll: !isError });
  if (violation) {
    if (!rules.encrypted && header.response)
      c.droppedMalformed++; // unauthenticated: ignore (§2.21.1)
    else rejectMalformed(sa, header, raw, path, violation.notifyType, violation.data);
    return;
  }
  if (header.response) {
    sa.tasks.handleResponse(msg);
  } else {
    if (rules.encrypted) updatePath(sa, path);
    sa.tasks.handleRequest(msg);
  }
}

/**
 * An unprotected INVALID_IKE_SPI answer to one of our requests: the peer may have lost the SA. It changes no
 * state (RFC 7296 §2.21.4); our outstanding request already checks liveness, so it is only reported.
 */
function unprotectedHint(sa: IkeSa, header: IkeHeader, outer: readonly IkePayload[]): void {
  const n = outer.find((p) => p.kind === 'notify' && p.notifyType === NotifyType.INVALID_IKE_SPI);
  if (!header.response || !n) return;
  sa.services.emit({
    kind: 'error-notify',
    ikeSaId: sa.id,
    notifyType: NotifyType.INVALID_IKE_SPI,
    exchangeType: header.exchangeType,
    direction: 'received',
    unauthenticated: true,
  });
}

/**
 * A request outside the window is dropped unanswered (RFC 7296 §2.3); if it is authentic, the peer hears
 * INVALID_MESSAGE_ID with the offending ID in a separate, rate-limited INFORMATIONAL (§3.10.1).
 */
function outsideWindow(sa: IkeSa, header: IkeHeader, outer: readonly IkePayload[], raw: Uint8Array): void {
  sa.services.counters.droppedMessageId++;
  const now = sa.services.now;
  const sk = outer.find((p) => p.kind === 'sk');
  if (!sa.established || !sk || sk.kind !== 'sk' || now < sa.invalidIdNotifyAt) return;
  if (!sa.protection?.open(raw, sk).ok) return;
  sa.invalidIdNotifyAt = now + sa.services.timing.errorNotifyIntervalMs;
  const id = header.messageId;
  sa.sendOneShotNotify(NotifyType.INVALID_MESSAGE_ID, Uint8Array.of(id >>> 24, id >>> 16, id >>> 8, id));
}

/**
 * A request that is malformed as a whole gets INVALID_SYNTAX or UNSUPPORTED_CRITICAL_PAYLOAD and nothing else
 * (RFC 7296 §2.21.2); INVALID_SYNTAX, and any error before the SA is up, end the IKE SA (§2.21.2, §2.21.3). A
 * malformed authenticated response ends it too: the peers no longer agree on state.
 */
function rejectMalformed(
  sa: IkeSa,
  header: IkeHeader,
  raw: Uint8Array,
  path: IkePath,
  notifyType: number,
  data: Uint8Array,
): void {
  if (header.response) {
    sa.teardown(sa.established ? 'deleted' : 'failed', 'malformed-response');
    return;
  }
  sa.tasks.respondWithError({ header, payloads: [], raw, path }, notifyType, data);
  sa.reportSentError(notifyType, header.exchangeType);
  if (notifyType === NotifyType.INVALID_SYNTAX || !sa.established) {
    sa.teardown(sa.established ? 'deleted' : 'failed', `sent-notify-${notifyType}`, notifyType);
  }
}

/**
 * Follows the peer's address only when it is behind a NAT (RFC 7296 §2.23), or its port when it floated to
 * NAT-T from the same address (RFC 5555 §5 has the MN use 4500 even without a NAT).
 */
function updatePath(sa: IkeSa, p: IkePath): void {
  const natT = sa.services.natTPorts.local;
  const sameAddresses = sameAddress(p.remoteAddr, sa.path.remoteAddr) && sameAddress(p.localAddr, sa.path.localAddr);
  if (sa.natRemote || (sameAddresses && p.localPort === natT)) sa.path = p;
}

function sameAddress(a: IpAddress, b: IpAddress): boolean {
  return bytesEqual(a.bytes, b.bytes);
}

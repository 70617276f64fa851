/** Reply validation of a DHCPv6 client (RFC 8415 §16.10) as a pure function. */
import { bytesEqual } from '../util/hex.ts';
import { encodeWith } from '../util/writer.ts';
import { Dhcpv6MessageType } from '../wire/dhcpv6/constants.ts';
import { type Duid, duidLength, emitDuid } from '../wire/dhcpv6/duid.ts';
import type { Dhcpv6Message } from '../wire/dhcpv6/message.ts';
import { findDhcpv6Option } from '../wire/dhcpv6/option-types.ts';

export type ReplyDropReason =
  | 'malformed' // not a DHCPv6 message (WireError)
  | 'not-reply' // another msg-type, or a relay message (RFC 8415 §16.13, §16.14)
  | 'transaction-id'
  | 'no-server-id'
  | 'client-id-mismatch';

export function encodeDuid(d: Duid): Uint8Array {
  return encodeWith(d, duidLength, emitDuid);
}

/**
 * Why a client must discard `m` as the answer to its message with `transactionId` (RFC 8415 §16.10), or undefined
 * when it is a valid Reply. `clientDuid` is the DUID the client sent, undefined if it sent no Client Identifier.
 */
export function checkReply(
  m: Dhcpv6Message,
  transactionId: number,
  clientDuid: Duid | undefined,
): ReplyDropReason | undefined {
  if (m.kind !== 'client-server' || m.msgType !== Dhcpv6MessageType.REPLY) return 'not-reply';
  if (m.transactionId !== transactionId) return 'transaction-id';
  if (findDhcpv6Option(m.options, 'server-id') === undefined) return 'no-server-id';
  const clientId = findDhcpv6Option(m.options, 'client-id');
  // "If the client included a Client Identifier option ..., the Reply message MUST include" a matching one;
  // "If the client did not include" one, the Reply "MUST NOT include" one.
  if (clientDuid === undefined) return clientId === undefined ? undefined : 'client-id-mismatch';
  if (clientId === undefined || !bytesEqual(encodeDuid(clientId.duid), encodeDuid(clientDuid)))
    return 'client-id-mismatch';
  return undefined;
}

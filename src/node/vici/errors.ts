/**
 * Errors of the VICI client (strongSwan's control protocol, src/libcharon/plugins/vici/README.md).
 *
 * VICI is a local control channel, not a wire protocol of the data path, so it has its own small error set
 * instead of a WireLayer: `ViciError` for malformed bytes from the daemon (the decoders throw nothing else),
 * `ViciRequestError` for a command or event registration the daemon refused or never answered.
 */

export type ViciErrorCode =
  | 'TRUNCATED' // fewer bytes than an element, a name or a declared value length needs
  | 'BAD_LENGTH' // a transport segment longer than the protocol's limit
  | 'BAD_VALUE' // an unknown element type
  | 'BAD_STRUCTURE' // sections or lists not balanced, an element where the README forbids it, nesting too deep
  | 'TRAILING_DATA'; // bytes after a packet that carries no message

export class ViciError extends Error {
  override readonly name = 'ViciError';
  constructor(
    readonly code: ViciErrorCode,
    /** Byte offset from the start of the buffer handed to the decoder. */
    readonly offset: number,
    readonly detail: string,
  ) {
    super(`vici: ${code} at offset ${offset}: ${detail}`);
  }
}

export type ViciRequestErrorCode =
  | 'UNKNOWN_COMMAND' // CMD_UNKNOWN: the daemon has no handler for the command
  | 'UNKNOWN_EVENT' // EVENT_UNKNOWN: no such event source
  | 'FAILED' // the response says success = no
  | 'UNEXPECTED' // a packet type that does not answer the pending request
  | 'TIMEOUT'
  | 'CLOSED'; // the connection ended (or was closed) before the answer

export class ViciRequestError extends Error {
  override readonly name = 'ViciRequestError';
  constructor(
    readonly code: ViciRequestErrorCode,
    detail: string,
  ) {
    super(`vici: ${code}: ${detail}`);
  }
}

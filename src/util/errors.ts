/**
 * The typed error set (STYLE.md: one small class per family, stable `code`s).
 * Tests assert on `code`, never on message text.
 */

/** Stable codes for malformed input. A decoder throws nothing else. */
export type WireErrorCode =
  | 'TRUNCATED' // fewer bytes than a header or a declared length needs
  | 'BAD_LENGTH' // a length field that contradicts the container or the type's rule
  | 'BAD_CHECKSUM'
  | 'BAD_VERSION'
  | 'BAD_VALUE' // a field value the format forbids (e.g. IPv4 HoA prefix length 0)
  | 'BAD_ALIGNMENT'
  | 'TRAILING_DATA'
  | 'UNSUPPORTED'; // well-formed but a format we do not read (e.g. a pcap link type)

/** Which protocol layer a WireError came from; used in logs and drop counters. */
export type WireLayer =
  | 'ipv4'
  | 'ipv6'
  | 'ipv6-ext'
  | 'udp'
  | 'udp-encap'
  | 'icmpv6'
  | 'mh'
  | 'esp'
  | 'ike'
  | 'eap'
  | 'eap-aka'
  | 'dhcpv6'
  | 'dhcpv4'
  | 'pco'
  | 'dns'
  | 'diameter'
  | 'pcap'
  | 'radius'
  | 'hex';

/** Malformed bytes: a stable `code`, the protocol `layer` and the byte `offset` where decoding stopped. */
export class WireError extends Error {
  override readonly name = 'WireError';
  constructor(
    readonly code: WireErrorCode,
    readonly layer: WireLayer,
    /** Byte offset from the start of the outermost buffer handed to the decoder. */
    readonly offset: number,
    /** What was wrong, without the layer/code/offset prefix of `message`. */
    readonly detail: string,
  ) {
    super(`${layer}: ${code} at offset ${offset}: ${detail}`);
  }

  /** The same error with its offset moved by `base` (for a decoder that ran on a sub-view). */
  rebased(base: number): WireError {
    return base === 0 ? this : new WireError(this.code, this.layer, this.offset + base, this.detail);
  }
}

export function isWireError(e: unknown): e is WireError {
  return e instanceof WireError;
}

/** A configuration value that failed validation; `path` names the key (e.g. `ha.pool.ipv4[0]`). */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly code: 'INVALID' | 'MISSING' | 'UNREADABLE',
    readonly path: string,
    detail: string,
  ) {
    super(`${path}: ${detail}`);
  }
}

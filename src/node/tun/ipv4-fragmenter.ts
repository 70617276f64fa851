/**
 * RFC 791 §3.2 "Fragmentation" for an inner IPv4 datagram without DF that does not fit the tunnel: the tunnel entry
 * point acts as a router (RFC 1812 §4.2.2.7) and splits the inner datagram, so every outer packet fits the path and
 * the far end needs no outer reassembly (RFC 4459 §3.1 "pre-fragmentation"). Slow path: allocation is fine here.
 */
import { internetChecksum } from '../../util/checksum.ts';
import { IPV4_MIN_HEADER_LENGTH } from '../../wire/ip/constants.ts';

const OPTION_END = 0; // RFC 791 §3.1 "End of Option List"
const OPTION_NOP = 1;
const OPTION_COPIED = 0x80; // RFC 791 §3.1: copied into all fragments
const FRAGMENT_UNIT = 8; // fragment offsets count 8-byte blocks
const MORE_FRAGMENTS = 0x2000;
const DONT_FRAGMENT = 0x4000;

/** The options a non-first fragment carries (RFC 791 §3.2: only those with the copied flag), or undefined if malformed. */
function copiedOptions(header: Uint8Array): Uint8Array | undefined {
  const out: number[] = [];
  let i = IPV4_MIN_HEADER_LENGTH;
  while (i < header.length) {
    const type = header[i]!;
    if (type === OPTION_END) break;
    if (type === OPTION_NOP) {
      i++;
      continue;
    }
    const length = header[i + 1];
    if (length === undefined || length < 2 || i + length > header.length) return undefined;
    if (type & OPTION_COPIED) for (let j = i; j < i + length; j++) out.push(header[j]!);
    i += length;
  }
  while (out.length % 4 !== 0) out.push(OPTION_END);
  return Uint8Array.from(out);
}

function fragment(header: Uint8Array, options: Uint8Array, data: Uint8Array, offsetBlocks: number, more: boolean) {
  const headerLength = IPV4_MIN_HEADER_LENGTH + options.length;
  const out = new Uint8Array(headerLength + data.length);
  out.set(header.subarray(0, IPV4_MIN_HEADER_LENGTH));
  out.set(options, IPV4_MIN_HEADER_LENGTH);
  out.set(data, headerLength);
  out[0] = 0x40 | (headerLength >> 2);
  out[2] = out.length >>> 8;
  out[3] = out.length;
  const flags = (more ? MORE_FRAGMENTS : 0) | offsetBlocks;
  out[6] = (out[6]! & 0x80) | (flags >>> 8); // the reserved bit stays as it was
  out[7] = flags;
  out[10] = 0;
  out[11] = 0;
  const checksum = internetChecksum(out.subarray(0, headerLength));
  out[10] = checksum >>> 8;
  out[11] = checksum;
  return out;
}

/**
 * Splits `packet` into fragments of at most `maxLength` bytes; undefined when it may not or cannot be split (DF set,
 * a malformed header, or no room for 8 data bytes). A packet that is itself a fragment keeps its offset and MF.
 */
export function fragmentIpv4(packet: Uint8Array, maxLength: number): Uint8Array[] | undefined {
  if (packet.length < IPV4_MIN_HEADER_LENGTH || packet[0]! >> 4 !== 4) return undefined;
  const headerLength = (packet[0]! & 0x0f) * 4;
  const total = (packet[2]! << 8) | packet[3]!;
  if (headerLength < IPV4_MIN_HEADER_LENGTH || total < headerLength || total > packet.length) return undefined;
  const flagsAndOffset = (packet[6]! << 8) | packet[7]!;
  if (flagsAndOffset & DONT_FRAGMENT) return undefined;
  const header = packet.subarray(0, headerLength);
  const laterOptions = copiedOptions(header);
  if (laterOptions === undefined) return undefined;
  const firstRoom = Math.floor((maxLength - headerLength) / FRAGMENT_UNIT) * FRAGMENT_UNIT;
  const laterRoom =
    Math.floor((maxLength - IPV4_MIN_HEADER_LENGTH - laterOptions.length) / FRAGMENT_UNIT) * FRAGMENT_UNIT;
  if (firstRoom <= 0 || laterRoom <= 0) return undefined;
  const data = packet.subarray(headerLength, total);
  const baseBlocks = flagsAndOffset & 0x1fff;
  if (baseBlocks + Math.ceil(data.length / FRAGMENT_UNIT) > 0x1fff + 1) return undefined; // offset field overflow
  const wasMore = (flagsAndOffset & MORE_FRAGMENTS) !== 0;
  const out: Uint8Array[] = [];
  const firstOptions = header.subarray(IPV4_MIN_HEADER_LENGTH);
  for (let at = 0; at < data.length || at === 0; ) {
    const room = at === 0 ? firstRoom : laterRoom;
    const n = Math.min(room, data.length - at);
    const last = at + n >= data.length;
    const options = at === 0 ? firstOptions : laterOptions;
    out.push(fragment(header, options, data.subarray(at, at + n), baseBlocks + at / FRAGMENT_UNIT, !last || wasMore));
    at += n;
    if (n === 0) break; // an empty datagram is one "fragment": itself
  }
  return out;
}

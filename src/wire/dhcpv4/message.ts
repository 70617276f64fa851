import { copyBytes } from '../../util/bytes.ts';
import { concatBytes } from '../../util/hex.ts';
import { Ipv4Address } from '../../util/ip-address.ts';
import { Reader } from '../../util/reader.ts';
import { Writer } from '../../util/writer.ts';
import {
  BOOTP_MIN_MESSAGE_LENGTH,
  Dhcpv4OptionCode as C,
  CHADDR_LENGTH,
  DHCP_MAGIC_COOKIE,
  DHCPV4_OPTION_MAX_DATA_LENGTH,
  FILE_LENGTH,
  FLAG_BROADCAST,
  OptionOverload,
  SNAME_LENGTH,
} from './constants.ts';
import {
  type Dhcpv4Option,
  dhcpv4OptionCode,
  dhcpv4OptionDataLength,
  emitDhcpv4OptionData,
  parseDhcpv4OptionData,
} from './options.ts';

/**
 * A DHCP message (RFC 2131 §2 Figure 1): the BOOTP header, the magic cookie and the options.
 *
 * Decoding: the 'options' field is read first; when it holds Option Overload (52), the 'file' and
 * then the 'sname' field are read as options too (RFC 2131 §4.1, RFC 2132 §9.3), and those fields
 * come back empty. Every instance of one option code, in that order, is concatenated into one value
 * before it is interpreted (RFC 3396), so `options` holds each code once. Pad, End and Option
 * Overload are framing and never appear in `options`; octets after End are ignored.
 *
 * Encoding: never overloads; an option whose data exceeds 255 octets is split into consecutive
 * instances (RFC 3396); End is always written; by default the message is padded with zeros to
 * the 300-octet BOOTP minimum (RFC 1542 §2.1).
 */
export interface Dhcpv4Message {
  /** 1 BOOTREQUEST, 2 BOOTREPLY. */
  readonly op: number;
  /** ARP hardware type (1 = Ethernet). */
  readonly htype: number;
  readonly hops: number;
  /** Transaction ID chosen by the client. */
  readonly xid: number;
  /** Seconds since the client began acquisition or renewal. */
  readonly secs: number;
  /** B flag (RFC 2131 §2 Figure 2); the 15 MBZ bits are not kept. */
  readonly broadcast: boolean;
  /** Client IP address; a DHCPINFORM carries the client's address here (RFC 2131 §4.4.3). */
  readonly ciaddr: Ipv4Address;
  /** 'your' (client) address. */
  readonly yiaddr: Ipv4Address;
  /** Next server in the bootstrap. */
  readonly siaddr: Ipv4Address;
  /** Relay agent address. */
  readonly giaddr: Ipv4Address;
  /** Client hardware address: the first hlen (≤ 16) octets of the 16-octet chaddr field. */
  readonly chaddr: Uint8Array;
  /** 'sname' contents without trailing zero octets (empty when unused or overloaded). */
  readonly sname: Uint8Array;
  /** 'file' contents without trailing zero octets (empty when unused or overloaded). */
  readonly file: Uint8Array;
  readonly options: readonly Dhcpv4Option[];
}

export interface Dhcpv4EncodeOptions {
  /** Pad with zeros after End up to 300 octets (RFC 1542 §2.1). Default true. */
  readonly padToMinimum?: boolean;
}

/** All instances of one option code seen so far, in RFC 3396 order. */
interface OptionParts {
  readonly parts: Reader[];
}

type OptionCollector = Map<number, OptionParts>;

/**
 * Reads one options area up to its End option (RFC 2131 §4.1: the last option must be End).
 * Every turn consumes at least the code octet.
 */
function collectOptions(r: Reader, into: OptionCollector, field: string, overloadAllowed: boolean): void {
  for (;;) {
    if (r.atEnd()) r.fail('BAD_VALUE', `${field}: options not terminated by End (RFC 2131 §4.1)`);
    const code = r.u8('option code');
    if (code === C.PAD) continue;
    if (code === C.END) return;
    const data = r.sub(r.u8('option length'), 'option data');
    // Option Overload is only meaningful in the 'options' field (RFC 2131 §4.1); elsewhere it is ignored.
    if (code === C.OPTION_OVERLOAD && !overloadAllowed) continue;
    const slot = into.get(code);
    if (slot) slot.parts.push(data);
    else into.set(code, { parts: [data] });
  }
}

function concatenated(slot: OptionParts): Reader {
  const first = slot.parts[0]!;
  if (slot.parts.length === 1) return first;
  // RFC 3396: the decoding agent concatenates every instance; offsets inside count from the first one.
  return Reader.of(concatBytes(slot.parts.map((p) => p.rest())), 'dhcpv4', first.absoluteOffset);
}

function trimmedField(r: Reader): Uint8Array {
  const b = r.rest();
  let end = b.length;
  while (end > 0 && b[end - 1] === 0) end--;
  return copyBytes(b, 0, end);
}

function overloadValue(collected: OptionCollector): number {
  const slot = collected.get(C.OPTION_OVERLOAD);
  if (!slot) return 0;
  collected.delete(C.OPTION_OVERLOAD);
  const r = concatenated(slot);
  if (r.remaining !== 1) r.fail('BAD_LENGTH', `Option Overload length ${r.remaining}, must be 1 (RFC 2132 §9.3)`);
  const v = r.peekU8();
  if (v < OptionOverload.FILE || v > OptionOverload.BOTH) r.fail('BAD_VALUE', `Option Overload value ${v}`);
  return r.u8();
}

export function parseDhcpv4Message(r: Reader): Dhcpv4Message {
  const op = r.u8('op');
  const htype = r.u8('htype');
  if (r.peekU8(0, 'hlen') > CHADDR_LENGTH) r.fail('BAD_VALUE', 'hlen exceeds the 16-octet chaddr field');
  const hlen = r.u8('hlen');
  const hops = r.u8('hops');
  const xid = r.u32('xid');
  const secs = r.u16('secs');
  const broadcast = (r.u16('flags') & FLAG_BROADCAST) !== 0;
  const ciaddr = Ipv4Address.fromBytes(r.bytes(4, 'ciaddr'));
  const yiaddr = Ipv4Address.fromBytes(r.bytes(4, 'yiaddr'));
  const siaddr = Ipv4Address.fromBytes(r.bytes(4, 'siaddr'));
  const giaddr = Ipv4Address.fromBytes(r.bytes(4, 'giaddr'));
  const chaddr = copyBytes(r.bytes(CHADDR_LENGTH, 'chaddr'), 0, hlen);
  const snameField = r.sub(SNAME_LENGTH, 'sname');
  const fileField = r.sub(FILE_LENGTH, 'file');
  if (r.atEnd()) r.fail('BAD_VALUE', 'no magic cookie: a BOOTP message without DHCP options');
  const cookieAt = r.sub(0); // marks the cookie's offset for the error below
  const cookie = r.u32('magic cookie');
  if (cookie !== DHCP_MAGIC_COOKIE) cookieAt.fail('BAD_VALUE', `magic cookie 0x${cookie.toString(16)}`);

  const collected: OptionCollector = new Map();
  collectOptions(r, collected, 'options', true);
  const overload = overloadValue(collected);
  // RFC 2131 §4.1: 'file' is interpreted before 'sname'.
  const fileHoldsOptions = overload === OptionOverload.FILE || overload === OptionOverload.BOTH;
  const snameHoldsOptions = overload === OptionOverload.SNAME || overload === OptionOverload.BOTH;
  if (fileHoldsOptions) collectOptions(fileField, collected, 'file', false);
  if (snameHoldsOptions) collectOptions(snameField, collected, 'sname', false);

  const options: Dhcpv4Option[] = [];
  for (const [code, slot] of collected) {
    const data = concatenated(slot);
    options.push(parseDhcpv4OptionData(code, data));
    data.expectEnd('option data');
  }
  return {
    op,
    htype,
    hops,
    xid,
    secs,
    broadcast,
    ciaddr,
    yiaddr,
    siaddr,
    giaddr,
    chaddr,
    sname: snameHoldsOptions ? new Uint8Array(0) : trimmedField(snameField),
    file: fileHoldsOptions ? new Uint8Array(0) : trimmedField(fileField),
    options,
  };
}

function instanceCount(dataLength: number): number {
  return Math.max(1, Math.ceil(dataLength / DHCPV4_OPTION_MAX_DATA_LENGTH));
}

/** Octets one option takes on the wire, including the extra headers of an RFC 3396 split. */
export function dhcpv4OptionWireLength(o: Dhcpv4Option): number {
  const n = dhcpv4OptionDataLength(o);
  return 2 * instanceCount(n) + n;
}

/** Length of cookie + options + End, before padding. */
function optionsAreaLength(m: Dhcpv4Message): number {
  let n = 4 + 1;
  for (const o of m.options) n += dhcpv4OptionWireLength(o);
  return n;
}

export function dhcpv4MessageLength(m: Dhcpv4Message, padToMinimum = true): number {
  const n = 236 + optionsAreaLength(m);
  return padToMinimum ? Math.max(n, BOOTP_MIN_MESSAGE_LENGTH) : n;
}

function checkUint(v: number, max: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new RangeError(`${what} ${v} outside 0..${max}`);
  return v;
}

function emitField(bytes: Uint8Array, size: number, what: string, w: Writer): void {
  if (bytes.length > size) throw new RangeError(`${what} of ${bytes.length} octets exceeds ${size}`);
  w.bytes(bytes).zeros(size - bytes.length);
}

function emitOption(o: Dhcpv4Option, w: Writer): void {
  const code = dhcpv4OptionCode(o);
  const n = dhcpv4OptionDataLength(o);
  if (n <= DHCPV4_OPTION_MAX_DATA_LENGTH) {
    w.u8(code).u8(n);
    const start = w.offset;
    emitDhcpv4OptionData(o, w);
    if (w.offset - start !== n) throw new RangeError(`option ${code}: wrote ${w.offset - start} of ${n}`);
    return;
  }
  // RFC 3396: split into consecutive instances of at most 255 octets.
  const tmp = Writer.alloc(n);
  emitDhcpv4OptionData(o, tmp);
  const data = tmp.finish();
  for (let p = 0; p < n; p += DHCPV4_OPTION_MAX_DATA_LENGTH) {
    const part = data.subarray(p, Math.min(n, p + DHCPV4_OPTION_MAX_DATA_LENGTH));
    w.u8(code).u8(part.length).bytes(part);
  }
}

export function emitDhcpv4Message(m: Dhcpv4Message, w: Writer, padToMinimum = true): void {
  const start = w.offset;
  w.u8(checkUint(m.op, 0xff, 'op')).u8(checkUint(m.htype, 0xff, 'htype'));
  w.u8(checkUint(m.chaddr.length, CHADDR_LENGTH, 'hlen')).u8(checkUint(m.hops, 0xff, 'hops'));
  w.u32(checkUint(m.xid, 0xffffffff, 'xid')).u16(checkUint(m.secs, 0xffff, 'secs'));
  w.u16(m.broadcast ? FLAG_BROADCAST : 0);
  w.bytes(m.ciaddr.bytes).bytes(m.yiaddr.bytes).bytes(m.siaddr.bytes).bytes(m.giaddr.bytes);
  emitField(m.chaddr, CHADDR_LENGTH, 'chaddr', w);
  emitField(m.sname, SNAME_LENGTH, 'sname', w);
  emitField(m.file, FILE_LENGTH, 'file', w);
  w.u32(DHCP_MAGIC_COOKIE);
  const seen = new Set<number>();
  for (const o of m.options) {
    const code = dhcpv4OptionCode(o);
    // One value per code: a second one would be concatenated with the first by the receiver (RFC 3396).
    if (seen.has(code)) throw new RangeError(`option ${code} listed twice; give one value`);
    seen.add(code);
    emitOption(o, w);
  }
  w.u8(C.END);
  if (padToMinimum) {
    const written = w.offset - start;
    if (written < BOOTP_MIN_MESSAGE_LENGTH) w.zeros(BOOTP_MIN_MESSAGE_LENGTH - written);
  }
}

/** Decodes a whole UDP payload; octets after the End option are ignored. Throws only WireError. */
export function decodeDhcpv4Message(bytes: Uint8Array): Dhcpv4Message {
  return parseDhcpv4Message(Reader.of(bytes, 'dhcpv4'));
}

export function encodeDhcpv4Message(m: Dhcpv4Message, options: Dhcpv4EncodeOptions = {}): Uint8Array {
  const pad = options.padToMinimum ?? true;
  const w = Writer.alloc(dhcpv4MessageLength(m, pad));
  emitDhcpv4Message(m, w, pad);
  return w.finish();
}

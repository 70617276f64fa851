/**
 * One ESP SA with its state (RFC 4301 §4.4.2.1): prepared keys, the sequence counter or the replay window,
 * byte/packet counters and lifetimes. Built by the SAD from `EspSaParams`; `esp-protect.ts` seals and opens
 * with it. Lifetime crossings and sequence exhaustion are reported through the owner's event sink.
 */
import { createSecretKey, type KeyObject } from 'node:crypto';
import type { RandomSource } from '../crypto/dh-types.ts';
import { CryptoError } from '../crypto/errors.ts';
import { ENCR_ID, encrTransform, type HashName, INTEG_ID, integTransform } from '../crypto/transforms.ts';
import { copyBytes } from '../util/bytes.ts';
import type { IpAddress } from '../util/ip-address.ts';
import { MAX_SEQUENCE_32, MAX_SEQUENCE_ESN, SEQUENCE_SOFT_MARGIN } from './constants.ts';
import { ReplayWindow } from './replay-window.ts';
import type { EspDirection, EspLifetimeLimits, EspMode, EspSaParams, EspUdpEncap } from './sa-params.ts';

/** Why `openEsp` (or the packet-level open) discarded a packet: each is counted, none throws. */
export type EspDropReason =
  | 'unknown-spi' // no inbound SA (RFC 4303 §3.4.2: discard, auditable)
  | 'malformed' // too short, ciphertext not whole blocks, pad length beyond the plaintext
  | 'replay' // duplicate or left of the window (RFC 4303 §3.4.3)
  | 'auth-failed' // ICV or GCM tag wrong (RFC 4303 §3.4.4)
  | 'bad-padding' // padding not 1, 2, 3, … (RFC 4303 §2.4 receiver SHOULD check)
  | 'sa-expired' // hard lifetime reached (RFC 4301 §4.4.2.1)
  | 'dummy-packet' // Next Header 59, traffic-flow-confidentiality filler (RFC 4303 §2.6: discard silently)
  | 'bad-next-header' // tunnel-mode SA whose payload is not an IP packet
  | 'selector-mismatch'; // decrypted packet outside the SA's selectors (RFC 4301 §5.2 step 4)

/** Why `sealEsp` refused to send. */
export type EspSealRefusal = 'sequence-exhausted' | 'sa-expired';

export type EspEvent =
  /** Time to rekey (RFC 4301 §4.4.2.1 soft lifetime; RFC 4303 §3.3.3 "in anticipation" of cycling). */
  | {
      readonly kind: 'lifetime-soft';
      readonly spi: number;
      readonly direction: EspDirection;
      readonly limit: 'bytes' | 'packets' | 'sequence';
    }
  /** The SA can no longer be used and should be deleted (RFC 4301 §4.4.2.1 hard lifetime). */
  | {
      readonly kind: 'lifetime-hard';
      readonly spi: number;
      readonly direction: EspDirection;
      readonly limit: 'bytes' | 'packets';
    }
  /** A send was refused because the counter would cycle: an auditable event (RFC 4303 §3.3.3). */
  | { readonly kind: 'sequence-exhausted'; readonly spi: number }
  /** An ICV did not verify: an auditable event (RFC 4303 §3.4.3); one per SA until a packet verifies again. */
  | { readonly kind: 'integrity-failure'; readonly spi: number; readonly sequence: number };

export type EspEventSink = (e: EspEvent) => void;

function counterTable<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

export const ESP_DROP_REASONS: readonly EspDropReason[] = [
  'unknown-spi',
  'malformed',
  'replay',
  'auth-failed',
  'bad-padding',
  'sa-expired',
  'dummy-packet',
  'bad-next-header',
  'selector-mismatch',
];
export const ESP_SEAL_REFUSALS: readonly EspSealRefusal[] = ['sequence-exhausted', 'sa-expired'];

export function emptyDropCounters(): Record<EspDropReason, number> {
  return counterTable(ESP_DROP_REASONS);
}

export function emptyRefusalCounters(): Record<EspSealRefusal, number> {
  return counterTable(ESP_SEAL_REFUSALS);
}

const GCM_SALT_LENGTH = 4;

function lcm(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return (a / x) * b;
}
const ESP_ALIGNMENT = 4; // RFC 4303 §2.4: Pad Length and Next Header end on a 4-byte boundary

export class EspSa {
  readonly spi: number;
  readonly direction: EspDirection;
  readonly mode: EspMode;
  readonly esn: boolean;
  readonly aead: boolean;
  /** OpenSSL cipher name, e.g. aes-128-gcm. */
  readonly cipherName: string;
  readonly cipherKey: KeyObject;
  /** GCM salt (RFC 4106 §4); empty for CBC. */
  readonly salt: Uint8Array;
  readonly integHash: HashName | undefined;
  readonly integKey: KeyObject | undefined;
  /** Explicit IV bytes per packet: 16 CBC (RFC 3602 §3), 8 GCM (RFC 4106 §3.1). */
  readonly ivLength: number;
  /** ICV bytes: the INTEG truncation, or the GCM tag (16). */
  readonly icvLength: number;
  /** Plaintext length must be a multiple of this: lcm(cipher block, 4) (RFC 4303 §2.4). */
  readonly alignment: number;
  /** Cipher block size the ciphertext must be a multiple of: 16 CBC, 1 GCM. */
  readonly cipherBlock: number;
  readonly replay: ReplayWindow;
  readonly random: RandomSource;
  /** Counters of packets and payload bytes processed (RFC 4301 §4.4.2.1 lifetime units), drops, refusals. */
  readonly drops = emptyDropCounters();
  readonly refusals = emptyRefusalCounters();
  packets = 0;
  bytes = 0;
  /** Outer addresses and UDP ports; the owner may move them (RFC 4877 §4.3 new CoA, RFC 7296 §2.23 NAT). */
  localAddress: IpAddress | undefined;
  remoteAddress: IpAddress | undefined;
  udpEncap: EspUdpEncap | undefined;
  private sequence = 0;
  private readonly maxSequence: number;
  private readonly limits: EspLifetimeLimits;
  private softFired = false;
  private expired = false;
  private exhaustedReported = false;
  private integrityFailureReported = false;

  /** Throws CryptoError (UNSUPPORTED, BAD_KEY_LENGTH) or RangeError for parameters that cannot make an SA. */
  constructor(
    readonly params: EspSaParams,
    random: RandomSource,
    private readonly sink: EspEventSink,
  ) {
    const p = params;
    if (!Number.isInteger(p.spi) || p.spi <= 0 || p.spi > 0xffffffff) throw new RangeError(`ESP SPI ${p.spi}`);
    const encr = encrTransform(p.encr.id, p.encr.keyLengthBits);
    const keyBytes = encr.keyLength + (encr.mode === 'gcm' ? GCM_SALT_LENGTH : 0);
    if (p.encrKey.length !== keyBytes) {
      throw new CryptoError('BAD_KEY_LENGTH', `${encr.name} needs ${keyBytes} key bytes, got ${p.encrKey.length}`);
    }
    this.spi = p.spi;
    this.direction = p.direction;
    this.mode = p.mode;
    this.esn = p.esn ?? false;
    this.aead = encr.id === ENCR_ID.AES_GCM_16;
    this.cipherName = `aes-${encr.keyLengthBits}-${encr.mode}`;
    this.cipherKey = createSecretKey(p.encrKey.subarray(0, encr.keyLength));
    this.salt = copyBytes(p.encrKey, encr.keyLength);
    const integId = p.integ ?? INTEG_ID.NONE;
    if (this.aead) {
      // A combined-mode cipher provides integrity itself; no INTEG transform is negotiated (RFC 7296 §3.3.3).
      if (integId !== INTEG_ID.NONE) throw new CryptoError('UNSUPPORTED', `${encr.name} with integrity ${integId}`);
      this.integHash = undefined;
      this.integKey = undefined;
      this.icvLength = encr.icvLength;
    } else {
      // ESP for BU/BA MUST use a non-null integrity algorithm (RFC 4877 §4.3); CBC alone is never accepted.
      if (integId === INTEG_ID.NONE) throw new CryptoError('UNSUPPORTED', `${encr.name} without integrity`);
      const integ = integTransform(integId);
      const key = p.integKey ?? new Uint8Array(0);
      if (key.length !== integ.keyLength) {
        throw new CryptoError('BAD_KEY_LENGTH', `${integ.name} needs ${integ.keyLength} key bytes, got ${key.length}`);
      }
      this.integHash = integ.hash;
      this.integKey = createSecretKey(key);
      this.icvLength = integ.icvLength;
    }
    this.ivLength = encr.ivLength;
    this.cipherBlock = encr.blockSize;
    this.alignment = lcm(encr.blockSize, ESP_ALIGNMENT);
    this.replay = new ReplayWindow(p.replayWindow);
    this.random = random;
    this.maxSequence = this.esn ? MAX_SEQUENCE_ESN : MAX_SEQUENCE_32;
    this.limits = p.lifetime ?? {};
    const start = p.initialSequence ?? 0;
    if (!Number.isInteger(start) || start < 0 || start > this.maxSequence)
      throw new RangeError(`initial sequence ${start}`);
    this.sequence = start;
    this.localAddress = p.localAddress;
    this.remoteAddress = p.remoteAddress;
    this.udpEncap = p.udpEncap;
  }

  /** False once a hard lifetime was reached: the SA neither sends nor accepts packets any more. */
  get usable(): boolean {
    return !this.expired;
  }

  /** The last sequence number sent (outbound); 0 before the first packet (RFC 4303 §3.3.3). */
  get lastSequence(): number {
    return this.sequence;
  }

  /**
   * Takes the next sequence number for an outgoing packet, or -1 when sending would make the counter cycle
   * (RFC 4303 §3.3.3: the sender MUST NOT; the SA must be replaced). Reports exhaustion once, and a soft
   * lifetime `SEQUENCE_SOFT_MARGIN` packets earlier.
   */
  takeSequence(): number {
    if (this.sequence >= this.maxSequence) {
      if (!this.exhaustedReported) {
        this.exhaustedReported = true;
        this.sink({ kind: 'sequence-exhausted', spi: this.spi });
      }
      return -1;
    }
    this.sequence++;
    if (this.sequence >= this.maxSequence - SEQUENCE_SOFT_MARGIN) this.fireSoft('sequence');
    return this.sequence;
  }

  /** Counts one packet of `payloadBytes` and reports the soft and hard limits it crosses (RFC 4301 §4.4.2.1). */
  record(payloadBytes: number): void {
    this.packets++;
    this.bytes += payloadBytes;
    this.integrityFailureReported = false;
    const l = this.limits;
    if (!this.softFired) {
      if (l.softPackets !== undefined && this.packets >= l.softPackets) this.fireSoft('packets');
      else if (l.softBytes !== undefined && this.bytes >= l.softBytes) this.fireSoft('bytes');
    }
    if (!this.expired) {
      let limit: 'bytes' | 'packets' | undefined;
      if (l.hardPackets !== undefined && this.packets >= l.hardPackets) limit = 'packets';
      else if (l.hardBytes !== undefined && this.bytes >= l.hardBytes) limit = 'bytes';
      if (limit) {
        this.expired = true;
        this.sink({ kind: 'lifetime-hard', spi: this.spi, direction: this.direction, limit });
      }
    }
  }

  /** Counts a drop; integrity failures are also reported (once until the next good packet). */
  drop(reason: EspDropReason, sequence = 0): void {
    this.drops[reason]++;
    if (reason === 'auth-failed' && !this.integrityFailureReported) {
      this.integrityFailureReported = true;
      this.sink({ kind: 'integrity-failure', spi: this.spi, sequence });
    }
  }

  refuse(reason: EspSealRefusal): void {
    this.refusals[reason]++;
  }

  /** Moves the outer endpoints (a new care-of address, RFC 4877 §4.3; a new NAT mapping, RFC 7296 §2.23). */
  moveEndpoints(to: { localAddress?: IpAddress; remoteAddress?: IpAddress; udpEncap?: EspUdpEncap }): void {
    if (to.localAddress) this.localAddress = to.localAddress;
    if (to.remoteAddress) this.remoteAddress = to.remoteAddress;
    if (to.udpEncap) this.udpEncap = to.udpEncap;
  }

  private fireSoft(limit: 'bytes' | 'packets' | 'sequence'): void {
    if (this.softFired) return;
    this.softFired = true;
    this.sink({ kind: 'lifetime-soft', spi: this.spi, direction: this.direction, limit });
  }
}

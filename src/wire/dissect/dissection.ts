import { WireError } from '../../util/errors.ts';
import type { Decryptor } from './decryptor.ts';

/** One decoded protocol layer of a packet: where it sits and its typed value. */
export interface DecodedLayer {
  readonly layer: string;
  /** Byte offset of the layer in the dissected buffer. */
  readonly offset: number;
  readonly length: number;
  /** The codec's typed value (addresses as Ipv4Address/Ipv6Address, byte strings as Uint8Array). */
  readonly fields: unknown;
  /**
   * What a key log revealed inside this layer (an IKE message's SK payload, an ESP packet), dissected on its own:
   * offsets there are within the decrypted plaintext, not the packet.
   */
  readonly decrypted?: Dissection;
}

/** A packet dissected layer by layer, with what could not be decoded. */
export interface Dissection {
  readonly layers: readonly DecodedLayer[];
  /** The first malformed layer; layers before it are complete. Dissection never throws. */
  readonly error?: WireError;
}

/**
 * Collects layers while a packet is walked. Decoders return views into the input, so a layer's offset is
 * its view's position in the root buffer; errors from decoders run on a sub-view are rebased the same way.
 */
export class LayerSink {
  readonly layers: DecodedLayer[] = [];
  error?: WireError;

  constructor(
    private readonly root: Uint8Array,
    /** Keys for SK payloads and ESP; without one, encrypted layers stay opaque. */
    readonly decryptor?: Decryptor,
  ) {}

  offsetOf(view: Uint8Array): number {
    return view.byteOffset - this.root.byteOffset;
  }

  add(layer: string, view: Uint8Array, fields: unknown, decrypted?: Dissection): void {
    const offset = this.offsetOf(view);
    this.layers.push(
      decrypted
        ? { layer, offset, length: view.length, fields, decrypted }
        : { layer, offset, length: view.length, fields },
    );
  }

  /** Walks decrypted bytes as a separate buffer with the same keys; `finish` gives its result. */
  child(plaintext: Uint8Array): LayerSink {
    return new LayerSink(plaintext, this.decryptor);
  }

  finish(): Dissection {
    return this.error ? { layers: this.layers, error: this.error } : { layers: this.layers };
  }

  /** Records `e`, raised by a decoder run on `view`, as the walk's error (the first one wins). */
  fail(view: Uint8Array, e: WireError): void {
    if (!this.error) this.error = e.rebased(this.offsetOf(view));
  }

  /** Runs one decoding step; a WireError it throws is recorded (offset made absolute) and stops the walk. */
  step(view: Uint8Array, fn: () => void): boolean {
    if (this.error) return false;
    try {
      fn();
      return true;
    } catch (e) {
      if (!(e instanceof WireError)) throw e;
      this.error = e.rebased(this.offsetOf(view));
      return false;
    }
  }
}

/** A shallow copy of `value` without the listed keys (e.g. a payload already shown as the next layer). */
export function omit<T extends object>(value: T, ...keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (!keys.includes(k)) out[k] = v;
  return out;
}

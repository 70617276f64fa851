/** A file that fills up: an in-memory `FileSink` of fixed capacity failing like a full disk (ENOSPC, partial write). */
import type { FileSink, OpenFileSink } from './output-guard.ts';

export class FullDisk {
  /** Bytes of each file by name. */
  readonly files = new Map<string, Uint8Array>();
  constructor(public capacity: number) {}

  private used(): number {
    let n = 0;
    for (const f of this.files.values()) n += f.length;
    return n;
  }

  readonly open: OpenFileSink = (path, o) => {
    if (o.flags === 'w' || !this.files.has(path)) this.files.set(path, new Uint8Array(0));
    const get = () => this.files.get(path) ?? new Uint8Array(0);
    const sink: FileSink = {
      append: (bytes) => {
        const room = Math.max(0, this.capacity - this.used());
        const take = Math.min(room, bytes.length);
        const cur = get();
        const next = new Uint8Array(cur.length + take);
        next.set(cur);
        next.set(bytes.subarray(0, take), cur.length);
        this.files.set(path, next);
        if (take < bytes.length) {
          throw Object.assign(new Error(`ENOSPC: no space left on device, write`), { code: 'ENOSPC' });
        }
      },
      size: () => get().length,
      truncate: (length) => this.files.set(path, new Uint8Array(get().subarray(0, length))),
      close: () => undefined,
    };
    return sink;
  };
}

/** A node's event fan-out: listeners added with `on` (which returns the remover), called in order. */
export class Listeners<E> {
  private readonly list: ((e: E) => void)[] = [];

  on(listener: (e: E) => void): () => void {
    this.list.push(listener);
    return () => {
      const i = this.list.indexOf(listener);
      if (i >= 0) this.list.splice(i, 1);
    };
  }

  emit(e: E): void {
    for (const l of [...this.list]) l(e);
  }

  /**
   * The first event from now on for which `pick` returns a value; rejects with an Error naming `what` after
   * `timeoutMs` (the timer is cleared either way, so nothing is left running).
   */
  waitFor<T>(pick: (e: E) => T | undefined, what: string, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const off = this.on((e) => {
        const v = pick(e);
        if (v === undefined) return;
        clearTimeout(timer);
        off();
        resolve(v);
      });
      const timer = setTimeout(() => {
        off();
        reject(new Error(`no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
    });
  }
}

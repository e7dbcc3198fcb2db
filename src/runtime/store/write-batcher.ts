// Group commit at the application level: concurrent writes of one kind are gathered into a single
// statement or transaction. A write never waits for a timer. `immediate`: when a slot is free it goes
// at once (alone, if it is alone); writes arriving while every slot is busy are sent together when
// one frees (for a store whose writes take a network round trip). `microtask`: writes made in the same
// turn of the event loop go together at the end of it (for a synchronous store, where nothing could
// arrive while a write runs). Each caller's promise settles with the write that carried its item, so
// "resolved" still means "committed".

interface Waiting<T> {
  readonly item: T;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export class WriteBatcher<T> {
  readonly #flush: (items: readonly T[]) => Promise<void>;
  readonly #maxInFlight: number;
  readonly #maxBatch: number;
  readonly #gather: 'immediate' | 'microtask';
  #waiting: Waiting<T>[] = [];
  #inFlight = 0;
  #scheduled = false;

  constructor(
    flush: (items: readonly T[]) => Promise<void>,
    limits: { maxInFlight: number; maxBatch: number; gather?: 'immediate' | 'microtask' },
  ) {
    this.#flush = flush;
    this.#maxInFlight = limits.maxInFlight;
    this.#maxBatch = limits.maxBatch;
    this.#gather = limits.gather ?? 'immediate';
  }

  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#waiting.push({ item, resolve, reject });
      if (this.#gather === 'immediate') this.#send();
      else if (!this.#scheduled) {
        this.#scheduled = true;
        queueMicrotask(() => {
          this.#scheduled = false;
          this.#send();
        });
      }
    });
  }

  #send(): void {
    while (this.#inFlight < this.#maxInFlight && this.#waiting.length > 0) {
      const batch = this.#waiting.splice(0, this.#maxBatch);
      this.#inFlight += 1;
      this.#flush(batch.map((waiting) => waiting.item))
        .then(
          () => batch.forEach((waiting) => waiting.resolve()),
          (error: unknown) => batch.forEach((waiting) => waiting.reject(error)),
        )
        .finally(() => {
          this.#inFlight -= 1;
          this.#send();
        });
    }
  }
}

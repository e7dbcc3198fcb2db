// A min-heap of epoch-millisecond times: the retry times the delivery loop must wake up for.
export class TimeHeap {
  readonly #items: number[] = [];

  get size(): number {
    return this.#items.length;
  }

  peek(): number | undefined {
    return this.#items[0];
  }

  push(time: number): void {
    const items = this.#items;
    items.push(time);
    let child = items.length - 1;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if ((items[parent] as number) <= time) break;
      items[child] = items[parent] as number;
      child = parent;
    }
    items[child] = time;
  }

  /** Removes every time at or before `now`. */
  dropUntil(now: number): void {
    while (this.#items.length > 0 && (this.#items[0] as number) <= now) this.#pop();
  }

  #pop(): void {
    const items = this.#items;
    const last = items.pop() as number;
    if (items.length === 0) return;
    let parent = 0;
    for (;;) {
      const left = 2 * parent + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child = right < items.length && (items[right] as number) < (items[left] as number) ? right : left;
      if ((items[child] as number) >= last) break;
      items[parent] = items[child] as number;
      parent = child;
    }
    items[parent] = last;
  }
}

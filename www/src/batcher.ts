// Collects items and hands them on at most once per interval, so a fast study sends about 30
// messages a second however many trials it runs, and a slow one still sends each trial promptly
// (a timer sends what waits once the interval is over).

export class Batcher<T> {
  private items: T[] = [];
  private last = -Infinity;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly send: (items: T[]) => void,
    private readonly intervalMs = 1000 / 30,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Adds an item; sends the batch now if the interval since the last send has passed, else
   *  when it has. */
  push(item: T): void {
    this.items.push(item);
    const wait = this.last + this.intervalMs - this.now();
    if (wait <= 0) this.flush();
    else if (this.timer === undefined) this.timer = setTimeout(() => this.flush(), wait);
  }

  /** Sends what is pending (if anything) now. */
  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.items.length === 0) return;
    const items = this.items;
    this.items = [];
    this.last = this.now();
    this.send(items);
  }

  get pending(): number {
    return this.items.length;
  }
}

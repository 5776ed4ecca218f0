// An engine figure's question to the study worker, asked no more often than its cost allows.

/** A question to the worker whose answer a view draws; asked again when the trials changed, at
 *  most every `max(2 s, 10 × its last cost)` while the study runs. */
export class Asked<T> {
  state: { value: T } | { error: string } | null = null;
  private askedAt = -Infinity;
  private askedVersion = -1;
  private key = "";
  private pending = false;
  private cost = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** `onAnswer`: an answer came (or the wait is over): the view redraws. */
  constructor(private readonly onAnswer: () => void) {}

  /** Forgets the answer (a new study). */
  reset(): void {
    this.state = null;
    this.askedVersion = -1;
    this.key = "";
    this.askedAt = -Infinity;
  }

  /** Asks unless the answer is for these trials (`version`) and this `key` already, or, while the
   *  study runs (`busy`), was asked too recently: then `onAnswer` comes when it may be asked. */
  maybeAsk(version: number, key: string, busy: boolean, ask: () => Promise<unknown>): void {
    if (this.pending) return;
    if (version === this.askedVersion && key === this.key) return;
    const now = performance.now();
    const wait = Math.max(2000, 10 * this.cost) - (now - this.askedAt);
    if (busy && key === this.key && wait > 0) {
      if (this.timer === undefined) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.onAnswer();
        }, wait + 10);
      }
      return;
    }
    if (key !== this.key) this.state = null;
    this.pending = true;
    this.askedAt = now;
    this.askedVersion = version;
    this.key = key;
    ask().then(
      (r) => (this.state = { value: r as T }),
      (e: Error) => (this.state = { error: e.message }),
    ).finally(() => {
      this.pending = false;
      this.cost = performance.now() - now;
      this.onAnswer();
    });
  }
}

// Keeps the page responsive while a study streams in: each view (plot, table) refreshes in its own
// task, and no more often than `max(minIntervalMs, costFactor × its last render time)`; and after
// any view's render the others wait `(costFactor − 1) ×` its cost, so that however many views and
// trials there are, views together take at most about 1/costFactor of the main thread and a click
// waits for at most one view's render.

export interface View {
  name: string;
  render(): void;
  /** This view's own floor on the interval (a WebGL plot may want a longer one). */
  minIntervalMs?: number;
}

interface Slot {
  view: View;
  dirty: boolean;
  lastEnd: number;
  lastCost: number;
  prevCost: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Asked for by `flush`: not held back by the shared budget. */
  urgent: boolean;
}

export class ViewScheduler {
  private readonly slots: Slot[];
  /** No view (unless urgent) renders before this time: the main thread's share for views. */
  private sharedNext = -Infinity;

  constructor(
    views: View[],
    private readonly minIntervalMs = 250,
    private readonly costFactor = 4,
    private readonly now: () => number = () => performance.now(),
    /** Told whether every view is up to date (false as soon as one is stale). */
    private readonly onSettled: (settled: boolean) => void = () => {},
  ) {
    this.slots = views.map((view) => ({ view, dirty: false, lastEnd: -Infinity, lastCost: 0, prevCost: 0, timer: undefined, urgent: false }));
  }

  /** Marks every view (or the named ones) stale; each refreshes when its interval allows. */
  invalidate(names?: readonly string[]): void {
    this.onSettled(false);
    for (const s of this.slots) {
      if (names && !names.includes(s.view.name)) continue;
      s.dirty = true;
      if (s.timer !== undefined) continue;
      const floor = Math.max(this.minIntervalMs, s.view.minIntervalMs ?? 0);
      // The smaller of the last two costs: a one-off (a WebGL context's first draw) does not
      // hold the view back for long.
      const cost = Math.min(s.lastCost, s.prevCost);
      const wait = Math.max(0, s.lastEnd + Math.max(floor, this.costFactor * cost) - this.now());
      s.timer = setTimeout(() => {
        s.timer = undefined;
        this.run(s);
      }, wait);
    }
  }

  /** Refreshes every view (or the named ones) as soon as possible (a study ended or was reset),
   *  each still in its own task so that a click can come in between. */
  flush(names?: readonly string[]): void {
    this.onSettled(false);
    for (const s of this.slots) {
      if (names && !names.includes(s.view.name)) continue;
      clearTimeout(s.timer);
      s.dirty = true;
      s.urgent = true;
      s.timer = setTimeout(() => {
        s.timer = undefined;
        this.run(s);
      }, 0);
    }
  }

  /** Whether every view shows the latest data. */
  get settled(): boolean {
    return this.slots.every((s) => !s.dirty && s.timer === undefined);
  }

  private run(s: Slot): void {
    const wait = this.sharedNext - this.now();
    if (!s.urgent && s.dirty && wait > 0) {
      s.timer = setTimeout(() => {
        s.timer = undefined;
        this.run(s);
      }, wait);
      return;
    }
    this.runView(s);
    if (this.settled) this.onSettled(true);
  }

  private runView(s: Slot): void {
    if (!s.dirty) return;
    s.dirty = false;
    s.urgent = false;
    const t0 = this.now();
    s.view.render();
    s.lastEnd = this.now();
    s.prevCost = s.lastCost;
    s.lastCost = s.lastEnd - t0;
    this.sharedNext = s.lastEnd + (this.costFactor - 1) * Math.min(s.lastCost, s.prevCost);
    if (typeof performance !== "undefined" && performance.measure) {
      // Read by the pause-click benchmark.
      performance.measure(`wasmtune:${s.view.name}`, { start: t0, end: s.lastEnd });
    }
  }
}

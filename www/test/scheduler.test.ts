import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ViewScheduler } from "../src/ui/scheduler";

describe("ViewScheduler", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("renders each view in its own task, no more often than its interval, and says when settled", () => {
    let t = 0;
    const calls: string[] = [];
    const settled: boolean[] = [];
    const s = new ViewScheduler(
      [
        { name: "cheap", render: () => calls.push("cheap") },
        { name: "slow", render: () => { calls.push("slow"); t += 100; }, minIntervalMs: 1000 },
      ],
      250,
      4,
      () => t,
      (v) => settled.push(v),
    );
    s.invalidate();
    expect(calls).toEqual([]); // never inside the caller's task
    vi.advanceTimersByTime(0);
    expect(calls).toEqual(["cheap", "slow"]);
    expect(s.settled).toBe(true);
    // Many invalidations within the interval: one render each, after it.
    for (let i = 0; i < 50; i++) s.invalidate();
    vi.advanceTimersByTime(10);
    expect(calls).toHaveLength(2);
    t = 400;
    vi.advanceTimersByTime(400);
    expect(calls.filter((c) => c === "cheap")).toHaveLength(2);
    expect(calls.filter((c) => c === "slow")).toHaveLength(1);
    t = 1200;
    vi.advanceTimersByTime(1000);
    expect(calls.filter((c) => c === "slow")).toHaveLength(2);
    expect(settled.at(-1)).toBe(true);
  });

  it("flushes only the named views when asked, at once whatever their interval", () => {
    let t = 0;
    const calls: string[] = [];
    const s = new ViewScheduler(
      [
        { name: "plot", render: () => calls.push("plot") },
        { name: "table", render: () => calls.push("table") },
      ],
      300,
      4,
      () => t,
    );
    s.flush();
    vi.advanceTimersByTime(0);
    expect(calls).toEqual(["plot", "table"]);
    t = 10;
    s.invalidate(); // within the interval: waits
    s.flush(["table"]);
    vi.advanceTimersByTime(0);
    expect(calls).toEqual(["plot", "table", "table"]);
    expect(s.settled).toBe(false); // the plot is still due
    t = 400;
    vi.advanceTimersByTime(400);
    expect(calls).toEqual(["plot", "table", "table", "plot"]);
    expect(s.settled).toBe(true);
  });

  it("backs off a view that keeps costing much, but not after a one-off spike", () => {
    let t = 0;
    let cost = 500; // the first draw (say, a WebGL context) is slow
    const at: number[] = [];
    const s = new ViewScheduler([{ name: "v", render: () => { at.push(t); t += cost; } }], 250, 4, () => t);
    s.invalidate();
    vi.advanceTimersByTime(0);
    cost = 100;
    const tick = (ms: number) => {
      for (let i = 0; i < ms; i += 10) {
        t += 10;
        s.invalidate();
        vi.advanceTimersByTime(10);
      }
    };
    tick(3000);
    const gaps = at.slice(1).map((x, i) => x - at[i]);
    // After the spike (a 500 ms render): the 250 ms floor, not 4 × 500 ms.
    expect(gaps[0]).toBeLessThan(500 + 300);
    // Once every render costs 100 ms: 4 × 100 ms between the end of one and the next.
    expect(gaps.at(-1)).toBeGreaterThanOrEqual(450);
  });
});

describe("ViewScheduler's shared budget", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("many views together keep to about 1/costFactor of the time while a study runs", () => {
    let t = 0;
    let busy = 0;
    const views = Array.from({ length: 12 }, (_, i) => ({
      name: `v${i}`,
      render: () => {
        t += 50;
        busy += 50;
      },
    }));
    const s = new ViewScheduler(views, 250, 4, () => t);
    s.invalidate();
    vi.advanceTimersByTime(0);
    busy = 0;
    const start = t;
    for (let i = 0; i < 1000; i++) {
      t += 10;
      s.invalidate();
      vi.advanceTimersByTime(10);
    }
    // 12 views of 50 ms each with a 250 ms floor would take 100% of the time; the budget holds
    // them to about a quarter.
    expect(busy / (t - start)).toBeLessThan(0.3);
    expect(busy / (t - start)).toBeGreaterThan(0.15);
  });
});

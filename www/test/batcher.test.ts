import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Batcher } from "../src/batcher";

describe("Batcher", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("sends at most about 30 batches a second however fast items come", () => {
    let t = 0;
    const batches: number[][] = [];
    const b = new Batcher<number>((items) => batches.push(items), 1000 / 30, () => t);
    // 10,000 items over one simulated second.
    for (let i = 0; i < 10_000; i++) {
      t = i / 10;
      b.push(i);
      vi.advanceTimersByTime(0);
    }
    b.flush();
    expect(batches.length).toBeLessThanOrEqual(31);
    expect(batches.flat()).toEqual(Array.from({ length: 10_000 }, (_, i) => i));
  });

  it("sends a lone item once the interval has passed, without waiting for another push", () => {
    let t = 0;
    const batches: number[][] = [];
    const b = new Batcher<number>((items) => batches.push(items), 100, () => t);
    b.push(1); // first push goes at once
    t = 10;
    b.push(2);
    expect(batches).toEqual([[1]]);
    t = 100;
    vi.advanceTimersByTime(90);
    expect(batches).toEqual([[1], [2]]);
    expect(b.pending).toBe(0);
  });
});

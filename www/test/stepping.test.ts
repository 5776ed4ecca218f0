import { describe, expect, it } from "vitest";
import { Stepping } from "../src/stepping";

describe("Stepping", () => {
  it("runs on without steps; pauses after the steps given or after one more, never after the last trial", () => {
    const free = new Stepping();
    expect([false, false, false].map(() => free.count(false))).toEqual([false, false, false]);
    const started = new Stepping(1);
    expect(started.count(false)).toBe(true);
    expect(started.count(false)).toBe(false); // stepped out: runs on until told again
    started.once();
    expect(started.count(false)).toBe(true);
    const two = new Stepping(2);
    expect([two.count(false), two.count(false)]).toEqual([false, true]);
    const last = new Stepping(1);
    expect(last.count(true)).toBe(false);
  });
});

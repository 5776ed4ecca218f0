// The page's store and the URL hash that mirrors it.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type PageState, Store, isBusy, isRunning, mirrorToHash } from "../src/page-state";
import { decodeSpec, defaultSpec } from "../src/state";
import { defaultViewOptions } from "../src/view-options";

const initial = (): PageState => ({ spec: defaultSpec(), view: defaultViewOptions(), phase: "loading", error: null, replay: null });

describe("Store", () => {
  it("tells listeners, in order, which keys an update set and who made it", () => {
    const store = new Store(initial());
    const seen: string[] = [];
    store.subscribe((s, changed, origin) => seen.push(`a:${[...changed].join()}:${s.phase}:${String(origin)}`));
    const off = store.subscribe((_, changed) => seen.push(`b:${[...changed].join()}`));
    store.update({ phase: "idle" }, "me");
    off();
    store.update({ phase: "idle", error: "x" });
    expect(seen).toEqual(["a:phase:idle:me", "b:phase", "a:phase,error:idle:undefined"]);
  });

  it("replaces the state object and never mutates the old one", () => {
    const store = new Store(initial());
    const before = store.get();
    store.update({ phase: "running" });
    expect(before.phase).toBe("loading");
    expect(store.get().phase).toBe("running");
    expect(store.get().spec).toBe(before.spec);
  });

  it("says which phases are running and which are busy", () => {
    expect(["running", "paused", "stopping"].every((p) => isRunning(p as PageState["phase"]))).toBe(true);
    expect(isRunning("opening") || isRunning("idle")).toBe(false);
    expect(isBusy("opening") && isBusy("paused") && !isBusy("finished")).toBe(true);
  });
});

describe("mirrorToHash", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("writes the configuration and view settings once changes pause, and round-trips", () => {
    const store = new Store(initial());
    const urls: string[] = [];
    mirrorToHash(store, 150, (u) => urls.push(u), () => "/page");
    store.update({ phase: "idle" });
    vi.advanceTimersByTime(1000);
    expect(urls).toEqual([]);
    const spec = defaultSpec("branin");
    store.update({ spec });
    vi.advanceTimersByTime(100);
    store.update({ view: { ...defaultViewOptions(), log: true } });
    vi.advanceTimersByTime(149);
    expect(urls).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(urls).toHaveLength(1);
    const back = decodeSpec(urls[0]!);
    expect(back.config).toEqual(spec.config);
    expect((back.view as { log: boolean }).log).toBe(true);
  });

  it("flushes at once and clears to a bare link, dropping a pending write", () => {
    const store = new Store(initial());
    const urls: string[] = [];
    const hash = mirrorToHash(store, 150, (u) => urls.push(u), () => "/page");
    store.update({ spec: defaultSpec("ackley") });
    hash.flush();
    expect(urls).toHaveLength(1);
    store.update({ spec: defaultSpec() });
    hash.clear();
    vi.advanceTimersByTime(1000);
    expect(urls.slice(1)).toEqual(["/page"]);
  });
});

// The saved-studies store against fake-indexeddb (IndexedDB in Node).
import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";
import { type SavedStudy, StudyStore, journalLines } from "../src/store";

const meta = (id: string, created: number): SavedStudy => ({
  id,
  studyName: id,
  created,
  spec: { config: { name: id, directions: ["minimize"], sampler: { name: "RandomSampler", kwargs: null }, pruner: { name: "NopPruner", kwargs: null } } },
  trials: 0,
  source: "page",
});

describe("StudyStore", () => {
  it("keeps each study's journal lines in append order, with its trial count", async () => {
    const store = await StudyStore.open("t1");
    await store.create(meta("a", 1), ['{"op_code":0}']);
    await store.create(meta("b", 2));
    const writes = [store.append("a", ["l1", "l2"], 1), store.append("b", ["other"], 1), store.append("a", ["l3"], 2)];
    await Promise.all(writes);
    expect(await store.journal("a")).toBe('{"op_code":0}\nl1\nl2\nl3\n');
    expect(await store.journal("b")).toBe("other\n");
    const list = await store.list();
    expect(list.map((s) => s.id)).toEqual(["b", "a"]); // newest first
    expect(list.find((s) => s.id === "a")!.trials).toBe(2);
    store.close();
  });

  it("survives a reopen and deletes a study with its lines", async () => {
    let store = await StudyStore.open("t2");
    await store.create(meta("x", 1), ["one", "two"]);
    await store.create(meta("y", 2), ["three"]);
    store.close();
    store = await StudyStore.open("t2");
    expect(await store.journal("x")).toBe("one\ntwo\n");
    await store.delete("x");
    expect((await store.list()).map((s) => s.id)).toEqual(["y"]);
    expect(await store.journal("x")).toBe("");
    expect(await store.journal("y")).toBe("three\n");
    store.close();
  });

  it("splits a journal into complete lines (a trailing partial line is left out, as Optuna)", () => {
    expect(journalLines("a\nb\n")).toEqual(["a", "b"]);
    expect(journalLines("a\nb\npartial")).toEqual(["a", "b"]);
    expect(journalLines("")).toEqual([]);
  });
});

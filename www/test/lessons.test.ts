// The lessons' pure parts: each lesson's configuration (the engine accepts it, it hides what the
// lesson does not show, its link round-trips), and the numbers the lesson visuals print.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { LESSONS, lessonById } from "../src/lessons/catalog";
import { leaveLesson, lessonIdFromHash, lessonLink, lessonSpecFromHash } from "../src/lessons/route";
import { LESSON_CONTROLS, PLAYGROUND_CONTROLS } from "../src/lessons/spec";
import { changes } from "../src/lessons/visuals/best-changed";
import { gardenScore } from "../src/lessons/visuals/garden";
import { distinctValues } from "../src/lessons/visuals/grid-vs-random";
import { stepsSaved } from "../src/lessons/visuals/pruning";
import { type FrozenTrial, createStudyFromConfig, init } from "wasmtune";
import { builtinObjective } from "../src/objectives";
import { decodeSpec, encodeSpec } from "../src/state";

beforeAll(async () => {
  await init(readFileSync(new URL("../pkg/wasmtune_bg.wasm", import.meta.url)));
});

const trial = (number: number, params: FrozenTrial["params"], value: number | null, extra: Partial<FrozenTrial> = {}): FrozenTrial => ({
  number,
  state: value === null ? "FAIL" : "COMPLETE",
  values: value === null ? null : [value],
  value,
  params,
  distributions: {},
  intermediateValues: {},
  userAttrs: {},
  systemAttrs: {},
  datetimeStart: 0,
  datetimeComplete: 1,
  duration: 1,
  ...extra,
});

describe("lesson catalog", () => {
  it("has unique ids, a title, a question, text and a picture for each lesson", () => {
    expect(new Set(LESSONS.map((l) => l.id)).size).toBe(LESSONS.length);
    for (const l of LESSONS) {
      expect(l.title.length, l.id).toBeGreaterThan(3);
      expect(l.question.endsWith("?"), l.id).toBe(true);
      expect(l.paragraphs.length, l.id).toBeGreaterThanOrEqual(2);
      expect(l.tryThis.length, l.id).toBeGreaterThan(20);
      expect(l.thumbnail.startsWith("<svg"), l.id).toBe(true);
    }
  });

  it("knows every data-control of the playground, so a lesson hides all it does not show", () => {
    const html = readFileSync(new URL("../index.html", import.meta.url), "utf8");
    const inPage = new Set([...html.matchAll(/data-control="([^"]+)"/g)].map((m) => m[1]));
    // What every lesson keeps (its text, Step) is not among the controls a lesson may hide.
    for (const c of LESSON_CONTROLS) inPage.delete(c);
    expect([...inPage].sort()).toEqual([...new Set(PLAYGROUND_CONTROLS)].sort());
  });

  it("each lesson's configuration is accepted by the engine, names its lesson, and hides exactly what it does not show", () => {
    for (const l of LESSONS) {
      const spec = l.spec();
      expect(spec.lesson).toBe(l.id);
      expect(builtinObjective(spec.config.objective!), l.id).toBeDefined();
      expect(() => createStudyFromConfig(spec.config), l.id).not.toThrow();
      for (const shown of l.show) expect(spec.hide, `${l.id} shows ${shown}`).not.toContain(shown);
      expect(spec.hide, l.id).toContain("lessons");
      expect(spec.hide, l.id).toContain("storage");
      // A shown control's box stays.
      if (l.show.includes("seed")) expect(spec.hide).not.toContain("sampler-box");
    }
  });

  it("a short lesson link opens that lesson; a full link keeps it; leaving it shows everything", () => {
    expect(lessonIdFromHash(lessonLink("garden"))).toBe("garden");
    expect(lessonIdFromHash("#lesson=nope")).toBeUndefined();
    expect(lessonIdFromHash("#lesson=garden&x")).toBeUndefined();
    expect(lessonSpecFromHash("#lesson=pruning")).toEqual(lessonById("pruning")!.spec());
    const spec = lessonById("garden")!.spec();
    expect(decodeSpec(encodeSpec(spec)).lesson).toBe("garden");
    expect(decodeSpec(encodeSpec({ ...spec, lesson: 3 as unknown as string })).lesson).toBeUndefined();
    const left = leaveLesson(spec);
    expect(left.lesson).toBeUndefined();
    expect(left.hide).toBeUndefined();
    expect(left.config).toEqual(spec.config);
  });
});

describe("lesson visuals' numbers", () => {
  it("the garden: your best area against the sampler's and the rival's after as many trials", () => {
    const you = { userAttrs: { proposed_by: "you" } };
    const trials = [trial(0, { x: 60 }, 5), trial(1, { x: 130 }, 7, you), trial(2, { x: 118 }, 9), trial(3, { x: 200 }, null, { state: "FAIL" }), trial(4, { x: 125 }, 3, you), trial(5, { x: 125 }, 99)];
    const rival = [trial(1, { x: 121 }, 8), trial(0, { x: 100 }, 4), trial(2, { x: 125 }, 50)];
    // Two proposals: the sampler's first two trials (0, 2), the rival's first two (0, 1).
    expect(gardenScore(trials, rival)).toEqual({ k: 2, you: 7, sampler: 9, rival: 8 });
    expect(gardenScore(trials.slice(0, 1), rival)).toEqual({ k: 0, you: null, sampler: null, rival: null });
  });

  it("grid or random: distinct values of a parameter", () => {
    const grid = [0, 0.5, 1].flatMap((x) => [0, 0.5, 1].map((y, i) => trial(i, { x, y }, x)));
    expect(distinctValues(grid, "x")).toBe(3);
    expect(distinctValues(grid, "y")).toBe(3);
    expect(distinctValues([trial(0, { x: 0.1 }, 1), trial(1, { x: 0.2 }, 1)], "x")).toBe(2);
  });

  it("pruning: steps run and saved count the finished trials' reports", () => {
    const iv = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [String(i + 1), 1]));
    const trials = [
      trial(0, {}, 1, { intermediateValues: iv(30) }),
      trial(1, {}, 1, { state: "PRUNED", values: null, value: null, intermediateValues: iv(5) }),
      trial(2, {}, null),
      trial(3, {}, null, { state: "RUNNING", intermediateValues: iv(3) }),
    ];
    expect(stepsSaved(trials, 30)).toEqual({ run: 35, full: 60, pruned: 1 });
  });

  it("MNIST: what the best trial changed against the first", () => {
    const rows = changes(trial(0, { lr: 0.01, hidden: 64, optimizer: "adam" }, 0.5), trial(3, { lr: 0.0012345678, hidden: 64, optimizer: "sgd" }, 0.9));
    expect(rows).toEqual([
      ["hidden", "64", "64", false],
      ["lr", "0.01", "0.001235", true],
      ["optimizer", "adam", "sgd", true],
    ]);
  });
});

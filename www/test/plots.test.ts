// The plot modules' figures (traces, points, notes) and the shared filter, on hand-made trials.
import { describe, expect, it } from "vitest";
import { applyFilter, defaultFilter, normalizeRanges, sanitizeFilter } from "../src/filters";
import type { Distribution, FrozenTrial, ParamValue, TrialState } from "wasmtune";
import { contourPlot } from "../src/plots/contour";
import { edfPlot } from "../src/plots/edf";
import { isNote, plotText } from "../src/plots/figure";
import { gpBeliefPlot, GP_NEEDS_SAMPLER } from "../src/plots/gp-belief";
import { historyData } from "../src/plots/history";
import { importancesPlot } from "../src/plots/importances";
import { parallelAxes, parallelData } from "../src/plots/parallel";
import { PARETO_NEEDS_OBJECTIVES, feasible, paretoPlot } from "../src/plots/pareto";
import { referencePoint } from "../src/pareto-info";
import { rankFractions, rankPlot } from "../src/plots/rank";
import { slicePlot } from "../src/plots/slice";
import { terminatorPlot } from "../src/plots/terminator";
import { timelinePlot } from "../src/plots/timeline";
import { readViewOptions } from "../src/state";

const X: Distribution = { name: "FloatDistribution", attributes: { low: 0, high: 10, log: false, step: null } };
const LR: Distribution = { name: "FloatDistribution", attributes: { low: 1e-4, high: 1, log: true, step: null } };
const OPT: Distribution = { name: "CategoricalDistribution", attributes: { choices: ["adam", "<b>sgd</b>"] } };

function trial(n: number, state: TrialState, values: number[] | null, params: Record<string, ParamValue>, extra: Partial<FrozenTrial> = {}): FrozenTrial {
  const dists: Record<string, Distribution> = { x: X, lr: LR, opt: OPT };
  return {
    number: n,
    state,
    values,
    value: values && values.length === 1 ? values[0] : null,
    params,
    distributions: Object.fromEntries(Object.keys(params).map((k) => [k, dists[k]])),
    intermediateValues: {},
    userAttrs: {},
    systemAttrs: {},
    datetimeStart: 1000 + n * 10,
    datetimeComplete: 1005 + n * 10,
    duration: 5,
    ...extra,
  };
}

const trials = Array.from({ length: 20 }, (_, i) =>
  trial(i, i % 7 === 6 ? "FAIL" : "COMPLETE", i % 7 === 6 ? null : [i], { x: i / 2, lr: 10 ** -(i % 4), opt: i % 2 ? "adam" : "<b>sgd</b>" }),
);
const complete = trials.filter((t) => t.state === "COMPLETE");
const axisValue = (t: FrozenTrial, label: string) => parallelAxes(trials, 1).find((a) => a.label === label)?.value(t);

describe("shared filter", () => {
  it("keeps the chosen states and the top k% by the objective in its direction", () => {
    const f = { ...defaultFilter(), states: ["COMPLETE" as const] };
    expect(applyFilter(trials, f, "minimize", axisValue)).toHaveLength(complete.length);
    const top = applyFilter(trials, { ...f, topPercent: 10 }, "minimize", axisValue);
    expect(top.map((t) => t.value)).toEqual([0, 1]);
    const topMax = applyFilter(trials, { ...f, topPercent: 10 }, "maximize", axisValue);
    expect(topMax.map((t) => t.value)).toEqual([18, 19]); // in trial order
  });

  it("keeps trials inside any brushed range of every brushed axis (log axes in log10 units)", () => {
    const f = { ...defaultFilter(), ranges: { x: [[0, 2] as [number, number], [9, 10] as [number, number]], "lr (log)": [[-1.5, 0.5] as [number, number]] } };
    const kept = applyFilter(trials, f, "minimize", axisValue);
    expect(kept.length).toBeGreaterThan(0);
    for (const t of kept) {
      const x = t.params.x as number;
      expect((x <= 2 || x >= 9) && (t.params.lr as number) >= 10 ** -1.5).toBe(true);
    }
    expect(kept.every((t) => t.state === "COMPLETE")).toBe(true);
  });

  it("reads Plotly's constraint ranges and refuses junk from a link", () => {
    expect(normalizeRanges([3, 1])).toEqual([[1, 3]]);
    expect(normalizeRanges([[0, 1], [2, 3]])).toEqual([[0, 1], [2, 3]]);
    expect(normalizeRanges("x")).toEqual([]);
    expect(sanitizeFilter({ states: ["COMPLETE", "BOGUS"], topPercent: 500, ranges: { x: [[0, "a"]] } })).toEqual({
      states: ["COMPLETE"],
      topPercent: null,
      ranges: {},
    });
    expect(readViewOptions({ evaluator: "Nope", log: true, contour: ["x", 3] })).toMatchObject({ evaluator: "FanovaImportanceEvaluator", log: true, contour: ["x"] });
  });
});

describe("plots", () => {
  it("escape user text for Plotly", () => {
    expect(plotText('<img src=x onerror="a">&')).toBe("&#60;img src=x onerror=&#34;a&#34;&#62;&#38;");
    const [trace] = parallelData(trials, "minimize");
    const opt = (trace.dimensions as { label: string; ticktext?: string[] }[]).find((d) => d.label === "opt")!;
    expect(opt.ticktext).toEqual(["adam", "&#60;b&#62;sgd&#60;/b&#62;"]);
  });

  it("parallel coordinates: color by any axis, per-axis scale overrides", () => {
    const [trace] = parallelData(trials, "minimize", { colorBy: "x", scales: { lr: "linear", x: "log" } });
    const dims = trace.dimensions as { label: string; values: number[] }[];
    expect(dims.map((d) => d.label)).toEqual(["Objective value", "lr", "opt", "x"]);
    expect((trace.line as { color: number[] }).color).toEqual(dims[3].values);
    // x starts at 0: a log axis is refused, it stays linear.
    const [two] = parallelData(trials, "minimize", {}, 1);
    expect((two.dimensions as { label: string }[])[1].label).toBe("lr (log)");
  });

  it("history overlays other studies, two traces each", () => {
    expect(historyData(trials, "minimize", [{ name: "TPE", trials, direction: "minimize" }])).toHaveLength(4);
  });

  it("slice: one trace per parameter; contour and rank over a pair; EDF one line per study", () => {
    const slice = slicePlot(trials);
    expect(!isNote(slice) && slice.data.length).toBe(3);
    expect(!isNote(slice) && (slice.data[0].x as unknown[]).length).toBe(complete.length);
    const contour = contourPlot(trials, ["x", "lr"]);
    expect(isNote(contour)).toBe(false);
    if (!isNote(contour)) {
      expect(contour.data[0].type).toBe("contour");
      expect((contour.data[1].x as unknown[]).length).toBe(complete.length);
      const z = contour.data[0].z as (number | null)[][];
      expect(z.flat().filter((v) => v !== null).length).toBeGreaterThan(0);
    }
    const oneParam = trials.map((t) => ({ ...t, params: { x: t.params.x }, distributions: { x: X } }));
    expect(isNote(contourPlot(oneParam))).toBe(true);
    expect(isNote(rankPlot(oneParam, "minimize"))).toBe(false);
    const edf = edfPlot([{ name: "a", trials, direction: "minimize" }, { name: "b", trials: complete.slice(0, 3), direction: "minimize" }]);
    expect(!isNote(edf) && edf.data.map((d) => (d.y as number[]).at(-1))).toEqual([1, 1]);
    expect(isNote(edfPlot([{ name: "a", trials: [], direction: "minimize" }]))).toBe(true);
  });

  it("rank fractions: best 0, worst 1, ties share", () => {
    expect(rankFractions([3, 1, 2, 1], "minimize")).toEqual([1, 0, 2 / 3, 0]);
    expect(rankFractions([3, 1, 2], "maximize")).toEqual([0, 1, 0.5]);
  });

  it("timeline: rows by worker, one trace per state", () => {
    const ts = trials.map((t) => ({ ...t, userAttrs: { worker: t.number % 4 } }));
    const r = timelinePlot(ts);
    expect(isNote(r)).toBe(false);
    expect(r.workers).toBe(4);
    expect(!isNote(r) && r.data.map((d) => d.name)).toEqual(["COMPLETE", "FAIL"]);
    expect(isNote(timelinePlot([]))).toBe(true);
  });

  it("Pareto front: needs 2 or 3 objectives; front, others and infeasible apart; hypervolume beside", () => {
    expect(paretoPlot(trials, 1, null)).toEqual({ note: PARETO_NEEDS_OBJECTIVES });
    const mo = [
      trial(0, "COMPLETE", [1, 3], { x: 1 }),
      trial(1, "COMPLETE", [2, 2], { x: 2 }),
      trial(2, "COMPLETE", [3, 3], { x: 3 }),
      trial(3, "COMPLETE", [0, 0], { x: 4 }, { systemAttrs: { constraints: [1, -1] } }),
    ];
    expect(feasible(mo[3])).toBe(false);
    const r = paretoPlot(mo, 2, { front: [0, 1], history: [[0, 1], [1, 2], [2, 2]], reference: [4, 4] });
    expect(isNote(r)).toBe(false);
    if (!isNote(r)) {
      expect(r.data.map((d) => [d.name, (d.x as unknown[]).length])).toEqual([["Trial", 1], ["Best trial", 2], ["Infeasible trial", 1], ["Hypervolume", 3]]);
    }
    // A race's rival: its trials and front in its own colors, its hypervolume beside the page's.
    const theirs = [trial(0, "COMPLETE", [0.5, 3], { x: 1 }), trial(1, "COMPLETE", [3, 4], { x: 2 })];
    const raced = paretoPlot(mo, 2, { front: [0, 1], history: [[0, 1]], reference: [4, 4] }, [
      { name: "TPESampler", trials: theirs, info: { front: [0], history: [[0, 0.5], [1, 0.5]], reference: [4, 4] } },
    ]);
    if (isNote(raced)) throw new Error(raced.note);
    expect(raced.data.map((d) => [d.name, (d.x as unknown[]).length])).toEqual([
      ["TPESampler: trial", 1], ["TPESampler: best", 1], ["Trial", 1], ["Best trial", 2], ["Infeasible trial", 1], ["Hypervolume", 1], ["TPESampler: hypervolume", 2],
    ]);
    const three = paretoPlot([trial(0, "COMPLETE", [1, 2, 3], { x: 1 })], 3, null);
    expect(!isNote(three) && three.data[0].type).toBe("scatter3d");
  });

  it("a race's studies share one hypervolume reference point: the worst value of either plus a tenth of the range", () => {
    const a = [trial(0, "COMPLETE", [1, 10], { x: 1 }), trial(1, "COMPLETE", [2, 5], { x: 2 })];
    const b = [trial(0, "COMPLETE", [5, 0], { x: 1 }), trial(1, "FAIL", [100, 100], { x: 2 })];
    expect(referencePoint([a, b], ["minimize", "minimize"])).toEqual([5 + 0.4, 10 + 1]);
    expect(referencePoint([a, b], ["minimize", "maximize"])).toEqual([5.4, 0 - 1]);
    expect(referencePoint([[], []], ["minimize", "minimize"])).toBeNull();
  });

  it("importances and the GP belief draw the engine's answers or say why not", () => {
    const r = importancesPlot({ importances: { x: 0.7, "<i>": 0.3 } }, "FanovaImportanceEvaluator");
    expect(!isNote(r) && r.data[0].y).toEqual(["&#60;i&#62;", "x"]);
    expect(importancesPlot({ error: "too few trials" }, "PedAnovaImportanceEvaluator")).toEqual({ note: "Parameter importances: too few trials" });
    const b1 = gpBeliefPlot({ belief: { params: ["x"], axes: [[0, 1, 2]], mean: [1, 2, 3], std: [0.1, 0.1, 0.1], acquisition: [0, 1, 0], nTrials: 3 } }, trials);
    expect(!isNote(b1) && b1.data.length).toBe(5);
    const z = [[1, 2], [3, 4]];
    const b2 = gpBeliefPlot({ belief: { params: ["x", "lr"], axes: [[0, 1], [0, 1]], mean: z, std: z, acquisition: z, nTrials: 3 } }, trials);
    expect(!isNote(b2) && b2.data.filter((d) => d.type === "contour").length).toBe(3);
    expect(GP_NEEDS_SAMPLER).toMatch(/GPSampler/);
  });
});

describe("terminator improvement plot", () => {
  it("greys the points before min_n_trials complete trials, counting complete trials, not points", () => {
    // Trials 0-5: complete, fail, complete, pruned, complete, complete: the third complete trial
    // is trial 4, the fifth point.
    const nComplete = [1, 1, 2, 2, 3, 4];
    const history = nComplete.map((n_complete, k) => ({ trial_number: k, n_complete, improvement: 1 / (k + 1), error: k < 4 ? -1 : 0.01 }));
    const fig = terminatorPlot({ history, minTrials: 3, improvementName: "EMMREvaluator" });
    if (isNote(fig)) throw new Error(fig.note);
    const grey = (fig.layout.shapes as { x0: number; x1: number }[])[0];
    expect([grey.x0, grey.x1]).toEqual([-0.5, 3.5]);
    // No threshold is drawn while the error is negative (its initial trials are not in yet).
    expect((fig.data[1] as { y: (number | null)[] }).y).toEqual([null, null, null, null, 0.01, 0.01]);
  });
});

// The page's pruning parts: pruner defaults the engine accepts, the learning-curve objective, and
// the intermediate-values plot data.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { NO_INTERMEDIATE_VALUES, intermediateData, rungData } from "../src/plots/intermediate";
import { type FrozenTrial, type ParamValue, TrialPruned, createStudyFromConfig, init, prunerNames } from "wasmtune";
import { LEARNING_CURVE_STEPS, learningCurve, learningCurveObjective } from "../src/objectives/learning-curve";
import { PRUNER_OPTIONS, defaultPrunerOptions, defaultSpec } from "../src/state";

beforeAll(async () => {
  await init(readFileSync(new URL("../pkg/wasmtune_bg.wasm", import.meta.url)));
});

describe("pruner options", () => {
  it("has defaults for every engine pruner, and the engine accepts each", () => {
    for (const name of prunerNames()) {
      expect(PRUNER_OPTIONS[name], name).toBeDefined();
      const config = defaultSpec("garden").config;
      config.pruner = { name, kwargs: defaultPrunerOptions(name) };
      expect(() => createStudyFromConfig(config), name).not.toThrow();
    }
    expect(defaultPrunerOptions("MedianPruner")).toEqual({ n_startup_trials: 5, n_warmup_steps: 5 });
  });

  it("the engine rejects an out-of-range percentile with its own message", () => {
    const config = defaultSpec("garden").config;
    config.pruner = { name: "PercentilePruner", kwargs: { percentile: 200 } };
    expect(() => createStudyFromConfig(config)).toThrow(/percentile/);
  });
});

/** A 30-trial learning-curve study with TPE (seed 1) and `pruner` at the page's defaults. */
async function learningCurveStudy(pruner: string) {
  const config = defaultSpec("learning-curve").config;
  config.sampler = { name: "TPESampler", kwargs: null };
  config.pruner = { name: pruner, kwargs: defaultPrunerOptions(pruner) };
  const study = createStudyFromConfig(config);
  const o = learningCurveObjective;
  await study.optimize(
    (trial) => {
      const params: Record<string, ParamValue> = {};
      for (const [name, d] of Object.entries(o.searchSpace)) params[name] = trial.suggest(name, d);
      return o.train!(trial, params);
    },
    { nTrials: 30 },
  );
  return study;
}

describe("learning-curve objective", () => {
  const good = { lr: 0.003, width: 128, dropout: 0.2, optimizer: "adam" };

  it("is deterministic per trial number, and noisy across trial numbers", () => {
    expect(learningCurve(good, 7)).toEqual(learningCurve(good, 7));
    expect(learningCurve(good, 7)).not.toEqual(learningCurve(good, 8));
    expect(learningCurve(good, 7)).toHaveLength(LEARNING_CURVE_STEPS);
  });

  it("good settings learn; a tiny learning rate barely moves; a huge one diverges", () => {
    const g = learningCurve(good, 1);
    expect(g[29]).toBeLessThan(0.5);
    const tiny = learningCurve({ ...good, lr: 1e-4, optimizer: "sgd" }, 1);
    expect(tiny[29]).toBeGreaterThan(1.5);
    const huge = learningCurve({ ...good, lr: 1, optimizer: "rmsprop" }, 1);
    expect(huge[29]).toBeGreaterThan(huge[0]);
  });

  it("reports each step, and stops with TrialPruned when the pruner says so", () => {
    const reports: [number, number][] = [];
    const trial = (pruneAt: number) => ({
      number: 3,
      report: (v: number, s: number) => void reports.push([s, v]),
      shouldPrune: () => reports.length >= pruneAt,
    });
    const value = learningCurveObjective.train!(trial(Infinity), good);
    expect(reports.map(([s]) => s)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(value).toBe(reports[29][1]);
    reports.length = 0;
    expect(() => learningCurveObjective.train!(trial(6), good)).toThrow(TrialPruned);
    expect(reports).toHaveLength(6);
  });

  it("with TPE (seed 1) and MedianPruner's page defaults, 30 trials prune some", async () => {
    const study = await learningCurveStudy("MedianPruner");
    const states = study.trials.map((t) => t.state);
    const pruned = study.trials.filter((t) => t.state === "PRUNED");
    expect(pruned.length).toBeGreaterThan(0);
    expect(states.filter((s) => s === "COMPLETE").length).toBeGreaterThan(0);
    for (const t of pruned) expect(Object.keys(t.intermediateValues).length).toBeGreaterThan(0);
  });

  it("with SuccessiveHalvingPruner (min_resource 1, reduction 3), the rungs drawn are at steps 1, 3, 9, 27, where the engine recorded them", async () => {
    const study = await learningCurveStudy("SuccessiveHalvingPruner");
    const rungs = rungData(study.trials);
    expect(rungs.map((r) => r.name)).toEqual(["rung 0", "rung 1", "rung 2", "rung 3"]);
    rungs.forEach((r, k) => expect(new Set(r.x as number[])).toEqual(new Set([3 ** k])));
    // Every trial that reached rung 0 is marked there once, with the value it reported at step 1.
    const reached = study.trials.filter((t) => "completed_rung_0" in t.systemAttrs);
    expect(reached.length).toBeGreaterThan(0);
    expect(rungs[0].y).toEqual(reached.map((t) => t.intermediateValues["1"]));
    // The rung traces come after the curves in the plot's data.
    expect(intermediateData(study.trials).slice(-4)).toEqual(rungs);
  });
});

describe("intermediate values plot data", () => {
  const t = (number: number, state: FrozenTrial["state"], iv: Record<string, number>): FrozenTrial => ({
    number,
    state,
    values: null,
    value: null,
    params: {},
    distributions: {},
    intermediateValues: iv,
    userAttrs: {},
    systemAttrs: {},
    datetimeStart: 0,
    datetimeComplete: 1,
    duration: 1,
  });

  it("draws one line per trial with reports, steps in order; pruned ones grey, dashed and marked", () => {
    const data = intermediateData([
      t(0, "COMPLETE", { "2": 0.5, "1": 0.9, "10": 0.2 }),
      t(1, "PRUNED", { "1": 1.5, "2": 1.4 }),
      t(2, "COMPLETE", {}),
      t(3, "FAIL", {}),
      t(4, "PRUNED", { "1": 2 }),
    ]);
    expect(data).toHaveLength(3);
    expect(data[0].x).toEqual([1, 2, 10]);
    expect(data[0].y).toEqual([0.9, 0.5, 0.2]);
    expect(data[1].line).toMatchObject({ dash: "dash", color: "#999" });
    expect(data[1].name).toBe("PRUNED trials");
    expect(String(data[1].hovertemplate)).toContain("Trial 1 (PRUNED)");
    expect(data[0].line).not.toHaveProperty("dash");
    // One legend entry per state.
    expect(data.map((d) => d.showlegend)).toEqual([true, true, false]);
    expect(data[2].mode).toBe("markers");
  });

  it("is empty when no trial reported", () => {
    expect(intermediateData([t(0, "COMPLETE", {}), t(1, "FAIL", {})])).toEqual([]);
    expect(NO_INTERMEDIATE_VALUES).toMatch(/trial\.report/);
  });
});

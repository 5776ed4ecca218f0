// The terminator through the JS API, against the real engine (www/pkg, in Node): Optuna's
// TerminatorCallback stops optimize, its decisions are the engine's, and the improvement plot's
// points can be asked for a few at a time.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { type TerminatorReport, type TerminatorSpec, createStudy, init, terminatorCallback } from "wasmtune";

beforeAll(async () => {
  await init(readFileSync(new URL("../pkg/wasmtune_bg.wasm", import.meta.url)));
});

// The stagnation evaluator's improvement is max_stagnation_trials minus the trials since the best
// one, and its default error is 0: the study stops once the best value has not changed for more
// than 5 trials.
const stagnation: TerminatorSpec = {
  improvement_evaluator: { name: "BestValueStagnationEvaluator", kwargs: { max_stagnation_trials: 5 } },
  min_n_trials: 3,
};

describe("terminator", () => {
  it("TerminatorCallback stops optimize when the study stagnates, and says why", async () => {
    const study = createStudy({ sampler: { name: "RandomSampler", seed: 3 } });
    const seen: TerminatorReport[] = [];
    // A constant objective: trial 0 is the best for ever.
    await study.optimize(() => 1, { nTrials: 100, callbacks: [terminatorCallback(stagnation, (r) => seen.push(r))] });
    const n = study.trials.length;
    expect(n).toBeLessThan(100);
    expect(seen).toHaveLength(n);
    const last = seen[n - 1];
    expect(last.decision.terminate).toBe(true);
    expect(last.improvement_evaluator).toBe("BestValueStagnationEvaluator");
    expect(last.error_evaluator).toBe("StaticErrorEvaluator");
    expect(last.decision.improvement!).toBeLessThan(last.decision.error!);
    // Every earlier decision said go on; below min_n_trials nothing was evaluated.
    expect(seen.slice(0, -1).every((r) => !r.decision.terminate)).toBe(true);
    expect(seen[0].decision.improvement).toBeNull();
    expect(study.shouldTerminate(stagnation)).toBe(true);
  });

  it("an improving study goes on", async () => {
    const study = createStudy({ sampler: { name: "RandomSampler", seed: 3 } });
    let k = 0;
    await study.optimize(() => -k++, { nTrials: 30, callbacks: [terminatorCallback(stagnation)] });
    expect(study.trials).toHaveLength(30);
    expect(study.shouldTerminate(stagnation)).toBe(false);
  });

  it("gives the improvement plot's points from a trial on and as the study was, the same as all at once", async () => {
    const study = createStudy({ sampler: { name: "TPESampler", seed: 1 } });
    await study.optimize((t) => (t.suggestFloat("x", -3, 3) - 1) ** 2, { nTrials: 25 });
    const spec: TerminatorSpec = {
      improvement_evaluator: { name: "RegretBoundEvaluator", kwargs: { seed: 1 } },
      error_evaluator: { name: "StaticErrorEvaluator", kwargs: { constant: 0.01 } },
    };
    const all = study.terminator({ terminator: spec, history_from: 0 }).history;
    expect(all.map((p) => p.trial_number)).toEqual([...Array(25).keys()]);
    expect(all.every((p) => p.improvement >= 0 && p.error === 0.01)).toBe(true);
    expect(study.terminator({ terminator: spec, history_from: 20 }).history).toEqual(all.slice(20));
    // The study as it was after 15 trials: the first 15 points.
    expect(study.terminator({ terminator: spec, history_from: 0, before: 15 }).history).toEqual(all.slice(0, 15));
    expect(study.terminator({ terminator: spec }).history).toEqual([]);
  });

  it("bad requests and several objectives reach JS as exceptions with the engine's message", async () => {
    const study = createStudy({ sampler: { name: "RandomSampler", seed: 0 } });
    await study.optimize(() => 1, { nTrials: 2 });
    expect(() => study.terminator({ terminator: { improvement_evaluator: { name: "Regret" } } })).toThrow(
      /unknown improvement evaluator 'Regret'/,
    );
    expect(() => study.terminator({ history: 1 } as never)).toThrow(/terminator request.*unknown field/);
    const mo = createStudy({ directions: ["minimize", "minimize"] });
    expect(() => mo.terminator()).toThrow(/single-objective/);
  });
});

// A replay asks the engine about the study as it was after k trials: importances and the Pareto
// front with `before: k` equal those of the same seeded study stopped after k trials.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { createStudy, init, paretoFront } from "wasmtune";
import { paretoInfo } from "../src/pareto-info";

beforeAll(async () => {
  await init(readFileSync(new URL("../pkg/wasmtune_bg.wasm", import.meta.url)));
});

async function oneObjective(nTrials: number) {
  const study = createStudy({ sampler: { name: "RandomSampler", seed: 3 } });
  await study.optimize((t) => t.suggestFloat("x", 0, 1) ** 2 + 0.1 * t.suggestFloat("y", 0, 1), { nTrials });
  return study;
}

async function twoObjectives(nTrials: number) {
  const study = createStudy({ directions: ["minimize", "maximize"], sampler: { name: "RandomSampler", seed: 5 } });
  await study.optimize((t) => {
    const x = t.suggestFloat("x", 0, 2);
    return [x * x, 2 * x - 0.5 * (x - 1) ** 2];
  }, { nTrials });
  return study;
}

describe("the engine asked about the study after k trials", () => {
  it("importances with before: k are those of the study stopped at k", async () => {
    const whole = await oneObjective(40);
    const first = await oneObjective(20);
    for (const evaluator of ["PedAnovaImportanceEvaluator", "FanovaImportanceEvaluator"] as const) {
      const kwargs = evaluator === "FanovaImportanceEvaluator" ? { seed: 0 } : {};
      expect(whole.importances({ evaluator, kwargs, before: 20 })).toEqual(first.importances({ evaluator, kwargs }));
      expect(whole.importances({ evaluator, kwargs })).not.toEqual(first.importances({ evaluator, kwargs }));
    }
  });

  it("the Pareto front and hypervolume history with before: k are those of the study stopped at k", async () => {
    const whole = await twoObjectives(60);
    const first = await twoObjectives(25);
    expect(paretoInfo(whole, undefined, 25)).toEqual(paretoInfo(first));
    // Without `before`, the engine's own front (study.bestTrials) is what paretoFront finds.
    expect(paretoInfo(whole).front).toEqual(whole.bestTrials.map((t) => t.number).sort((a, b) => a - b));
  });

  it("paretoFront: indices of the non-dominated points, and a clear error for a bad point", () => {
    expect(paretoFront([[1, 3], [2, 2], [3, 3], [0, 5]], ["minimize", "minimize"])).toEqual([0, 1, 3]);
    expect(paretoFront([[1, 1], [2, 2], [3, 3], [3, 1]], ["minimize", "maximize"])).toEqual([0, 1, 2]);
    expect(() => paretoFront([[1, 2, 3]], ["minimize", "minimize"])).toThrow(/paretoFront: a point has 3 values, the directions 2/);
  });
});

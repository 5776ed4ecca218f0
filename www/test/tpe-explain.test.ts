// TPE explains its own draws: the engine replays a trial's draw, and the replay picks what the
// trial has (the real wasm engine, in Node).
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { createStudy, init } from "wasmtune";

beforeAll(async () => {
  await init(readFileSync(new URL("../pkg/wasmtune_bg.wasm", import.meta.url)));
});

async function seededStudy() {
  const study = createStudy({ sampler: { name: "TPESampler", seed: 4, n_startup_trials: 8 } });
  await study.optimize(
    (trial) => {
      const x = trial.suggestFloat("x", -5, 5);
      const c = trial.suggestCategorical("c", ["a", "b"]);
      return (x - 2) ** 2 + (c === "a" ? 0 : 1);
    },
    { nTrials: 20 },
  );
  return study;
}

describe("study.tpeExplain", () => {
  it("replays a post-startup draw: the value it picks is the trial's", async () => {
    const study = await seededStudy();
    expect(study.hasTpeExplain).toBe(true);
    const recorded = study.trials[15].params;
    const e = study.tpeExplain({ trial: 15, resolution: 50 });
    expect(e.trial).toBe(15);
    expect(e.phase).toBe("tpe");
    expect(e.nStartupTrials).toBe(8);
    expect(e.nFinished).toBe(15);
    expect(e.reproduced).toBe(true);
    expect(e.caveat).toBeNull();
    expect(e.params.map((p) => p.name)).toEqual(["x", "c"]);
    for (const p of e.params) {
      expect(p.value).toEqual(recorded[p.name]);
      expect(p.recorded).toEqual(recorded[p.name]);
      const m = p.model!;
      expect(m.nBelow).toBe(2); // min(ceil(0.1 · 15), 25)
      expect(m.l).toHaveLength(m.axis.length);
      expect(m.g).toHaveLength(m.axis.length);
      expect(m.l.every((v) => v > 0)).toBe(true);
      expect(m.score[m.chosen]).toBe(Math.max(...m.score));
      expect(m.candidates[m.chosen]).toEqual(recorded[p.name]);
    }
    const x = e.params[0].model!;
    expect(x.kind).toBe("density");
    expect(x.axis).toHaveLength(50);
    const c = e.params[1].model!;
    expect(c.kind).toBe("mass");
    expect(c.axis).toEqual(["a", "b"]);
    expect(e.params[0].distribution.name).toBe("FloatDistribution");

    const startup = study.tpeExplain({ trial: 2 });
    expect(startup.phase).toBe("startup");
    expect(startup.params[0].model).toBeNull();
    expect(startup.params[0].value).toBeNull();
  });

  it("gives the engine's message for a bad request", async () => {
    const study = await seededStudy();
    expect(() => study.tpeExplain({ trial: 99 })).toThrow(
      /tpeExplain: the study has no trial 99 \(it has 20 trials\)/,
    );
    expect(() => study.tpeExplain({ trial: 12, params: ["y"] })).toThrow(/no parameter 'y'/);
    const random = createStudy({ sampler: { name: "RandomSampler", seed: 1 } });
    await random.optimize((t) => t.suggestFloat("x", 0, 1), { nTrials: 2 });
    expect(() => random.tpeExplain({ trial: 1 })).toThrow(/sampler is RandomSampler, not TPESampler/);
  });
});

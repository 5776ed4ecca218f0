// The typed JS API against the real engine (the wasm build in www/pkg, loaded in Node).
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { TrialPruned, createStudy, init, prunerNames, samplerNames, toStudyConfig } from "wasmtune";

beforeAll(async () => {
  await init(readFileSync(new URL("../pkg/wasmtune_bg.wasm", import.meta.url)));
});

const garden = (x: number) => x * (500 - 2 * x);

describe("createStudy / optimize", () => {
  it("runs the garden study with Optuna's names and reads back plain objects", async () => {
    const study = createStudy({ directions: ["maximize"], sampler: { name: "RandomSampler", seed: 1 } });
    await study.optimize(
      async (trial) => {
        const x = trial.suggestFloat("x", 0, 250);
        return garden(x);
      },
      { nTrials: 100 },
    );
    expect(study.bestValue).toBeGreaterThan(30_000);
    expect(Object.keys(study.bestParams)).toEqual(["x"]);
    expect(garden(study.bestParams.x as number)).toBeCloseTo(study.bestValue, 6);
    const trials = study.trials;
    expect(trials).toHaveLength(100);
    const t = trials[0];
    expect(t.number).toBe(0);
    expect(t.state).toBe("COMPLETE");
    expect(t.values).toEqual([t.value]);
    expect(t.distributions.x).toEqual({
      name: "FloatDistribution",
      attributes: { low: 0, high: 250, log: false, step: null },
    });
    expect(t.duration).toBeGreaterThanOrEqual(0);
    expect(study.bestTrial.value).toBe(study.bestValue);
  });

  it("runs the issue's example: TPESampler on the garden study", async () => {
    const study = createStudy({ directions: ["maximize"], sampler: { name: "TPESampler", seed: 1 } });
    await study.optimize(
      async (trial) => {
        const x = trial.suggestFloat("x", 0, 250);
        return 500 * x - 2 * x * x;
      },
      { nTrials: 100 },
    );
    expect(study.bestValue).toBeGreaterThan(31_000);
  });

  it("runs SMACSampler on a mixed, conditional space with OptunaHub's option names", async () => {
    const run = async () => {
      const study = createStudy({ sampler: { name: "SMACSampler", seed: 3, n_trials: 40, init_design_type: "random" } });
      await study.optimize(
        (t) => {
          const kind = t.suggestCategorical("kind", ["quad", "flat"]);
          if (kind === "flat") return 1 + t.suggestFloat("w", 0, 1);
          const x = t.suggestFloat("x", 1e-3, 10, { log: true });
          return Math.log10(x) ** 2 + Math.abs(t.suggestInt("n", 0, 9) - 4) / 4;
        },
        { nTrials: 40 },
      );
      return study;
    };
    const study = await run();
    expect(study.trials.every((t) => t.state === "COMPLETE")).toBe(true);
    expect(study.trials.filter((t) => t.params.kind === "flat").every((t) => !("x" in t.params))).toBe(true);
    expect(study.bestValue).toBeLessThan(0.5);
    expect((await run()).trials.map((t) => t.params)).toEqual(study.trials.map((t) => t.params));
    expect(() => createStudy({ sampler: { name: "SMACSampler", surrogate_model_type: "gp" } })).toThrow(/surrogate_model_type/);
  });

  it("is reproducible: the same seed gives the same parameters", async () => {
    const run = async () => {
      const s = createStudy({ sampler: { name: "RandomSampler", seed: 42 } });
      await s.optimize((t) => t.suggestFloat("x", -1, 1) ** 2, { nTrials: 10 });
      return s.trials.map((t) => t.params.x);
    };
    expect(await run()).toEqual(await run());
  });

  it("passes Optuna's keyword names through to the sampler", async () => {
    const study = createStudy({ sampler: { name: "QMCSampler", qmc_type: "halton", scramble: false, seed: 0 } });
    await study.optimize((t) => t.suggestFloat("x", 0, 1), { nTrials: 4 });
    // As Optuna: the first trial is sampled independently (no space is known yet); then the
    // unscrambled Halton sequence in base 2: 0, 0.5, 0.25.
    expect(study.trials.slice(1).map((t) => t.params.x)).toEqual([0, 0.5, 0.25]);
    expect(() => createStudy({ sampler: { name: "QMCSampler", qmc_typo: "sobol" } })).toThrow(/qmc_typo/);
  });

  it("suggests ints, categoricals, log floats; records reports and user attributes", async () => {
    const study = createStudy({ sampler: { name: "RandomSampler", seed: 3 } });
    await study.optimize(
      (trial) => {
        const n = trial.suggestInt("n", 1, 9, { step: 2 });
        const lr = trial.suggestFloat("lr", 1e-5, 1e-1, { log: true });
        const opt = trial.suggestCategorical("opt", ["adam", "sgd", null]);
        expect(trial.suggestInt("n", 1, 9, { step: 2 })).toBe(n); // same name, same value
        trial.report(lr * 10, 0);
        trial.report(lr, 1);
        expect(trial.shouldPrune()).toBe(false); // NopPruner
        trial.setUserAttr("opt_was", opt);
        return n + lr;
      },
      { nTrials: 20 },
    );
    for (const t of study.trials) {
      expect([1, 3, 5, 7, 9]).toContain(t.params.n);
      expect(t.params.lr).toBeGreaterThanOrEqual(1e-5);
      expect(t.params.lr).toBeLessThanOrEqual(1e-1);
      expect(["adam", "sgd", null]).toContain(t.params.opt);
      expect(t.userAttrs.opt_was).toBe(t.params.opt);
      expect(t.intermediateValues).toEqual({ "0": (t.params.lr as number) * 10, "1": t.params.lr });
    }
  });

  it("fails a throwing trial and goes on; TrialPruned prunes; non-numbers and NaN fail", async () => {
    const study = createStudy({ sampler: { name: "RandomSampler", seed: 1 } });
    await study.optimize(
      (trial) => {
        const x = trial.suggestFloat("x", 0, 1);
        switch (trial.number % 5) {
          case 0:
            throw new RangeError("bad luck");
          case 1:
            trial.report(0.5, 0);
            throw new TrialPruned();
          case 2:
            return "nope" as unknown as number;
          case 3:
            return NaN;
          default:
            return x;
        }
      },
      { nTrials: 10 },
    );
    const states = study.trials.map((t) => t.state);
    expect(states.slice(0, 5)).toEqual(["FAIL", "PRUNED", "FAIL", "FAIL", "COMPLETE"]);
    expect(study.trials[0].systemAttrs.fail_reason).toBe("RangeError: bad luck");
    expect(study.trials[1].value).toBe(0.5); // a pruned trial keeps its last report
    expect(study.trials[2].systemAttrs.fail_reason).toMatch(/returned string "nope"/);
    expect(study.trials[3].systemAttrs.fail_reason).toMatch(/not a finite number/);
  });

  it("fails ±Infinity, a wrong count of values, non-number entries and a thrown non-Error; the study goes on", async () => {
    const study = createStudy({ directions: ["minimize", "maximize"], sampler: { name: "RandomSampler", seed: 2 } });
    const returns: unknown[] = [[Infinity, 1], [1, -Infinity], [1], [1, 2, 3], [1, "2"], 5, null];
    await study.optimize(
      (trial) => {
        const x = trial.suggestFloat("x", 0, 1);
        if (trial.number === returns.length) throw { not: "an Error" };
        return (trial.number < returns.length ? returns[trial.number] : [x, x]) as number[];
      },
      { nTrials: returns.length + 2 },
    );
    const states = study.trials.map((t) => t.state);
    expect(states).toEqual([...returns.map(() => "FAIL"), "FAIL", "COMPLETE"]);
    for (const t of study.trials.slice(0, -1)) expect(String(t.systemAttrs.fail_reason)).not.toBe("");
    expect(study.trials.at(-1)!.values).toHaveLength(2);
  });

  it("stops when asked, and optimize can go on afterwards", async () => {
    const study = createStudy();
    await study.optimize(
      (t) => {
        if (t.number === 4) study.stop();
        return t.suggestFloat("x", 0, 1);
      },
      { nTrials: 100 },
    );
    expect(study.trials).toHaveLength(5);
    await study.optimize((t) => t.suggestFloat("x", 0, 1), { nTrials: 3 });
    expect(study.trials).toHaveLength(8);
  });

  it("ends when a grid is exhausted", async () => {
    const study = createStudy({ sampler: { name: "GridSampler", search_space: { x: [1, 2, 3] }, seed: 0 } });
    await study.optimize((t) => t.suggestFloat("x", 0, 5), { nTrials: 10 });
    expect(study.trials.map((t) => t.params.x).sort()).toEqual([1, 2, 3]);
  });
});

describe("ask / tell", () => {
  it("drives a study by hand", () => {
    const study = createStudy({ direction: "maximize", sampler: { name: "RandomSampler", seed: 7 } });
    for (let i = 0; i < 30; i++) {
      const trial = study.ask();
      const x = trial.suggestFloat("x", 0, 250);
      const told = study.tell(trial.number, garden(x));
      expect(told.state).toBe("COMPLETE");
    }
    const t = study.ask();
    study.tell(t, undefined, { state: "fail", reason: "no data" });
    expect(study.trials).toHaveLength(31);
    expect(study.trials[30].systemAttrs.fail_reason).toBe("no data");
    expect(study.directions).toEqual(["maximize"]);
  });

  it("enqueued parameters come first", () => {
    const study = createStudy();
    study.enqueueTrial({ x: 0.25 });
    const t = study.ask();
    expect(t.suggestFloat("x", 0, 1)).toBe(0.25);
  });
});

describe("errors", () => {
  it("reach JS as exceptions with the engine's message", () => {
    expect(() => createStudy({ sampler: { name: "NoSuchSampler" } })).toThrow(/unknown sampler 'NoSuchSampler'/);
    const study = createStudy();
    const t = study.ask();
    expect(() => t.suggestFloat("x", 1, 0)).toThrow(/`low <= high` must hold/);
    t.suggestFloat("y", 0, 1);
    expect(() => t.suggestInt("y", 0, 1)).toThrow(/different distribution kind/);
    expect(() => t.suggestInt("z", 0.5, 1)).toThrow(/must be an integer/);
    study.tell(t, 1);
    expect(() => study.tell(t, 1)).toThrow(/already finished/);
    expect(() => study.bestTrial && createStudy().bestValue).toThrow(/no trial has completed/);
  });

  it("optimize needs a budget", async () => {
    await expect(createStudy().optimize(() => 1)).rejects.toThrow(/nTrials/);
  });
});

describe("configuration", () => {
  it("splits Optuna-style component options into the engine's {name, kwargs}", () => {
    expect(toStudyConfig({ direction: "maximize", sampler: { name: "TPESampler", seed: 1, multivariate: true } })).toEqual({
      directions: ["maximize"],
      sampler: { name: "TPESampler", kwargs: { seed: 1, multivariate: true } },
      pruner: { name: "NopPruner", kwargs: null },
    });
    expect(() => toStudyConfig({ direction: "maximize", directions: ["minimize"] })).toThrow(/not both/);
  });

  it("lists the engine's samplers and pruners", () => {
    expect(samplerNames()).toContain("RandomSampler");
    expect(prunerNames()).toContain("NopPruner");
  });
});

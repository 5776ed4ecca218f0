// The page's pure parts: plot data, table order, URL state, objectives, the custom-code compiler.
import { describe, expect, it } from "vitest";
import type { FrozenTrial } from "wasmtune";
import { BUILTIN_OBJECTIVES, compileObjective } from "../src/objectives";
import { historyData, historyLayout } from "../src/plots/history";
import { logTicks, parallelData } from "../src/plots/parallel";
import { decodeSpec, defaultSamplerOptions, defaultSpec, encodeSpec, gridFor } from "../src/state";
import { sortTrials } from "../src/ui/table";

function trial(number: number, value: number | null, params: Record<string, number | string>, state = "COMPLETE"): FrozenTrial {
  const distributions: FrozenTrial["distributions"] = {};
  for (const [k, v] of Object.entries(params)) {
    distributions[k] =
      typeof v === "string"
        ? { name: "CategoricalDistribution", attributes: { choices: ["a", "b", "c"] } }
        : k === "lr"
          ? { name: "FloatDistribution", attributes: { low: 1e-4, high: 1, log: true, step: null } }
          : { name: "FloatDistribution", attributes: { low: 0, high: 10, log: false, step: null } };
  }
  return {
    number,
    state: state as FrozenTrial["state"],
    values: value === null ? null : [value],
    value,
    params,
    distributions,
    intermediateValues: {},
    userAttrs: {},
    systemAttrs: {},
    datetimeStart: 0,
    datetimeComplete: 1,
    duration: 1,
  };
}

const trials = [
  trial(0, 5, { x: 1, lr: 0.01, opt: "b" }),
  trial(1, null, { x: 2, lr: 0.1, opt: "a" }, "FAIL"),
  trial(2, 3, { x: 3, lr: 0.001, opt: "c" }),
  trial(3, 7, { x: 4, lr: 1, opt: "a" }),
];

describe("optimization history", () => {
  it("plots complete trials and the best value so far, per direction", () => {
    const [points, bestMin] = historyData(trials, "minimize");
    expect(points.x).toEqual([0, 2, 3]);
    expect(points.y).toEqual([5, 3, 7]);
    expect(bestMin.y).toEqual([5, 3, 3]);
    expect(historyData(trials, "maximize")[1].y).toEqual([5, 5, 7]);
    expect((historyLayout(true).yaxis as { type: string }).type).toBe("log");
  });
});

describe("parallel coordinates", () => {
  it("has one line per complete trial and proper log and categorical axes", () => {
    const [trace] = parallelData(trials, "minimize");
    const dims = trace.dimensions as { label: string; values: number[]; tickvals?: number[]; ticktext?: string[]; range?: number[] }[];
    expect(dims.map((d) => d.label)).toEqual(["Objective value", "lr (log)", "opt", "x"]);
    expect(dims[0].values).toEqual([5, 3, 7]);
    expect(dims[1].values).toEqual([-2, -3, 0]);
    expect(dims[1].range).toEqual([-4, 0]);
    expect(dims[1].ticktext).toEqual(["0.0001", "0.001", "0.01", "0.1", "1"]);
    expect(dims[2].values).toEqual([1, 2, 0]);
    expect(dims[2].ticktext).toEqual(["a", "b", "c"]);
    expect((trace.line as { reversescale: boolean }).reversescale).toBe(true);
  });

  it("labels a log axis spanning less than a decade at its ends", () => {
    expect(logTicks(0.1, 0.5).tickvals).toEqual([0.1, 0.5]);
  });
});

describe("trials table order", () => {
  it("sorts by any column both ways, missing values last", () => {
    const by = (key: Parameters<typeof sortTrials>[1]["key"], descending = false) =>
      sortTrials(trials, { key, descending }).map((t) => t.number);
    expect(by("value")).toEqual([2, 0, 3, 1]);
    expect(by("value", true)).toEqual([3, 0, 2, 1]);
    expect(by("param:opt")).toEqual([1, 3, 0, 2]);
    expect(by("state")).toEqual([0, 2, 3, 1]);
    expect(by("number", true)).toEqual([3, 2, 1, 0]);
  });

  it("sorts by a user attribute column (the MNIST backend), trials without it last", () => {
    const withBackend = trials.map((t, i) => ({ ...t, userAttrs: i === 1 ? {} : { backend: ["webgpu", "", "cpu", "webgpu"][i] } }));
    const order = sortTrials(withBackend, { key: "attr:backend", descending: false }).map((t) => t.number);
    expect(order).toEqual([2, 0, 3, 1]);
    expect(sortTrials(withBackend, { key: "attr:backend", descending: true }).map((t) => t.number)).toEqual([0, 3, 2, 1]);
  });
});

describe("URL state", () => {
  it("round-trips the whole configuration through the hash", () => {
    const spec = defaultSpec("custom");
    spec.config.sampler = { name: "QMCSampler", kwargs: { qmc_type: "halton" } };
    spec.code = "function objective(t) { return 1 }";
    expect(decodeSpec(encodeSpec(spec))).toEqual(spec);
  });

  it("falls back to the garden study for an empty or unreadable hash", () => {
    expect(decodeSpec("").config.objective).toBe("garden");
    expect(decodeSpec("#%7Bnot json").config.objective).toBe("garden");
    expect(decodeSpec("#" + encodeURIComponent('{"config":{"objective":"nope"}}')).config.objective).toBe("garden");
  });

  it("gives GridSampler a grid over the search space", () => {
    expect(gridFor({ x: { name: "FloatDistribution", attributes: { low: 0, high: 1, log: false, step: null } } }, 3)).toEqual({
      x: [0, 0.5, 1],
    });
    expect(defaultSamplerOptions("QMCSampler", undefined)).toEqual({ qmc_type: "sobol", scramble: false });
  });
});

describe("objectives", () => {
  const withOptimum = BUILTIN_OBJECTIVES.filter((o) => o.optimum);
  it.each(withOptimum.map((o) => [o.label, o] as const))("%s reaches its known optimum at its optimal point", (_, o) => {
    expect(o.evaluate(o.optimum!.params)).toBeCloseTo(o.optimum!.value, 4);
    for (const [name, v] of Object.entries(o.optimum!.params)) {
      const d = o.searchSpace[name];
      expect(d.name).toBe("FloatDistribution");
      if (d.name === "FloatDistribution") expect(v >= d.attributes.low && v <= d.attributes.high).toBe(true);
    }
  });

  it("garden: x = 125 gives 31,250", () => {
    expect(BUILTIN_OBJECTIVES[0].evaluate({ x: 125 })).toBe(31250);
  });
});

describe("custom code", () => {
  it("compiles a function named objective", () => {
    const f = compileObjective("function objective(trial) { return trial * 2 }");
    expect(f(21 as never)).toBe(42);
  });

  it("reports a syntax error, and code without an objective", () => {
    expect(() => compileObjective("function objective(t) { return +; }")).toThrow(SyntaxError);
    expect(() => compileObjective("const f = 1;")).toThrow(/named `objective/);
  });
});

describe("virtualized table window", () => {
  it("covers the rows in view plus a margin, clamped to the table", async () => {
    const { rowWindow } = await import("../src/ui/table");
    expect(rowWindow(10_000, 0, 440, 22)).toEqual([0, 50]);
    expect(rowWindow(10_000, 22 * 5000, 440, 22)).toEqual([4970, 5050]);
    expect(rowWindow(10_000, 22 * 9990, 440, 22)).toEqual([9960, 10_000]);
    expect(rowWindow(0, 0, 440, 22)).toEqual([0, 0]);
  });
});

describe("parallel workers and links", () => {
  it("TPE gets the constant liar with several workers unless the options say otherwise", async () => {
    const { withConstantLiar } = await import("../src/coordinator");
    const tpe = { directions: ["minimize" as const], sampler: { name: "TPESampler", kwargs: { n_startup_trials: 5 } }, pruner: { name: "NopPruner", kwargs: null } };
    expect(withConstantLiar(tpe).sampler.kwargs).toEqual({ n_startup_trials: 5, constant_liar: true });
    const explicit = { ...tpe, sampler: { name: "TPESampler", kwargs: { constant_liar: false } } };
    expect(withConstantLiar(explicit).sampler.kwargs).toEqual({ constant_liar: false });
    const random = { ...tpe, sampler: { name: "RandomSampler", kwargs: null } };
    expect(withConstantLiar(random)).toBe(random);
  });

  it("a link keeps workers, race, hide and view settings; junk in them is dropped", () => {
    const spec = { ...defaultSpec("branin"), workers: 4, race: "TPESampler", hide: ["storage", 3], view: { log: true } };
    const back = decodeSpec(encodeSpec(spec as never));
    expect(back.workers).toBe(4);
    expect(back.race).toBe("TPESampler");
    expect(back.hide).toEqual(["storage"]);
    expect(back.view).toEqual({ log: true });
    expect(decodeSpec(encodeSpec({ ...defaultSpec(), workers: 0 } as never)).workers).toBeUndefined();
  });
});

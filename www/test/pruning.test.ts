// The page's pruning parts: pruner defaults the engine accepts, the learning-curve objective, and
// the intermediate-values plot data.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { createStudyFromConfig, init, prunerNames } from "../src/lib/wasmtune";
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

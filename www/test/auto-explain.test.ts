// AutoSampler (the real wasm engine, in Node): the page's default sampler, and its explanation
// of which sampler it uses, which agrees with what each trial recorded.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { createStudy, init, samplerNames } from "wasmtune";
import { samplerExplainer } from "../src/explainers";
import { decodeSpec, defaultSpec } from "../src/state";

beforeAll(async () => {
  await init(readFileSync(new URL("../pkg/wasmtune_bg.wasm", import.meta.url)));
});

describe("AutoSampler on the page", () => {
  it("is the default sampler of a new page and of an unreadable link, and is explained", () => {
    expect(defaultSpec().config.sampler.name).toBe("AutoSampler");
    expect(decodeSpec("#not-json").config.sampler.name).toBe("AutoSampler");
    expect(samplerNames()).toContain("AutoSampler");
    expect(samplerExplainer("AutoSampler")).toMatch(/GP .* CMA-ES .* TPE/);
  });
});

describe("study.autoExplain", () => {
  it("names the sampler each trial recorded, and says why", async () => {
    const study = createStudy({ sampler: { name: "AutoSampler", seed: 1, switch_trials: 8 } });
    expect(study.hasAutoExplain).toBe(true);
    await study.optimize((t) => t.suggestFloat("x", -1, 1) ** 2 + t.suggestFloat("y", -1, 1) ** 2, { nTrials: 12 });
    const trials = study.trials;
    for (const t of trials) {
      expect(study.autoExplain({ trial: t.number }).sampler).toBe(t.systemAttrs["auto:sampler"]);
    }
    // After the switch every second trial (the even-numbered ones) still goes to GP.
    expect(trials.map((t) => t.systemAttrs["auto:sampler"])).toEqual([
      ...Array(9).fill("GPSampler"),
      "CmaEsSampler",
      "GPSampler",
      "CmaEsSampler",
    ]);
    const cma = study.autoExplain({ trial: 11 });
    expect(cma).toMatchObject({ sampler: "CmaEsSampler", nComplete: 11, nParams: 2, categorical: false, switchAt: null, next: null });
    expect(cma.reason).toMatch(/^CmaEsSampler: 2 numeric parameters, 1 objective, 11 complete trials, at or past the 8-trial switch from GPSampler/);
    const now = study.autoExplain();
    expect(now).toMatchObject({ sampler: "GPSampler", nComplete: 12 });
    expect(now.reason).toMatch(/past the 8-trial switch to CmaEsSampler, but every 2nd trial goes back to GPSampler/);
    const early = study.autoExplain({ trial: 3 });
    expect(early).toMatchObject({ sampler: "GPSampler", nComplete: 3, switchAt: 8, next: "CmaEsSampler" });
  });

  it("gives the engine's message for a bad request or another sampler", async () => {
    const study = createStudy({ sampler: { name: "AutoSampler", seed: 1 } });
    await study.optimize((t) => t.suggestFloat("x", 0, 1), { nTrials: 2 });
    expect(() => study.autoExplain({ trial: 9 })).toThrow(/autoExplain: the study has no trial 9/);
    expect(() => createStudy({ sampler: { name: "AutoSampler", switch_trials: 0 } })).toThrow(/switch_trials must be at least 1/);
    const random = createStudy({ sampler: { name: "RandomSampler", seed: 1 } });
    await random.optimize((t) => t.suggestFloat("x", 0, 1), { nTrials: 2 });
    expect(() => random.autoExplain()).toThrow(/sampler is RandomSampler, not AutoSampler/);
  });
});

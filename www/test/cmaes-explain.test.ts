// CMA-ES explains its search generation by generation (the real wasm engine, in Node), and the
// inside-CMA-ES lesson draws one ellipse per generation from that explanation.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { createStudy, init } from "wasmtune";
import { cmaesFigure, cmaesSentence } from "../src/lessons/visuals/cmaes";

beforeAll(async () => {
  await init(readFileSync(new URL("../pkg/wasmtune_bg.wasm", import.meta.url)));
});

const branin = (x1: number, x2: number) =>
  (x2 - (5.1 / (4 * Math.PI ** 2)) * x1 ** 2 + (5 / Math.PI) * x1 - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10;

async function cmaStudy(nTrials: number, kwargs: Record<string, unknown> = {}) {
  const study = createStudy({ sampler: { name: "CmaEsSampler", seed: 1, ...kwargs } });
  await study.optimize((t) => branin(t.suggestFloat("x1", -5, 10), t.suggestFloat("x2", 0, 15)), { nTrials });
  return study;
}

describe("study.cmaesExplain", () => {
  it("lists every generation, its trials, and its ellipses in the parameters' units", async () => {
    const study = await cmaStudy(40);
    expect(study.hasCmaesExplain).toBe(true);
    const e = study.cmaesExplain({ points: 16 });
    expect(e.trial).toBe(39);
    expect(e.shown).toEqual(["x1", "x2"]);
    expect(e.independent).toEqual([0]);
    expect(e.generations).toHaveLength(Math.ceil(39 / 6));
    expect(e.generations.flatMap((g) => g.trials)).toEqual(Array.from({ length: 39 }, (_, i) => i + 1));
    const g0 = e.generations[0];
    expect(g0.shownMean).toEqual([2.5, 7.5]); // the box's centre
    expect(g0.sigma).toBeCloseTo(1 / 6, 15);
    expect(g0.ellipse1).toHaveLength(17);
    // σ0 = 1/6 of each side (15): a circle of radius 2.5 in these units, 5 at 2σ.
    for (const [x, y] of g0.ellipse1) expect(Math.hypot(x - 2.5, y - 7.5)).toBeCloseTo(2.5, 9);
    for (const [x, y] of g0.ellipse2) expect(Math.hypot(x - 2.5, y - 7.5)).toBeCloseTo(5, 9);
    // Up to trial k: what the page shows when replayed to k.
    const at = study.cmaesExplain({ trial: 13, points: 16 });
    expect(at.trial).toBe(13);
    expect(at.generations).toHaveLength(3);
    expect(at.generations.slice(0, 2)).toEqual(e.generations.slice(0, 2));
  });

  it("gives the engine's message for a bad request", async () => {
    const study = await cmaStudy(8);
    expect(() => study.cmaesExplain({ trial: 99 })).toThrow(/cmaesExplain: the study has no trial 99/);
    expect(() => study.cmaesExplain({ params: ["x3"] })).toThrow(/'x3' is not in the space CMA-ES searches/);
    expect(() => study.cmaesExplain({ points: 2 })).toThrow(/points must be in 8..=1000/);
    const random = createStudy({ sampler: { name: "RandomSampler", seed: 1 } });
    await random.optimize((t) => t.suggestFloat("x", 0, 1), { nTrials: 2 });
    expect(() => random.cmaesExplain()).toThrow(/sampler is RandomSampler, not CmaEsSampler/);
  });
});

describe("the inside-CMA-ES figure", () => {
  it("draws the contour, one 1σ ellipse per generation, the current population and σ", async () => {
    const study = await cmaStudy(30);
    const e = study.cmaesExplain({ points: 16 });
    const fig = cmaesFigure(e, study.trials, "branin");
    if ("note" in fig) throw new Error(fig.note);
    const byName = (prefix: string) => fig.data.find((d) => String(d.name).startsWith(prefix))!;
    expect(fig.data[0].type).toBe("contour");
    const earlier = byName("earlier generations") as { x: (number | null)[] };
    // Older generations' ellipses, separated by nulls, plus the current one drawn on its own.
    expect(earlier.x.filter((v) => v === null)).toHaveLength(e.generations.length - 2);
    expect((byName("1σ now") as { x: number[] }).x).toEqual(e.generations[e.generations.length - 1].ellipse1.map((p) => p[0]));
    const g = e.generations[e.generations.length - 1];
    expect((byName(`generation ${g.generation}:`) as { x: number[] }).x).toHaveLength(g.trials.length);
    expect((byName("σ") as { y: number[] }).y).toEqual(e.generations.map((h) => h.sigma));
    expect(cmaesSentence(e, study.trials[29])).toMatch(/^Trial 29: generation 4, 5 of its λ = 6 trials drawn so far/);
    expect(cmaesSentence(e, study.trials[0])).toMatch(/^Trial 0 was drawn at random/);
  });
});

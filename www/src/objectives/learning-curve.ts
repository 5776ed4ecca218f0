// A synthetic learning curve: the training loss of an imaginary network over 30 steps, shaped by
// its hyperparameters, with noise. Something to prune until a real trainer lands. Some settings are
// simply bad: a learning rate well above the optimizer's sweet spot diverges, a tiny one barely
// moves; narrow networks plateau high; dropout far from ~0.2 costs a little.
// Deterministic per trial: the noise comes from a small PRNG seeded with the trial number.
import { TrialPruned } from "../lib/pruned";
import type { ParamValue } from "wasmtune";
import { type BuiltinObjective, categorical, float, int } from "./types";

export const LEARNING_CURVE_STEPS = 30;

/** The learning rate each optimizer likes best. */
const BEST_LR: Record<string, number> = { sgd: 0.1, adam: 0.003, rmsprop: 0.001 };

/** mulberry32: a tiny, fast 32-bit PRNG (uniform in [0, 1)). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The losses at steps 1..30 for these hyperparameters, with the noise of `seed`. */
export function learningCurve(params: Record<string, ParamValue>, seed: number): number[] {
  const lr = Number(params.lr);
  const width = Number(params.width);
  const dropout = Number(params.dropout);
  const best = BEST_LR[String(params.optimizer)] ?? BEST_LR.sgd;
  const rand = mulberry32(Math.imul(seed + 1, 0x9e3779b1) ^ 0x5bd1e995);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const ratio = Math.log10(lr / best); // 0 at the sweet spot
  const start = 2.3; // ln 10: chance level on ten classes
  const floor =
    0.05 + 0.9 / Math.sqrt(width / 8) + 1.2 * (dropout - 0.2) ** 2 + (ratio > 0 ? 0.25 * ratio * ratio : 0);
  // Learning speed: falls off fast below the sweet spot (a tiny learning rate barely moves).
  const rate = 0.35 * Math.min(1, 10 ** (0.8 * ratio));
  // Divergence: a learning rate more than ~10× too large blows up after a few steps.
  const blowup = ratio > 1 ? 0.12 * (ratio - 1) * 10 : 0;
  const noise = 0.02 + 0.02 * dropout;
  const losses: number[] = [];
  for (let step = 1; step <= LEARNING_CURVE_STEPS; step++) {
    let loss = floor + (start - floor) * Math.exp(-rate * step);
    if (blowup > 0) loss = Math.min(start * 2, loss) * Math.exp(blowup * Math.max(0, step - 3) * 0.1);
    loss *= 1 + noise * gauss();
    losses.push(Math.max(1e-3, Number(loss.toPrecision(10))));
  }
  return losses;
}

export const learningCurveObjective: BuiltinObjective = {
  id: "learning-curve",
  label: "Learning curve (synthetic, prunable)",
  description:
    "Minimize a synthetic training loss reported over 30 steps (lr, width, dropout, optimizer); pick a pruner to stop bad curves early.",
  directions: ["minimize"],
  searchSpace: {
    lr: float(1e-4, 1, true),
    width: int(8, 256, true),
    dropout: float(0, 0.5),
    optimizer: categorical(["sgd", "adam", "rmsprop"]),
  },
  evaluate: (params) => learningCurve(params, 0)[LEARNING_CURVE_STEPS - 1],
  train(trial, params) {
    const losses = learningCurve(params, trial.number);
    for (let i = 0; i < losses.length; i++) {
      trial.report(losses[i], i + 1);
      if (trial.shouldPrune()) throw new TrialPruned(`pruned at step ${i + 1}`);
    }
    return losses[losses.length - 1];
  },
};

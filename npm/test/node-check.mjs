// Runs inside a temporary project where the packed tarball is installed (npm/test/run.mjs copies
// it there), so `wasmtune` resolves as a user's project resolves it: Node, no bundler. Prints one
// JSON object for the runner to check.
import { writeFileSync } from "node:fs";
import { init, createStudy, createStudyWithJournal, toStudyConfig, TrialPruned } from "wasmtune";

await init();

// The garden: a fence of 500 m against a wall, x metres deep; the area peaks at x = 125 (31,250).
const garden = (trial) => {
  const x = trial.suggestFloat("x", 0, 250);
  return x * (500 - 2 * x);
};
const tpe = createStudy({ direction: "maximize", sampler: { name: "TPESampler", seed: 1 } });
await tpe.optimize(garden, { nTrials: 50 });

// Ask and tell, with a pruned trial and an enqueued one among them.
const asked = createStudy({ direction: "minimize", sampler: { name: "RandomSampler", seed: 3 } });
asked.enqueueTrial({ x: 2 });
const told = [];
for (let i = 0; i < 6; i++) {
  const trial = asked.ask();
  const x = trial.suggestFloat("x", -5, 5);
  if (i === 4) {
    trial.report(x * x, 0);
    told.push(asked.tell(trial, undefined, { state: "pruned" }).state);
  } else {
    told.push(asked.tell(trial, (x - 2) ** 2).state);
  }
}
let pruneThrown = false;
try {
  throw new TrialPruned();
} catch (e) {
  pruneThrown = e instanceof TrialPruned;
}

// A journal for Optuna: a multi-type search space, an intermediate value and attributes.
const journaled = createStudyWithJournal(
  toStudyConfig({ direction: "minimize", sampler: { name: "TPESampler", seed: 5 }, studyName: "from-npm" }),
  "",
);
await journaled.optimize(
  (trial) => {
    const lr = trial.suggestFloat("lr", 1e-4, 1, { log: true });
    const layers = trial.suggestInt("layers", 1, 4);
    const act = trial.suggestCategorical("act", ["relu", "tanh"]);
    trial.report(lr * layers, 0);
    trial.setUserAttr("note", `layers=${layers}`);
    return Math.abs(Math.log10(lr) + 2) + layers + (act === "relu" ? 0 : 0.5);
  },
  { nTrials: 12 },
);
const journalPath = process.argv[2];
writeFileSync(journalPath, journaled.exportJournal());

// The trainer's entry loads its own wasm, apart from the engine's.
const mnist = await import("wasmtune/mnist");
await mnist.initTrainer();
const trainerLoaded = typeof mnist.MnistTrainer.create === "function" && typeof mnist.MnistData === "function";

console.log(
  JSON.stringify({
    tpe: { n: tpe.trials.length, best: tpe.bestValue, x: tpe.bestParams.x },
    askTell: { states: told, firstX: asked.trials[0].params.x, n: asked.trials.length, pruneThrown },
    trainerLoaded,
    journal: journaled.trials.map((t) => ({
      number: t.number,
      state: t.state,
      values: t.values,
      params: t.params,
      userAttrs: t.userAttrs,
      intermediate: t.intermediateValues,
    })),
  }),
);

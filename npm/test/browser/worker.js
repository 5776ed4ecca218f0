// A study in a Web Worker (the Vite project's second check): the page stays responsive while the
// worker runs the trials and posts each one back as it ends.
import { init, createStudy } from "wasmtune";

self.onmessage = async ({ data }) => {
  await init();
  const study = createStudy({ direction: "maximize", sampler: { name: "TPESampler", seed: data.seed } });
  await study.optimize(
    (trial) => {
      const x = trial.suggestFloat("x", 0, 250);
      return x * (500 - 2 * x);
    },
    { nTrials: data.nTrials, callbacks: [(_, trial) => self.postMessage({ trial: trial.number })] },
  );
  self.postMessage({ done: true, n: study.trials.length, best: study.bestValue });
};

// The study both browser checks run: the plain page (an import map, no bundler) and the Vite
// project import this same file. It writes its outcome on the page for the runner to read.
import { init, createStudy } from "wasmtune";

const out = document.getElementById("result");
try {
  await init();
  const study = createStudy({ direction: "maximize", sampler: { name: "TPESampler", seed: 1 } });
  await study.optimize(
    (trial) => {
      const x = trial.suggestFloat("x", 0, 250);
      return x * (500 - 2 * x);
    },
    { nTrials: 50 },
  );
  out.textContent = JSON.stringify({ n: study.trials.length, best: study.bestValue });
} catch (e) {
  out.textContent = JSON.stringify({ error: String(e) });
}
out.dataset.done = "true";

// Placeholder until the playground issue: runs the garden study through the wasm bindings.
import init, { WasmStudy } from "./pkg/wasmtune.js";

const out = document.getElementById("out");

async function run() {
  await init();
  const nTrials = Number(document.getElementById("n").value);
  const seed = Number(document.getElementById("seed").value);
  try {
    const study = new WasmStudy({
      directions: ["maximize"],
      sampler: { name: "RandomSampler", kwargs: { seed } },
    });
    for (let i = 0; i < nTrials; i++) {
      const n = study.ask();
      const x = study.suggestFloat(n, "x", 0, 250, undefined, false);
      study.tell(n, x * (500 - 2 * x));
    }
    const best = study.bestTrial();
    // textContent, never innerHTML: values are data, not markup.
    out.textContent = `best A = ${best.values[0].toFixed(1)} at trial ${best.number} ` +
      `(analytic optimum: A = 31250 at x = 125)`;
  } catch (e) {
    out.textContent = `error: ${e.message}`;
  }
}

document.getElementById("start").addEventListener("click", run);

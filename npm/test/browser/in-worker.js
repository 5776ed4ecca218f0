// Starts worker.js as a module worker (the way Vite bundles it) and writes what it posted back.
const out = document.getElementById("worker-result");
const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
let posted = 0;
worker.onmessage = ({ data }) => {
  if (!data.done) {
    posted++;
    return;
  }
  out.textContent = JSON.stringify({ n: data.n, best: data.best, posted });
  out.dataset.done = "true";
};
worker.onerror = (e) => {
  out.textContent = JSON.stringify({ error: e.message ?? String(e) });
  out.dataset.done = "true";
};
worker.postMessage({ seed: 1, nTrials: 50 });

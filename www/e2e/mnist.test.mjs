// The MNIST objective: a short study that really trains (candle in wasm, in the worker) on a small
// subset, reports every epoch, and shows the best trial's misclassified digits.
import { readFileSync } from "node:fs";
import { assert, csvFields } from "./harness.mjs";

/** Sets a numeric parameter's range in the search-space editor. */
async function setRange(page, param, low, high) {
  await page.fill(`#space-editor .space-row[data-param="${param}"] input[data-key="low"]`, String(low));
  await page.fill(`#space-editor .space-row[data-param="${param}"] input[data-key="high"]`, String(high));
}

/** The trials table's Backend column and each row's tooltip. */
async function backendColumn(page) {
  return page.evaluate(() => {
    const heads = [...document.querySelectorAll("#trials thead th")].map((th) => th.dataset.key);
    const i = heads.indexOf("attr:backend");
    const rows = [...document.querySelectorAll("#trials tbody tr")];
    return { cells: rows.map((r) => (i < 0 ? null : r.children[i].textContent)), titles: rows.map((r) => r.title) };
  });
}

/**
 * Runs a short MNIST study on 1,000 digits from the page's controls (the objective already chosen)
 * and waits until it has finished and its views have settled; returns the trials' states.
 */
async function runMnistStudy(page, { backend, ranges, sampler, trials, seed }) {
  await page.selectOption("#mnist-subset", "1000");
  await page.selectOption("#mnist-backend", backend);
  for (const [param, [low, high]] of Object.entries(ranges)) await setRange(page, param, low, high);
  await page.selectOption("#sampler", sampler);
  await page.fill("#n-trials", String(trials));
  await page.fill("#seed", String(seed));
  await page.click("#start");
  await page.waitForSelector('#status[data-state="finished"]');
  await page.waitForSelector('#results[data-views="settled"]');
  return page.$$eval("#trials tbody tr", (rows) => rows.map((r) => r.dataset.state));
}

/** The exported CSV: its header and rows, as fields. */
async function exportedCsv(page) {
  const [dl] = await Promise.all([page.waitForEvent("download"), page.click("#export-csv")]);
  return readFileSync(await dl.path(), "utf8").trim().split("\n").map(csvFields);
}

export const tests = [
  [
    "MNIST: a 4-trial TPE study on 1,000 digits trains in the worker, reports epochs, shows misclassified digits",
    async (page) => {
      await page.selectOption("#objective", "mnist");
      const params = await page.$$eval("#space-editor .space-row[data-param]", (rows) => rows.map((r) => r.dataset.param));
      assert(
        JSON.stringify(params) === JSON.stringify(["hidden", "layers", "lr", "optimizer", "batch_size", "dropout", "epochs"]),
        `the default space: ${params}`,
      );
      assert(!(await page.$eval("#mnist-row", (e) => e.hidden)), "the subset and backend controls are shown");
      // Small and sane for speed: narrow networks, a learning rate that learns, 2 epochs.
      const states = await runMnistStudy(page, {
        backend: "auto",
        ranges: { hidden: [16, 64], lr: [0.002, 0.01], epochs: [2, 2] },
        sampler: "TPESampler",
        trials: 4,
        seed: 1,
      });
      assert(states.length === 4 && states.every((s) => s === "COMPLETE"), `4 complete trials: ${states}`);
      const best = Number(await page.textContent("#best-value"));
      assert(best > 0.6 && best <= 1, `best validation accuracy ${best} > 0.6 after 2 epochs on 1,000 digits`);
      const curves = await page.evaluate(() => (document.getElementById("intermediate").data ?? []).map((d) => d.y));
      assert(curves.length === 4 && curves.every((y) => y.length === 2 && y.every((v) => v > 0 && v <= 1)), `2 reported accuracies per trial: ${JSON.stringify(curves)}`);
      await page.waitForSelector("#misclassified:not([hidden]) figure");
      const captions = await page.$$eval("#misclassified figure figcaption", (f) => f.map((c) => c.textContent));
      assert(captions.length === 12, `12 misclassified digits: ${captions}`);
      assert(captions.every((c) => /^(\d) → (\d)$/.test(c) && c[0] !== c.at(-1)), `true → predicted, never equal: ${captions}`);
      const inked = await page.$eval("#misclassified canvas", (c) => {
        const d = c.getContext("2d").getImageData(0, 0, 28, 28).data;
        let dark = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i] < 128) dark++;
        return dark;
      });
      assert(inked > 30 && inked < 600, `a digit is drawn (${inked} dark pixels)`);
      // The backend that ran each trial, its size and its time are user attributes (CSV columns).
      const [head, ...rows] = await exportedCsv(page);
      const col = (name) => head.indexOf(name);
      // "auto" with only Chromium's software adapter trains on the CPU and says why.
      assert(col("user_attrs_backend") >= 0 && rows.every((r) => r[col("user_attrs_backend")] === "cpu"), `backend cpu: ${head}`);
      assert(rows.every((r) => /software fallback/.test(r[col("user_attrs_backend_fallback")])), `fallback reasons: ${head}`);
      const table = await backendColumn(page);
      assert(table.cells.length === 4 && table.cells.every((c) => c === "cpu"), `Backend column: ${JSON.stringify(table)}`);
      assert(table.titles.every((t) => t.startsWith("trained on the CPU:") && t.includes("software fallback")), `row titles: ${table.titles}`);
      assert(rows.every((r) => Number(r[col("user_attrs_parameter_count")]) > 784 * 16), `parameter counts: ${rows.map((r) => r[col("user_attrs_parameter_count")])}`);
    },
  ],
  [
    "MNIST: WebGPU forced trains in the worker on the browser's adapter, and the table says so",
    async (page) => {
      await page.selectOption("#objective", "mnist");
      const states = await runMnistStudy(page, {
        backend: "webgpu",
        ranges: { hidden: [16, 32], layers: [1, 2], lr: [0.002, 0.01], epochs: [2, 2] },
        sampler: "RandomSampler",
        trials: 2,
        seed: 3,
      });
      assert(states.length === 2 && states.every((s) => s === "COMPLETE"), `2 complete trials: ${states}`);
      const best = Number(await page.textContent("#best-value"));
      assert(best > 0.6 && best <= 1, `best validation accuracy ${best} > 0.6 after 2 epochs on WebGPU`);
      const table = await backendColumn(page);
      assert(table.cells.every((c) => c === "webgpu"), `Backend column: ${JSON.stringify(table)}`);
      assert(table.titles.every((t) => t.startsWith("trained on ") && !t.includes("CPU")), `row titles name the adapter: ${table.titles}`);
      const [head, ...rows] = await exportedCsv(page);
      assert(rows.every((r) => r[head.indexOf("user_attrs_backend")] === "webgpu" && r[head.indexOf("user_attrs_adapter")]), `CSV: ${head}`);
    },
  ],
];

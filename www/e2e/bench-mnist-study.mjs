// Benchmark: the closing study in the page itself — 20 TPE trials (seed 1) on the MNIST
// objective with its default search space, the full 8,000 / 2,000 split, backend "auto" (the CPU
// here: Chromium's only adapter is a software fallback), one worker, no time limit. Not a test
// (it takes minutes): it records each trial in test-artifacts/bench-mnist-study.json and prints the
// best validation accuracy.
//
//   cd www && npm run build && node e2e/bench-mnist-study.mjs
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ARTIFACTS, csvFields, launch, openPage } from "./harness.mjs";

const TRIALS = Number(process.env.TRIALS ?? 20);
const env = await launch();
const page = await openPage(env);
await page.selectOption("#objective", "mnist");
await page.selectOption("#mnist-subset", "8000");
await page.selectOption("#mnist-backend", "auto");
await page.selectOption("#sampler", "TPESampler");
await page.fill("#n-trials", String(TRIALS));
await page.fill("#seed", "1");
await page.fill("#timeout", "0");
const t0 = Date.now();
await page.click("#start");
await page.waitForSelector('#status[data-state="finished"]', { timeout: 3_600_000 });
const seconds = (Date.now() - t0) / 1000;
const [dl] = await Promise.all([page.waitForEvent("download"), page.click("#export-csv")]);
const [head, ...rows] = readFileSync(await dl.path(), "utf8").trim().split("\n").map(csvFields);
const col = (name) => head.indexOf(name);
const trials = rows.map((r) => ({
  number: Number(r[col("number")]),
  state: r[col("state")],
  value: Number(r[col("value")]),
  params: Object.fromEntries(head.filter((h) => h.startsWith("params_")).map((h) => [h.slice(7), r[col(h)]])),
  backend: r[col("user_attrs_backend")],
  train_seconds: Number(r[col("user_attrs_train_seconds")]),
}));
const best = trials.filter((t) => t.state === "COMPLETE").sort((a, b) => b.value - a.value)[0];
const record = { trials: TRIALS, seconds, best, all: trials };
writeFileSync(join(ARTIFACTS, "bench-mnist-study.json"), JSON.stringify(record, null, 2));
for (const t of trials) console.log("MNIST_PAGE_STUDY", JSON.stringify(t));
console.log(`best validation accuracy ${best.value} (trial ${best.number}) after ${TRIALS} trials, ${seconds.toFixed(0)} s`);
await env.close();

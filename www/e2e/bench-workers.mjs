// Benchmark: trials per second against the number of evaluator workers (issue #9). Not a test: it
// writes test-artifacts/bench-workers.json and benches/WORKERS.md.
//
//   cd www && npm run build && node e2e/bench-workers.mjs
//
// A custom objective that busy-waits COST_MS per trial (a stand-in for real work), RandomSampler,
// TRIALS trials, for N = 1, 2, 4 workers (N = 1: the study worker runs the objective itself).
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { ARTIFACTS, ROOT, launch, openPage } from "./harness.mjs";

// Busy milliseconds per trial, and trials per run, for each objective cost measured.
const COSTS = (process.env.COSTS ?? "20:120,100:40").split(",").map((c) => c.split(":").map(Number));
const WORKERS = (process.env.WORKERS ?? "1,2,4").split(",").map(Number);
const codeFor = (COST_MS) => `function objective(trial) {
  const x = trial.suggestFloat("x", -5, 5);
  const y = trial.suggestFloat("y", -5, 5);
  const t0 = performance.now();
  while (performance.now() - t0 < ${COST_MS}) {}
  return x * x + y * y;
}`;

const env = await launch();
const results = [];
try {
  for (const [COST_MS, TRIALS] of COSTS)
  for (const n of WORKERS) {
    const code = codeFor(COST_MS);
    const page = await openPage(env);
    await page.selectOption("#objective", "custom");
    await page.waitForSelector("#editor .cm-content");
    await page.click("#editor .cm-content");
    await page.keyboard.press("Control+A");
    await page.keyboard.press("Delete");
    await page.keyboard.insertText(code);
    await page.fill("#n-trials", String(TRIALS));
    await page.fill("#workers", String(n));
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    const t0 = Date.now();
    await page.click("#start");
    await page.waitForSelector('#status[data-state="finished"]', { timeout: 300_000 });
    const ms = Date.now() - t0;
    const rows = await page.$$eval("#trials tbody tr", (trs) => trs.length);
    results.push({ costMs: COST_MS, workers: n, trials: rows, ms, perSecond: (rows / ms) * 1000, cores });
    console.log(`${n} worker(s): ${rows} trials in ${ms} ms = ${((rows / ms) * 1000).toFixed(1)} trials/s`);
    await page.close();
  }
} finally {
  await env.close();
}
writeFileSync(join(ARTIFACTS, "bench-workers.json"), JSON.stringify(results, null, 2));
const base = (r) => results.find((q) => q.costMs === r.costMs && q.workers === 1)?.perSecond ?? NaN;
const md = `# Trials per second against the number of workers

Command: \`cd www && npm run build && node e2e/bench-workers.mjs\` (headless Chromium). Objective:
custom JavaScript busy-waiting a fixed time per trial (wall clock), RandomSampler, two parameters
(each suggested by the study worker: a round trip per parameter for an evaluator worker); the time
is from the Start click to the page showing "Finished". Machine: ${cpus().length} cores
(\`navigator.hardwareConcurrency\` = ${results[0].cores}), load average
${loadavg().map((l) => l.toFixed(1)).join(" / ")} at the end (other work shares the machine).
Recorded ${new Date().toISOString()}.

| ms per trial | workers | trials | wall (ms) | trials/s | vs 1 worker | ideal trials/s |
|---|---|---|---|---|---|---|
${results.map((r) => `| ${r.costMs} | ${r.workers} | ${r.trials} | ${r.ms} | ${r.perSecond.toFixed(1)} | ${(r.perSecond / base(r)).toFixed(2)}x | ${((1000 / r.costMs) * r.workers).toFixed(0)} |`).join("\n")}

The ideal counts the objective's own time only, as if the workers each had a free core; the gap is
the engine, the message round trips between evaluator and study worker, and the page's rendering,
all of which compete for the same cores.
`;
writeFileSync(join(ROOT, "..", "benches", "WORKERS.md"), md);
console.log(md);

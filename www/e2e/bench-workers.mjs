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

const COST_MS = Number(process.env.COST_MS ?? 20);
const TRIALS = Number(process.env.TRIALS ?? 120);
const WORKERS = (process.env.WORKERS ?? "1,2,4").split(",").map(Number);
const code = `function objective(trial) {
  const x = trial.suggestFloat("x", -5, 5);
  const y = trial.suggestFloat("y", -5, 5);
  const t0 = performance.now();
  while (performance.now() - t0 < ${COST_MS}) {}
  return x * x + y * y;
}`;

const env = await launch();
const results = [];
try {
  for (const n of WORKERS) {
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
    results.push({ workers: n, trials: rows, ms, perSecond: (rows / ms) * 1000, cores });
    console.log(`${n} worker(s): ${rows} trials in ${ms} ms = ${((rows / ms) * 1000).toFixed(1)} trials/s`);
    await page.close();
  }
} finally {
  await env.close();
}
writeFileSync(join(ARTIFACTS, "bench-workers.json"), JSON.stringify(results, null, 2));
const base = results[0].perSecond;
const md = `# Trials per second against the number of workers

Command: \`cd www && npm run build && node e2e/bench-workers.mjs\` (headless Chromium). Objective:
custom JavaScript busy-waiting ${COST_MS} ms per trial, RandomSampler, ${TRIALS} trials; the time is
from the Start click to the page showing "Finished". Machine: ${cpus().length} cores
(\`navigator.hardwareConcurrency\` = ${results[0].cores}), load average
${loadavg().map((l) => l.toFixed(1)).join(" / ")} at the end (other work shares the machine).
Recorded ${new Date().toISOString()}.

| workers | trials | wall (ms) | trials/s | vs 1 worker |
|---|---|---|---|---|
${results.map((r) => `| ${r.workers} | ${r.trials} | ${r.ms} | ${r.perSecond.toFixed(1)} | ${(r.perSecond / base).toFixed(2)}x |`).join("\n")}

The ideal is ${(1000 / COST_MS).toFixed(0)} trials/s per worker up to the number of free cores; past
it, workers share cores and the page's own rendering competes with them.
`;
writeFileSync(join(ROOT, "..", "benches", "WORKERS.md"), md);
console.log(md);

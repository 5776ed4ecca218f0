// Benchmark: how long the page's views take to redraw at 1,000 and 10,000 trials (issue #9's
// scale target: a 10,000-trial study stays usable). Not a test: it writes
// test-artifacts/bench-redraw.json and benches/REDRAW.md.
//
//   cd www && npm run build && node e2e/bench-redraw.mjs
//
// For each size: a RandomSampler study on a cheap 5-parameter objective (Rosenbrock 5-D in custom
// code, busy for 2 ms a trial so that a Pause click can land mid-study) runs to the end. While it runs, each view's render time (the scheduler's
// `wasmtune:<view>` performance measures; off-screen plots wait) and the Pause click's input delay
// are recorded; after it ends, every view redraws once with all trials (the "full redraw").
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { ARTIFACTS, ROOT, launch, openPage } from "./harness.mjs";

const SIZES = (process.env.SIZES ?? "1000,10000").split(",").map(Number);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};

const env = await launch();
const results = [];
try {
  for (const n of SIZES) {
    const page = await openPage(env);
    const code = `function objective(trial) {
  const x = [0, 1, 2, 3, 4].map((i) => trial.suggestFloat("x" + i, -5, 10));
  const t0 = performance.now();
  while (performance.now() - t0 < 2) {}
  let s = 0;
  for (let i = 0; i < 4; i++) s += 100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2;
  return s;
}`;
    const spec = { config: { objective: "custom", directions: ["minimize"], sampler: { name: "RandomSampler", kwargs: null }, pruner: { name: "NopPruner", kwargs: null }, n_trials: n, seed: 1 }, code };
    await page.goto(`${env.url}#${encodeURIComponent(JSON.stringify(spec))}`);
    await page.reload();
    await page.waitForSelector('#status[data-state="idle"]', { timeout: 30_000 });
    await page.evaluate(() => {
      window.__clicks = [];
      window.addEventListener("click", (e) => window.__clicks.push(performance.now() - e.timeStamp), true);
    });
    const t0 = Date.now();
    await page.click("#start");
    // One Pause / Resume pair mid-study: the click's input delay says how busy the main thread is.
    await page.waitForFunction((k) => Number(document.getElementById("progress").dataset.done ?? 0) >= k, Math.floor(n / 2), { timeout: 600_000 });
    let pausedAfter = null;
    if ((await page.getAttribute("#status", "data-state")) === "running") {
      await page.click("#pause");
      await page.waitForSelector('#status[data-state="paused"]', { timeout: 10_000 });
      pausedAfter = await page.evaluate(() => performance.now());
      await page.click("#pause");
    }
    await page.waitForSelector('#status[data-state="finished"]', { timeout: 600_000 });
    const runMs = Date.now() - t0;
    await page.waitForSelector('#results[data-views="settled"]', { timeout: 120_000 });
    const marks = await page.evaluate(() =>
      performance.getEntriesByType("measure").filter((m) => m.name.startsWith("wasmtune:")).map((m) => [m.name.slice(9), m.duration, m.startTime]),
    );
    const endOfRun = await page.evaluate(() => performance.now());
    const clicks = await page.evaluate(() => window.__clicks);
    const views = {};
    for (const [name, d] of marks) (views[name] ??= []).push(d);
    // The last render of each view is the full redraw with every trial.
    const full = Object.fromEntries(Object.entries(views).map(([k, ds]) => [k, ds.at(-1)]));
    results.push({
      trials: n,
      runMs,
      pauseClickDelayMs: clicks.slice(-2),
      views: Object.fromEntries(Object.entries(views).map(([k, ds]) => [k, { renders: ds.length, medianMs: median(ds), maxMs: Math.max(...ds), fullMs: full[k] }])),
      fullRedrawMs: Object.values(full).reduce((a, b) => a + b, 0),
      pausedAt: pausedAfter,
      endOfRun,
    });
    console.log(`${n} trials: run ${runMs} ms, full redraw ${results.at(-1).fullRedrawMs.toFixed(0)} ms, pause click delay ${clicks.slice(-2).map((c) => c.toFixed(0))} ms`);
    await page.close();
  }
} finally {
  await env.close();
}
writeFileSync(join(ARTIFACTS, "bench-redraw.json"), JSON.stringify(results, null, 2));

const names = [...new Set(results.flatMap((r) => Object.keys(r.views)))];
const row = (name) =>
  `| ${name} | ${results.map((r) => (r.views[name] ? `${r.views[name].medianMs.toFixed(1)} / ${r.views[name].maxMs.toFixed(0)} / ${r.views[name].fullMs.toFixed(1)}` : "–")).join(" | ")} |`;
const md = `# Redraw times at 1,000 and 10,000 trials

Command: \`cd www && npm run build && node e2e/bench-redraw.mjs\` (headless Chromium, WebGL on
SwiftShader, i.e. on the CPU). Machine: ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), load
average ${loadavg().map((l) => l.toFixed(1)).join(" / ")} at the end (other work shares it).
Recorded ${new Date().toISOString()}.

A RandomSampler study on Rosenbrock 5-D (custom code, 2 ms of busy work a trial) runs to the end; the page's views redraw on the
scheduler's terms while it runs (each no more often than its floor or 6 × its cost, all together
about 1/6 of the main thread; plots off screen wait until scrolled to) and once more with every
trial when it ends.

| | ${results.map((r) => `${r.trials.toLocaleString("en-US")} trials`).join(" | ")} |
|---|${results.map(() => "---|").join("")}
| study run (ms, wall) | ${results.map((r) => r.runMs).join(" | ")} |
| Pause / Resume click input delay mid-study (ms) | ${results.map((r) => (r.pausedAt === null ? "(finished first)" : r.pauseClickDelayMs.map((c) => c.toFixed(0)).join(" / "))).join(" | ")} |
| full redraw, all views (ms) | ${results.map((r) => r.fullRedrawMs.toFixed(0)).join(" | ")} |

Per view: median / max render while running / the full redraw at the end (ms):

| view | ${results.map((r) => `${r.trials.toLocaleString("en-US")} trials`).join(" | ")} |
|---|${results.map(() => "---|").join("")}
${names.map(row).join("\n")}
`;
writeFileSync(join(ROOT, "..", "benches", "REDRAW.md"), md);
console.log(md);

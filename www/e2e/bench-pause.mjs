// Benchmark: how long the main thread takes to handle a Pause / Resume click while a 1,000-trial
// study streams into the page (target: under 100 ms). Not a test: it records what it measures in
// test-artifacts/bench-pause-click.json and prints a summary.
//
//   cd www && npm run build && node e2e/bench-pause.mjs
//
// For each click: input delay (the event's timestamp to its handler starting: how long the main
// thread was busy), the handler itself, the next frame (the button's new label painted), and how
// long until the worker confirmed (status "Paused" / "Running").
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ARTIFACTS, launch, openPage } from "./harness.mjs";

const CLICKS = Number(process.env.CLICKS ?? 10);
const code = `function objective(trial) {
  const x = trial.suggestFloat("x", 0, 250);
  const t0 = performance.now();
  while (performance.now() - t0 < 5) {}
  return x * (500 - 2 * x);
}`;

const env = await launch();
const page = await openPage(env);
await page.selectOption("#objective", "custom");
await page.waitForSelector("#editor .cm-content");
await page.selectOption("#direction", "maximize");
await page.click("#editor .cm-content");
await page.keyboard.press("Control+A");
await page.keyboard.press("Delete");
await page.keyboard.insertText(code);
await page.fill("#n-trials", "1000");

await page.evaluate(() => {
  const w = window;
  w.__bench = { clicks: [], longtasks: [] };
  new PerformanceObserver((l) => {
    for (const e of l.getEntries()) w.__bench.longtasks.push(Math.round(e.duration));
  }).observe({ type: "longtask" });
  const pause = document.getElementById("pause");
  const status = document.getElementById("status");
  let current = null;
  // Capturing listener on window: runs before the page's handler; bubbling one: after it.
  window.addEventListener("click", (e) => {
    if (e.target !== pause) return;
    current = { timeStamp: e.timeStamp, start: performance.now(), from: status.dataset.state };
  }, true);
  window.addEventListener("click", (e) => {
    if (e.target !== pause || !current) return;
    const c = current;
    c.end = performance.now();
    requestAnimationFrame(() => setTimeout(() => (c.frame = performance.now()), 0));
    const target = c.from === "running" ? "paused" : "running";
    const obs = new MutationObserver(() => {
      if (status.dataset.state === target) {
        c.confirmed = performance.now();
        obs.disconnect();
      }
    });
    obs.observe(status, { attributes: true });
    w.__bench.clicks.push(c);
  });
});

await page.click("#start");
await page.waitForFunction(() => Number(document.getElementById("progress").dataset.done ?? 0) >= 150);
for (let i = 0; i < CLICKS; i++) {
  const state = await page.getAttribute("#status", "data-state");
  if (state !== "running" && state !== "paused") {
    console.log(`the study is ${state} after ${i} clicks`);
    break;
  }
  // The study may end between the check and the click.
  const clicked = await page.click("#pause", { timeout: 2000 }).then(() => true, (e) => e);
  if (clicked !== true) {
    console.log(`click ${i} did not happen: ${String(clicked).split("\n").slice(0, 12).join("\n")}`);
    break;
  }
  await page.waitForTimeout(300);
}
const state = await page.getAttribute("#status", "data-state");
if (state === "paused") await page.click("#pause");
await page.waitForSelector('#status[data-state="finished"]', { timeout: 120_000 });

const raw = await page.evaluate(() => ({
  ...window.__bench,
  renders: Object.fromEntries(
    ["history", "parallel", "table"].map((v) => [
      v,
      performance.getEntriesByName(`wasmtune:${v}`).map((e) => Math.round(e.duration)),
    ]),
  ),
}));
await env.close();

const clicks = raw.clicks
  .filter((c) => c.end !== undefined)
  .map((c) => ({
    from: c.from,
    inputDelayMs: +(c.start - c.timeStamp).toFixed(1),
    handlerMs: +(c.end - c.start).toFixed(1),
    toNextFrameMs: c.frame === undefined ? null : +(c.frame - c.timeStamp).toFixed(1),
    workerConfirmedMs: c.confirmed === undefined ? null : +(c.confirmed - c.timeStamp).toFixed(1),
  }));
const stat = (xs) => {
  const s = xs.filter((x) => x !== null).sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], p90: s[Math.floor(s.length * 0.9)], max: s[s.length - 1] };
};
const handled = clicks.map((c) => +(c.inputDelayMs + c.handlerMs).toFixed(1));
const result = {
  benchmark: "main-thread time to handle a Pause/Resume click during a 1,000-trial study",
  command: "cd www && npm run build && node e2e/bench-pause.mjs",
  date: new Date().toISOString(),
  chromium: "/usr/bin/chromium --headless=new (SwiftShader WebGL)",
  targetMs: 100,
  clickHandledMs: stat(handled),
  toNextFrameMs: stat(clicks.map((c) => c.toNextFrameMs)),
  workerConfirmedMs: stat(clicks.map((c) => c.workerConfirmedMs)),
  clicks,
  viewRenderMs: raw.renders,
  longTasksMs: raw.longtasks,
};
const out = join(ARTIFACTS, "bench-pause-click.json");
writeFileSync(out, JSON.stringify(result, null, 2) + "\n");
console.log(
  `pause click, main thread: median ${result.clickHandledMs.median} ms, max ${result.clickHandledMs.max} ms ` +
    `(target < 100 ms); next frame median ${result.toNextFrameMs.median} ms; worker confirmed median ` +
    `${result.workerConfirmedMs.median} ms; ${clicks.length} clicks -> ${out}`,
);

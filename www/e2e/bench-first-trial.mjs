// Benchmark: the page's first impression (issue #19). Not a test: it writes
// test-artifacts/bench-first-trial.json and benches/PAGE.md.
//
//   cd www && npm run build && node e2e/bench-first-trial.mjs
//
// It builds nothing: it serves dist/ as the tests do (`vite preview`), and opens the page RUNS
// times, each in a fresh browser context with a fresh profile (nothing cached), with the default
// configuration (garden objective, RandomSampler, 100 trials). Per run: navigation → Start
// enabled, Start → first row in the trials table, Start → study finished, and every response
// (raw and gzip bytes) with whether it arrived before the first row. The times are taken in the
// page (performance.now(), from the navigation's start), so that Playwright's polling and
// round trips are not in them.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { preview } from "vite";
import { ARTIFACTS, ROOT, newContext } from "./harness.mjs";

const RUNS = Number(process.env.RUNS ?? 5);
/** Runs where Start is pressed only once the page has gone quiet (no request for 500 ms) and two
 *  more seconds have passed, as a person reading the page would: what the page fetches on its own
 *  while it waits counts against "before the first trial". */
const PATIENT_RUNS = Number(process.env.PATIENT_RUNS ?? 2);
const GOALS = { ready: 1000, firstTrial: 150, finished: 1000, gzipBeforeFirst: 1_000_000 };

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const server = await preview({ root: ROOT, logLevel: "warn", preview: { port: 0, host: "127.0.0.1", strictPort: false } });
const url = server.resolvedUrls.local[0];
const runs = [];
try {
  for (let i = 0; i < RUNS + PATIENT_RUNS; i++) {
    const patient = i >= RUNS;
    const env = await newContext();
    try {
      // When Start became enabled, was clicked (before the page's own handler), the first row
      // appeared, and the status said finished.
      await env.context.addInitScript(() => {
        const marks = (window.__marks = {});
        const mark = (k) => (marks[k] ??= performance.now());
        new MutationObserver(() => {
          const start = document.getElementById("start");
          if (start && !start.disabled) mark("ready");
          if (document.querySelector("#trials tbody tr")) mark("row");
          if (document.querySelector('#status[data-state="finished"]')) mark("finished");
        }).observe(document, { subtree: true, childList: true, attributes: true });
        addEventListener("click", (e) => e.target?.id === "start" && mark("click"), { capture: true });
      });
      const page = await env.context.newPage();
      // Every response, with the time its body had arrived (by the browser's clock, as the first
      // row is), so that "before the first trial" means arrived before it.
      const responses = [];
      const pending = [];
      const onResponse = (r) => {
        const seen = Date.now();
        pending.push(
          r.body().then(
            (body) => {
              // The browser's own times once the body is in (epoch ms); what Playwright saw before.
              const t = r.request().timing();
              const at = t.startTime > 0 && t.responseEnd >= 0 ? t.startTime + t.responseEnd : seen;
              responses.push({ url: r.url(), at, raw: body.length, gzip: gzipSync(body, { level: 9 }).length });
            },
            () => {}, // a response without a body (a redirect)
          ),
        );
      };
      // The context's responses: the page's and its workers' (the wasm, when a worker fetches it).
      env.context.on("response", onResponse);
      await page.goto(url);
      await page.waitForSelector("#start:enabled");
      if (patient) {
        await page.waitForLoadState("networkidle");
        await page.waitForTimeout(2000); // a person's reading time, not a wait for the page
      }
      await page.click("#start");
      await page.waitForSelector("#trials tbody tr", { state: "attached" });
      await page.waitForSelector('#status[data-state="finished"]');
      const m = await page.evaluate(() => ({ ...window.__marks, origin: performance.timeOrigin }));
      const ready = Math.round(m.ready);
      const firstTrial = Math.round(m.row - m.click);
      const finished = Math.round(m.finished - m.click);
      // The same clock as the responses' times (this machine's).
      const firstAt = m.origin + m.row;
      // Plotly and anything else lazily loaded, for the total.
      await page.waitForSelector('#results[data-views="settled"]');
      await page.waitForLoadState("networkidle");
      await Promise.all(pending);
      const name = (u) => new URL(u).pathname.replace(/^\//, "") || "index.html";
      const assets = new Map();
      for (const r of responses) {
        const a = assets.get(name(r.url)) ?? { file: name(r.url), raw: 0, gzip: 0, before: false };
        a.raw += r.raw;
        a.gzip += r.gzip;
        a.before ||= r.at <= firstAt;
        assets.set(a.file, a);
      }
      const list = [...assets.values()].sort((a, b) => b.gzip - a.gzip);
      const sum = (xs, k) => xs.reduce((n, a) => n + a[k], 0);
      const before = list.filter((a) => a.before);
      const run = {
        patient,
        ready,
        firstTrial,
        finished,
        gzipBeforeFirst: sum(before, "gzip"),
        rawBeforeFirst: sum(before, "raw"),
        gzipTotal: sum(list, "gzip"),
        rawTotal: sum(list, "raw"),
        assets: list,
      };
      runs.push(run);
      console.log(
        `run ${i + 1}${patient ? " (patient)" : ""}: Start enabled ${ready} ms, first trial ${run.firstTrial} ms, finished ${finished} ms, ` +
          `${(run.gzipBeforeFirst / 1e6).toFixed(2)} MB gzip before the first trial (${(run.gzipTotal / 1e6).toFixed(2)} MB in all)`,
      );
    } finally {
      await env.close();
    }
  }
} finally {
  await server.close();
}

mkdirSync(ARTIFACTS, { recursive: true });
writeFileSync(join(ARTIFACTS, "bench-first-trial.json"), JSON.stringify(runs, null, 2));
const prompt = runs.filter((r) => !r.patient);
const patient = runs.filter((r) => r.patient);
const med = (k, rs = prompt) => median(rs.map((r) => r[k]));
const mb = (n) => (n / 1e6).toFixed(2) + " MB";
const kb = (n) => (n / 1e3).toFixed(1);
// The assets of the last run (file names and sizes are the same in every run: one build).
const last = runs[runs.length - 1];
// What follows the measured part (earlier runs, notes) is written by hand and kept.
const NOTES = "\n## Notes";
const pagePath = join(ROOT, "..", "benches", "PAGE.md");
const previous = existsSync(pagePath) ? readFileSync(pagePath, "utf8") : "";
const notes = previous.includes(NOTES) ? previous.slice(previous.indexOf(NOTES)) : "";
const md = `# First impression: the page's load and first trial

Command: \`cd www && npm run build && node e2e/bench-first-trial.mjs\` (headless Chromium, \`vite
preview\` of \`www/dist\` on localhost, ${RUNS} runs with Start pressed as soon as it is enabled and ${PATIENT_RUNS}
with Start pressed once the page has gone quiet and 2 s more have passed (*patient*), each in a fresh browser context with a fresh
profile: nothing cached). Default configuration: garden objective, RandomSampler, 100 trials.
Times taken in the page (a click listener ahead of the page's own, and a MutationObserver on
the button, the table and the status; navigation start is 0), medians of the ${RUNS} prompt runs; bytes from the
responses' bodies (gzip -9 computed here: \`vite preview\` does not compress). Recorded
${new Date().toISOString()}.

This machine is shared and noisy: ${cpus().length} cores, load average
${loadavg().map((l) => l.toFixed(1)).join(" / ")} at the end (whatever else was running then ran beside the bench). Read the times as upper
bounds on a quiet machine.

| what | median | goal (issue #19) |
|---|---|---|
| navigation → Start enabled | ${med("ready")} ms | ≤ ${GOALS.ready} ms |
| Start → first trial in the table | ${med("firstTrial")} ms | ≤ ${GOALS.firstTrial} ms |
| Start → 100-trial study finished | ${med("finished")} ms | ≤ ${GOALS.finished} ms |
| fetched before the first trial (gzip) | ${mb(med("gzipBeforeFirst"))} | ≤ ${mb(GOALS.gzipBeforeFirst)} |
| fetched before the first trial (raw) | ${mb(med("rawBeforeFirst"))} | |
| fetched in all, plots drawn (gzip) | ${mb(med("gzipTotal"))} | |
${patient.length ? `| patient: fetched before the first trial (gzip) | ${mb(med("gzipBeforeFirst", patient))} | ≤ ${mb(GOALS.gzipBeforeFirst)} |
| patient: Start → first trial in the table | ${med("firstTrial", patient)} ms | ≤ ${GOALS.firstTrial} ms |
` : ""}
Per run (ms): ${runs.map((r) => `${r.ready} / ${r.firstTrial} / ${r.finished}${r.patient ? " (patient)" : ""}`).join("; ")} (Start enabled / first trial / finished).

Every response of the last run${last.patient ? " (patient)" : ""} (KB = 1000 bytes), largest first:

| file | raw KB | gzip KB | before the first trial |
|---|---|---|---|
${last.assets.map((a) => `| ${a.file} | ${kb(a.raw)} | ${kb(a.gzip)} | ${a.before ? "yes" : "no"} |`).join("\n")}
`;
writeFileSync(pagePath, md + notes);
console.log(md);

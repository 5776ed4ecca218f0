// Benchmark: the page's memory in two long studies (issue #19). Not a test: it writes
// test-artifacts/bench-memory.json and benches/MEMORY.md.
//
//   cd www && npm run build && node e2e/bench-memory.mjs
//
// Memory is the JS heap in use plus every WebAssembly.Memory, in the page and in each worker (the
// study worker, evaluators), read through the Chrome DevTools Protocol (e2e/memory.mjs) every two
// seconds while the study runs and once when it has finished and the views have settled. Each
// study runs in a fresh browser context as a person would run it: the playground's controls, then
// Start. Memory does not depend on this machine's speed, only on what the page keeps.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { preview } from "vite";
import { ARTIFACTS, ROOT, newContext } from "./harness.mjs";
import { studyMemory } from "./memory.mjs";

const MB = 1024 * 1024;
const CASES = [
  {
    name: "10,000-trial TPE study (garden)",
    goal: 150 * MB,
    setup: async (page) => {
      await page.selectOption("#sampler", "TPESampler");
      await page.fill("#n-trials", String(Number(process.env.TPE_TRIALS ?? 10_000)));
    },
  },
  {
    name: "8,000-digit MNIST study (TPE, CPU)",
    goal: 400 * MB,
    setup: async (page) => {
      await page.selectOption("#objective", "mnist");
      await page.selectOption("#mnist-subset", "8000");
      await page.selectOption("#mnist-backend", "cpu");
      await page.selectOption("#sampler", "TPESampler");
      await page.fill("#n-trials", String(Number(process.env.MNIST_TRIALS ?? 6)));
    },
  },
];

const server = await preview({ root: ROOT, logLevel: "warn", preview: { port: 0, host: "127.0.0.1", strictPort: false } });
const results = [];
try {
  for (const c of CASES) {
    const t0 = Date.now();
    const r = await studyMemory(newContext, server.resolvedUrls.local[0], c.setup);
    results.push({ name: c.name, goal: c.goal, seconds: (Date.now() - t0) / 1000, ...r });
    console.log(`${c.name}: ${r.trials} trials, peak ${(r.peak / MB).toFixed(1)} MB, final ${(r.final / MB).toFixed(1)} MB (goal ${c.goal / MB} MB)`);
    for (const p of r.parts) console.log(`  ${p.target}: heap ${(p.heap / MB).toFixed(1)} MB, wasm ${(p.wasm / MB).toFixed(1)} MB`);
  }
} finally {
  await server.close();
}

mkdirSync(ARTIFACTS, { recursive: true });
writeFileSync(join(ARTIFACTS, "bench-memory.json"), JSON.stringify(results, null, 2));
const mb = (b) => `${(b / MB).toFixed(1)} MB`;
const rows = results.map((r) => `| ${r.name} | ${r.trials} | ${mb(r.peak)} | ${mb(r.final)} | ${r.goal / MB} MB | ${r.peak <= r.goal ? "met" : r.final <= r.goal ? "met at the end; the bound is over" : "missed"} |`);
const parts = results.flatMap((r) => [`**${r.name}**, at the end:`, "", "| where | JS heap | wasm memory |", "|---|---|---|", ...r.parts.map((p) => `| ${p.target} | ${mb(p.heap)} | ${mb(p.wasm)} |`), ""]);
writeFileSync(
  join(ROOT, "..", "benches", "MEMORY.md"),
  [
    "# The page's memory (issue #19)",
    "",
    "Written by `cd www && npm run build && node e2e/bench-memory.mjs` (" + new Date().toISOString().slice(0, 10) + ").",
    "JS heap in use (the page's after a garbage collection) plus WebAssembly memory, of the page and",
    "every worker, through the Chrome DevTools Protocol (`www/e2e/memory.mjs`); headless Chromium, fresh",
    "profile, the playground's controls then Start. *At the end*: everything, once the study has",
    "finished and the views have settled. *Peak (bound)*: the largest sum of JS heaps sampled every 2 s",
    "while the study ran, plus the wasm memory at the end (wasm memory only grows, and it cannot be",
    "read while a worker is busy: see memory.mjs), so an upper bound on the true peak.",
    "",
    "| study | trials | peak (bound) | at the end | goal | |",
    "|---|---|---|---|---|---|",
    ...rows,
    "",
    ...parts,
  ].join("\n"),
);

// A small end-to-end harness: serves dist/ with `vite preview`, drives Debian's Chromium headless
// through playwright-core, runs each test in a fresh page, and prints one line per test and a
// closing `N passed; M failed` line (which scripts/test.sh sums).
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { preview } from "vite";

export const ROOT = new URL("..", import.meta.url).pathname;

/**
 * The one limit on any wait in these tests (a selector, a function, a navigation), in ms. Every
 * wait ends on the state it waits for, so the limit only decides how long a broken test takes to
 * fail: it is set far above the slowest wait measured on this 2-core machine under load (the
 * 10,000-trial test's wait for 7,000 trials: its whole test took 32-60 s; the WebGPU MNIST study
 * on SwiftShader about 20 s), so that no pass depends on how fast the machine is. E2E_WAIT_MS
 * overrides it (e.g. lower, to find a hang faster).
 */
export const WAIT_MS = Number(process.env.E2E_WAIT_MS ?? 300_000);

/** The limit on one whole test, in ms: a test that hangs outside a wait (an evaluate that never
 *  resolves) fails after it instead of holding up CI. Twice the longest wait. */
export const TEST_MS = 2 * WAIT_MS;
export const ARTIFACTS = join(ROOT, "..", "test-artifacts");

export const CHROMIUM_ARGS = [
  "--headless=new",
  "--no-sandbox",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
  // WebGL (Plotly's parcoords) on the CPU, as headless machines have no GPU.
  "--enable-unsafe-swiftshader",
  // WebGPU for the MNIST trainer: without a GPU, Chromium offers SwiftShader as a fallback adapter.
  "--enable-unsafe-webgpu",
];

/** A browser context with its own fresh profile (no storage shared with any other). */
export async function newContext() {
  const profile = mkdtempSync(join(tmpdir(), "wasmtune-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 1400, height: 1100 },
  });
  context.setDefaultTimeout(WAIT_MS);
  context.setDefaultNavigationTimeout(WAIT_MS);
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), "wasmtune-chromium-"));
  const server = await preview({ root: ROOT, logLevel: "warn", preview: { port: 0, host: "127.0.0.1", strictPort: false } });
  const url = server.resolvedUrls.local[0];
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 1400, height: 1100 },
  });
  context.setDefaultTimeout(WAIT_MS);
  context.setDefaultNavigationTimeout(WAIT_MS);
  // Test instrumentation (not in the product): each "trials" report the page receives from a
  // worker, with the time the worker sent it, to check the batching from the outside; and every
  // journal line the page receives, so a test can wait for a trial to have started (its RUNNING
  // record) instead of sleeping.
  await context.addInitScript(() => {
    window.__trialReports = [];
    window.__journal = [];
    const Native = window.Worker;
    window.Worker = class extends Native {
      constructor(...args) {
        super(...args);
        this.addEventListener("message", (e) => {
          if (e.data?.type === "trials") window.__trialReports.push({ t: e.data.sentAt, n: e.data.trials.length });
          if ((e.data?.type === "trials" || e.data?.type === "journal") && Array.isArray(e.data.lines)) window.__journal.push(...e.data.lines);
        });
      }
    };
  });
  return {
    url,
    context,
    async close() {
      await context.close();
      await server.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The fields of one CSV line (quoted fields may hold commas; quotes are doubled). */
export function csvFields(line) {
  return [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)].slice(0, -1).map((m) => m[1].replace(/^"|"$/g, "").replaceAll('""', '"'));
}

/** Opens the page and fails the test on any console error or page error (CSP violations included). */
export async function openPage(env, hash = "") {
  const page = await env.context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()}`);
  });
  await page.goto(env.url + hash);
  await page.waitForSelector('#status[data-state="idle"]');
  page.problems = problems;
  return page;
}

/**
 * Runs `tests` in `shards` browsers at once (each with its own server, origin and profile, so no
 * storage, BroadcastChannel or worker is shared), test by test within each, and prints a closing
 * `N passed; M failed` line. The shards take tests from one queue in their listed order, each the
 * next one as soon as it is free: a long test then holds one browser while the other runs through
 * the short ones, rather than a fixed deal leaving one browser idle at the end (list the longest
 * first). Returns whether every test passed.
 */
export async function runTests(tests, { only = process.env.E2E_ONLY, shards = Number(process.env.E2E_SHARDS ?? 1) } = {}) {
  mkdirSync(ARTIFACTS, { recursive: true });
  // Screenshots of failures are from this run only.
  for (const f of readdirSync(ARTIFACTS)) if (f.startsWith("failed-")) rmSync(join(ARTIFACTS, f));
  const queue = tests.filter(([name]) => !only || name.includes(only));
  const n = Math.max(1, Math.min(shards, queue.length));
  const results = await Promise.all(Array.from({ length: n }, () => runShard(queue)));
  const passed = results.reduce((a, r) => a + r.passed, 0);
  const failed = results.reduce((a, r) => a + r.failed, 0);
  console.log(`www e2e (chromium): ${passed} passed; ${failed} failed`);
  return failed === 0;
}

/** One browser taking tests from `queue` (shared with the other shards) until it is empty. */
async function runShard(queue) {
  const env = await launch();
  let passed = 0;
  let failed = 0;
  try {
    while (queue.length) {
      const [name, fn] = queue.shift();
      const t0 = Date.now();
      const page = await openPage(env);
      let timer;
      try {
        const limit = new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`the test ran past its limit of ${TEST_MS / 1000} s`)), TEST_MS);
        });
        const run = fn(page, env);
        // Past the limit the test is failed and its page closed under it: what it throws then is
        // no news, and must not end the whole run as an unhandled rejection.
        run.catch(() => {});
        await Promise.race([run, limit]);
        if (page.problems.length) throw new Error(page.problems.join("\n"));
        passed++;
        console.log(`  ✓ ${name} (${Date.now() - t0} ms)`);
      } catch (e) {
        failed++;
        const shot = join(ARTIFACTS, `failed-${name.replace(/[^a-z0-9]+/gi, "-").slice(0, 60)}.png`);
        await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
        // Playwright's call logs run to pages; the first lines say what failed.
        const lines = String(e?.stack ?? e).split("\n").slice(0, 8);
        console.log(`  ✗ ${name} (${Date.now() - t0} ms)\n    ${lines.join("\n    ")}\n    screenshot: ${shot}`);
      } finally {
        clearTimeout(timer);
        await page.close();
      }
    }
  } finally {
    await env.close();
  }
  return { passed, failed };
}

export function assert(cond, message) {
  if (!cond) throw new Error(`assertion failed: ${message}`);
}

/** Custom-objective code that defines `gate(trial)`: awaited first thing in an async objective,
 *  it holds every trial numbered `after` or more until the test calls `openGate`. A test that
 *  pauses or stops a study mid-way waits on this state rather than on trials being slow enough
 *  (a 3 s window once closed before the click on a loaded CI runner). The channel reaches every
 *  evaluator worker of the page's origin. */
export const GATE_CODE = (after) => `const gateChannel = new BroadcastChannel("e2e-gate");
let gateOpen = false;
gateChannel.onmessage = () => { gateOpen = true; };
async function gate(trial) {
  while (trial.number >= ${after} && !gateOpen) await new Promise((r) => setTimeout(r, 10));
}
`;

/** Opens the gate of `GATE_CODE`: held trials go on, and later ones no longer wait. */
export async function openGate(page) {
  await page.evaluate(() => new BroadcastChannel("e2e-gate").postMessage("open"));
}

/** Resolves once the page has received the RUNNING record of trial `number` (its create-trial
 *  journal line, op_code 4): that trial has been handed to the objective. Trial numbers follow
 *  creation order, so it is the (number + 1)-th such line. */
/** Waits until the table holds `k` trials and the study is paused (with `race`, the race's rival
 *  holds `k` too). */
export const pausedAt = (page, k, race = false) =>
  page.waitForFunction(
    ([k, race]) =>
      document.querySelectorAll("#trials tbody tr").length === k &&
      document.getElementById("status").dataset.state === "paused" &&
      (!race || document.getElementById("race-status").dataset.done === String(k)),
    [k, race],
  );

export async function waitForTrialStarted(page, number) {
  await page.waitForFunction((n) => window.__journal.filter((l) => JSON.parse(l).op_code === 4).length > n, number);
}

/** Serves dist/ the way scripts/serve.sh does (Python's http.server), on a free port; with
 *  `subPath`, under that folder (`/wasmtune/`), as GitHub Pages and course sites serve a project. */
export async function servePython({ subPath = "" } = {}) {
  let root = join(ROOT, "dist");
  if (subPath) {
    root = mkdtempSync(join(tmpdir(), "wasmtune-site-"));
    symlinkSync(join(ROOT, "dist"), join(root, subPath));
  }
  const proc = spawn("python3", ["-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", root], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const url = await new Promise((resolve, reject) => {
    let out = "";
    proc.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/port (\d+)/);
      if (m) resolve(`http://127.0.0.1:${m[1]}/${subPath ? `${subPath}/` : ""}`);
    });
    proc.on("exit", (code) => reject(new Error(`http.server exited with ${code}: ${out}`)));
    setTimeout(() => reject(new Error(`http.server did not start: ${out}`)), WAIT_MS);
  });
  return {
    url,
    close() {
      proc.kill();
      if (subPath) rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Scrolls the parallel-coordinates plot to the middle of the viewport: the mouse only reaches
 *  what is on screen, and what sits above the plot (the lesson gallery, the editor, a long table)
 *  differs from test to test. */
async function parallelOnScreen(page) {
  await page.$eval("#parallel", (el) => el.scrollIntoView({ block: "center", inline: "nearest" }));
}

/** Drags along parcoords axis `i`'s brush area from `from` to `to` (fractions of its height). */
export async function brushAxis(page, i, from, to) {
  await parallelOnScreen(page);
  const boxes = await page.$$eval("#parallel .axis-brush", (els) =>
    els.map((e) => {
      const r = e.getBoundingClientRect();
      return { x: r.x + r.width / 2, y: r.y, h: r.height };
    }),
  );
  const b = boxes[i];
  await page.mouse.move(b.x, b.y + b.h * from);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y + b.h * ((from + to) / 2), { steps: 5 });
  await page.mouse.move(b.x, b.y + b.h * to, { steps: 5 });
  await page.mouse.up();
}

/** Drags parcoords axis `i` by its title to the plot's left edge (released over the plot: a
 *  mouseup over the disabled controls beside it would never reach Plotly). */
export async function dragAxisLeft(page, i) {
  await parallelOnScreen(page);
  const plot = await page.$eval("#parallel", (el) => el.getBoundingClientRect().x);
  const heads = await page.$$eval("#parallel .axis-heading", (els) =>
    els.map((e) => {
      const r = e.getBoundingClientRect();
      return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
    }),
  );
  const h = heads[i];
  await page.mouse.move(h.x, h.y);
  await page.mouse.down();
  for (let x = h.x; x > plot + 40; x -= 20) await page.mouse.move(x, h.y);
  await page.mouse.up();
}

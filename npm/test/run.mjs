// The npm package's tests (scripts/test-package.sh): installs the packed tarball into a temporary
// project, as a user would, and checks the three places it must work:
//   node   — Node ≥ 20, no bundler: a TPE study, ask/tell, the mnist entry, and a journal that
//            Optuna 5.0.0 loads with every trial equal;
//   plain  — a page with a plain <script type="module"> (an import map, no bundler) in headless
//            Chromium;
//   vite   — a minimal Vite project that imports the package: it builds, and its page runs.
// Prints one line per check and a closing `npm package: N passed; M failed` line.
//
//   node npm/test/run.mjs pkg/wasmtune-0.1.0.tgz
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { extname, join, resolve } from "node:path";

const HERE = new URL(".", import.meta.url).pathname;
const REPO = resolve(HERE, "../..");
const WWW = join(REPO, "www");
/** The limit on any one step (an install, a build, a page's study), in ms. Every wait ends on the
 *  state it waits for; the limit only decides how long a hung step takes to fail. */
const STEP_MS = 300_000;
const GARDEN_GOAL = 31_000;

const tarball = resolve(process.argv[2] ?? "");
if (!process.argv[2] || !existsSync(tarball)) {
  console.error(`usage: node npm/test/run.mjs PACKAGE.tgz (not found: '${process.argv[2] ?? ""}')`);
  process.exit(2);
}

// The page's own dev tools (playwright-core, vite) serve the tests; the temporary project gets
// nothing but the package.
const wwwRequire = createRequire(join(WWW, "package.json"));
const playwright = await import(wwwRequire.resolve("playwright-core"));
const chromium = playwright.chromium ?? playwright.default.chromium;
const VITE_BIN = join(WWW, "node_modules", ".bin", "vite");

let passed = 0;
let failed = 0;
async function check(name, body) {
  try {
    await body();
    passed++;
    console.log(`ok - ${name}`);
  } catch (e) {
    failed++;
    console.log(`not ok - ${name}: ${e instanceof Error ? e.message : e}`);
  }
}
function assert(cond, message) {
  if (!cond) throw new Error(message);
}
function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", timeout: STEP_MS, maxBuffer: 64 << 20 });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(" ")} → ${r.error ?? `exit ${r.status}`}\n${r.stdout}\n${r.stderr}`);
  }
  return r.stdout;
}

const project = mkdtempSync(join(tmpdir(), "wasmtune-package-"));
const profile = mkdtempSync(join(tmpdir(), "wasmtune-package-chromium-"));
// Both go however the run ends (a crash included).
process.on("exit", () => {
  rmSync(profile, { recursive: true, force: true });
  rmSync(project, { recursive: true, force: true });
});
writeFileSync(join(project, "package.json"), JSON.stringify({ name: "uses-wasmtune", private: true, type: "module" }));
run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", tarball], project);

await check("node: TPE on the garden, ask/tell, wasmtune/mnist, a journal Optuna 5.0.0 loads", async () => {
  copyFileSync(join(HERE, "node-check.mjs"), join(project, "node-check.mjs"));
  const journal = join(project, "study.journal");
  const out = JSON.parse(run(process.execPath, ["node-check.mjs", journal], project));
  assert(out.tpe.n === 50, `TPE ran ${out.tpe.n} trials, not 50`);
  assert(out.tpe.best >= GARDEN_GOAL, `TPE's best area ${out.tpe.best} < ${GARDEN_GOAL}`);
  const states = ["COMPLETE", "COMPLETE", "COMPLETE", "COMPLETE", "PRUNED", "COMPLETE"];
  assert(JSON.stringify(out.askTell.states) === JSON.stringify(states), `ask/tell states ${out.askTell.states}`);
  assert(out.askTell.firstX === 2 && out.askTell.n === 6, "the enqueued trial did not come first");
  assert(out.askTell.pruneThrown, "TrialPruned is not an exported class");
  assert(out.trainerLoaded, "wasmtune/mnist did not load its trainer");

  // Optuna's own view of the exported journal (tests/scripts/journal_dump.py, Optuna 5.0.0).
  const python = join(REPO, "benches", ".venv", "bin", "python");
  const studies = JSON.parse(run(python, [join(REPO, "tests", "scripts", "journal_dump.py"), journal], REPO));
  assert(studies.length === 1 && studies[0].name === "from-npm", `Optuna sees studies ${studies.map((s) => s.name)}`);
  const theirs = studies[0].trials;
  const stateCode = { RUNNING: 0, COMPLETE: 1, PRUNED: 2, FAIL: 3, WAITING: 4 };
  assert(theirs.length === out.journal.length, `Optuna loads ${theirs.length} trials, we ran ${out.journal.length}`);
  out.journal.forEach((ours, i) => {
    const t = theirs[i];
    const same = (what, a, b) => assert(JSON.stringify(a) === JSON.stringify(b), `trial ${i} ${what}: ours ${JSON.stringify(a)}, Optuna's ${JSON.stringify(b)}`);
    same("number", ours.number, t.number);
    same("state", stateCode[ours.state], t.state);
    same("values", ours.values, t.values);
    same("params", sorted(ours.params), sorted(t.params));
    same("user attrs", sorted(ours.userAttrs), sorted(t.user_attrs));
    same("intermediate values", sorted(ours.intermediate), sorted(t.intermediate_values));
  });
});

function sorted(o) {
  return Object.fromEntries(Object.entries(o ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)));
}

// The browser checks: the shared study script, the plain page, and the Vite project beside it.
copyFileSync(join(HERE, "browser", "main.js"), join(project, "main.js"));
copyFileSync(join(HERE, "browser", "plain.html"), join(project, "plain.html"));
copyFileSync(join(HERE, "browser", "vite.html"), join(project, "index.html"));
copyFileSync(join(HERE, "browser", "worker.js"), join(project, "worker.js"));
copyFileSync(join(HERE, "browser", "in-worker.js"), join(project, "in-worker.js"));
let viteBuilt = false;
await check("vite: a minimal project that imports the package builds, without the trainer's wasm", async () => {
  run(VITE_BIN, ["build", "--base", "./", "--outDir", "dist", "--logLevel", "warn"], project);
  const files = listFiles(join(project, "dist"));
  const wasm = files.filter((f) => f.endsWith(".wasm"));
  assert(wasm.length === 1 && !wasm[0].includes("trainer"), `the build holds wasm files ${wasm}`);
  viteBuilt = true;
});

function listFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

const server = await serve(project);
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless=new", "--no-sandbox", "--no-first-run", "--disable-background-networking", "--disable-component-update"],
  headless: true,
});
browser.setDefaultTimeout(STEP_MS);

async function studyInPage(path, worker = false) {
  const page = await browser.newPage();
  const fetched = [];
  const errors = [];
  page.on("response", (r) => fetched.push({ url: r.url(), status: r.status(), type: r.headers()["content-type"] }));
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`${origin}${path}`);
  await page.locator('#result[data-done="true"]').waitFor({ state: "attached" });
  const result = JSON.parse(await page.locator("#result").textContent());
  let inWorker = null;
  if (worker) {
    await page.locator('#worker-result[data-done="true"]').waitFor({ state: "attached" });
    inWorker = JSON.parse(await page.locator("#worker-result").textContent());
  }
  await page.close();
  assert(!result.error, `the page's study threw: ${result.error}`);
  assert(errors.length === 0, `page errors: ${errors.join("; ")}`);
  assert(result.n === 50 && result.best >= GARDEN_GOAL, `the page ran ${result.n} trials, best ${result.best}`);
  if (worker) {
    assert(!inWorker.error, `the worker's study threw: ${inWorker.error}`);
    assert(inWorker.n === 50 && inWorker.posted === 50, `the worker ran ${inWorker.n} trials and posted ${inWorker.posted}`);
    assert(inWorker.best === result.best, `the worker's best ${inWorker.best} differs from the page's ${result.best} (same seed)`);
  }
  // One engine module (a worker fetches the same file again; the browser may serve it from cache).
  const wasm = new Set(fetched.filter((f) => f.url.endsWith(".wasm")).map((f) => f.url));
  assert(wasm.size === 1 && ![...wasm][0].includes("trainer"), `wasm fetched: ${[...wasm]}`);
  assert(fetched.every((f) => f.status === 200), `failed requests: ${fetched.filter((f) => f.status !== 200).map((f) => f.url)}`);
  return result;
}

await check("plain: a <script type=module> page with no bundler runs a study in headless Chromium", async () => {
  await studyInPage("/plain.html");
});
await check("vite: the built page runs a study, and the same study in a module Web Worker", async () => {
  assert(viteBuilt, "the Vite build failed (above)");
  await studyInPage("/dist/index.html", true);
});

await browser.close();
server.close();
console.log(`npm package: ${passed} passed; ${failed} failed`);
process.exit(failed ? 1 : 0);

/** A static file server for the temporary project on a free 127.0.0.1 port (wasm as
 *  application/wasm, which streaming compilation requires). */
function serve(root) {
  const types = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".json": "application/json", ".css": "text/css" };
  const server = createServer((req, res) => {
    const path = join(root, decodeURIComponent(new URL(req.url, "http://x").pathname));
    if (!path.startsWith(root) || !existsSync(path) || statSync(path).isDirectory()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": types[extname(path)] ?? "application/octet-stream" });
    res.end(readFileSync(path));
  });
  return new Promise((done) => server.listen(0, "127.0.0.1", () => done(server)));
}

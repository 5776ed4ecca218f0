// Prints the gzip size of every wasm and JS file the build ships (dist/), and writes dist/sizes.json.
// Exits non-zero when what the page fetches before its first trial is over its budget (see
// first-trial.mjs, where the budget is).
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import { checkBudget, fetchedBeforeFirstTrial } from "./first-trial.mjs";

const dist = new URL("../dist/", import.meta.url).pathname;
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (/\.(js|wasm)$/.test(name)) files.push(p);
  }
})(dist);

const kb = (n) => (n / 1024).toFixed(1).padStart(8) + " KiB";
const rows = files.map((p) => {
  const raw = readFileSync(p);
  return { file: relative(dist, p), bytes: raw.length, gzip: gzipSync(raw, { level: 9 }).length };
});
rows.sort((a, b) => b.gzip - a.gzip);
const sum = (pred) => rows.filter(pred).reduce((a, r) => a + r.gzip, 0);
const totals = {
  wasm_gzip: sum((r) => r.file.endsWith(".wasm")),
  js_gzip: sum((r) => r.file.endsWith(".js")),
};
console.log("\nshipped files (gzip -9):");
for (const r of rows) console.log(`  ${r.file.padEnd(44)} ${kb(r.bytes)} raw ${kb(r.gzip)} gzip`);
// The page's entry script (what runs before anything else loads): the rest are loaded on demand.
const html = readFileSync(join(dist, "index.html"), "utf8");
const entry = rows.find((r) => html.includes(r.file));
totals.entry_js_gzip = entry ? entry.gzip : null;
console.log(
  `shipped gzip size: wasm ${(totals.wasm_gzip / 1024).toFixed(1)} KiB, JS ${(totals.js_gzip / 1024).toFixed(1)} KiB ` +
    `(page entry ${entry ? (entry.gzip / 1024).toFixed(1) : "?"} KiB; Plotly, the editor and the worker load after it)`,
);

// The study worker runs before the first trial; evaluators only in a study with several workers.
const before = fetchedBeforeFirstTrial(html, (p) => readFileSync(join(dist, p), "utf8"), (p) => /(^|\/)worker-[^/]*\.js$/.test(p));
const gz = (p) => gzipSync(readFileSync(join(dist, p)), { level: 9 }).length;
totals.first_trial = before.map((file) => ({ file, gzip: gz(file) })).sort((a, b) => b.gzip - a.gzip);
totals.first_trial_gzip = totals.first_trial.reduce((n, f) => n + f.gzip, 0);
console.log("\nfetched before the first trial (gzip -9):");
for (const f of totals.first_trial) console.log(`  ${f.file.padEnd(44)} ${kb(f.gzip)} gzip`);
const budget = checkBudget(totals.first_trial_gzip);
console.log(budget.message);
writeFileSync(join(dist, "sizes.json"), JSON.stringify({ files: rows, ...totals }, null, 2) + "\n");
if (!budget.ok) process.exit(1);

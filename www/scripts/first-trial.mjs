// What the page fetches before its first trial, worked out from the built files alone (sizes are
// deterministic, so the build can check them): the page (index.html), its entry script and
// stylesheet, every chunk they import statically, the study worker and its static imports, and
// the wasm any of those point at. Not Plotly, not the editor, nor any chunk loaded by `import()`,
// nor the evaluator workers (only a study with several workers starts them).

/** The most gzip bytes (gzip -9) the page may fetch before its first trial: the measured value,
 *  rounded up a little, so that growth fails the build and is decided, not drifted into; issue
 *  #19's goal is 1.0 MB. 0.700 MB from the wasm split (0.656 MB) until issue #22 added the
 *  terminator's bindings, AutoSampler and SMACSampler to the engine (0.721 MB with them, after the
 *  name section's removal saved 37 KB; benches/PAGE.md). */
export const FIRST_TRIAL_BUDGET_GZIP = 730_000;

/** The files (paths relative to dist/) a built file names: chunks it imports statically, the
 *  workers it starts (`new Worker(new URL(...))`), and the wasm it points at (`new URL(...)`).
 *  `file` is the referring file's path, which relative names resolve against. */
export function references(file, text) {
  const dir = file.includes("/") ? file.slice(0, file.lastIndexOf("/") + 1) : "";
  const resolve = (name) => {
    const parts = (name.startsWith("/") ? name.slice(1) : dir + name).split("/");
    const out = [];
    for (const p of parts) {
      if (p === "..") out.pop();
      else if (p !== "." && p !== "") out.push(p);
    }
    return out.join("/");
  };
  const q = `["'\`]`;
  const name = `([^"'\`]+)`;
  const imports = [];
  // `import x from"./a.js"`, `import"./a.js"`, `export{x}from"./a.js"`: not `import("./a.js")`.
  for (const m of text.matchAll(new RegExp(`(?:\\bimport|\\bexport)\\s*(?:[\\w$*{}\\s,]*?from\\s*)?${q}${name}\\.js${q}`, "g"))) {
    imports.push(resolve(m[1] + ".js"));
  }
  const workers = [];
  // Vite writes `new Worker(new URL(new URL(\`worker-x.js\`, import.meta.url).href, ...))`.
  for (const m of text.matchAll(new RegExp(`new\\s+Worker\\(\\s*(?:""\\s*\\+\\s*)?(?:new\\s+URL\\(\\s*)+${q}${name}${q}`, "g"))) {
    workers.push(resolve(m[1]));
  }
  const wasm = [];
  for (const m of text.matchAll(new RegExp(`${q}${name}\\.wasm${q}`, "g"))) wasm.push(resolve(m[1] + ".wasm"));
  return { imports, workers, wasm };
}

/** The page's own files, named by index.html: its module scripts, preloads and stylesheets. */
export function htmlReferences(html) {
  const files = [];
  for (const m of html.matchAll(/<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]+)"[^>]*>/g)) {
    const tag = m[0];
    if (/^(?:https?:|data:)/.test(m[1])) continue;
    if (tag.startsWith("<link") && !/rel="(?:stylesheet|modulepreload)"/.test(tag)) continue;
    files.push(m[1].replace(/^\.?\//, ""));
  }
  return files;
}

/** Every file fetched before the first trial, from index.html's text and `read(path)` (a built
 *  file's text, by its path relative to dist/). `isStudyWorker(path)` picks, among the workers the
 *  page starts, those that run before the first trial. */
export function fetchedBeforeFirstTrial(html, read, isStudyWorker) {
  const seen = new Set(["index.html"]);
  const queue = htmlReferences(html);
  while (queue.length) {
    const file = queue.shift();
    if (seen.has(file)) continue;
    seen.add(file);
    if (!file.endsWith(".js")) continue;
    const r = references(file, read(file));
    queue.push(...r.imports, ...r.wasm, ...r.workers.filter(isStudyWorker));
  }
  return [...seen];
}

/** The budget check: a line to print, and whether the build passes. */
export function checkBudget(gzipBytes, budget = FIRST_TRIAL_BUDGET_GZIP) {
  const mb = (n) => (n / 1e6).toFixed(3);
  const ok = gzipBytes <= budget;
  return {
    ok,
    message: ok
      ? `fetched before the first trial: ${mb(gzipBytes)} MB gzip (budget ${mb(budget)} MB)`
      : `fetched before the first trial: ${mb(gzipBytes)} MB gzip, over the budget of ${mb(budget)} MB ` +
        `(scripts/first-trial.mjs): something the first trial does not need is loaded before it`,
  };
}

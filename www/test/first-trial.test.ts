import { describe, expect, it } from "vitest";
import { checkBudget, fetchedBeforeFirstTrial, htmlReferences, references } from "../scripts/first-trial.mjs";

describe("what the page fetches before its first trial", () => {
  it("follows static imports, not import()", () => {
    const r = references("assets/index.js", `import{a as b}from"./chunk-1.js";import"./side.js";export{c}from"../x.js";const p=()=>import("./plotly-2.js");`);
    expect(r.imports).toEqual(["assets/chunk-1.js", "assets/side.js", "x.js"]);
  });

  it("finds workers and wasm, resolved against the referring file", () => {
    const r = references(
      "assets/index.js",
      'new Worker(new URL("worker-9.js",import.meta.url),{type:"module"});new Worker(""+new URL("evaluator-3.js",import.meta.url).href);new Worker(new URL(new URL(`race-4.js`,import.meta.url).href,``+import.meta.url));new URL(`engine_bg-1.wasm`,import.meta.url)',
    );
    expect(r.workers).toEqual(["assets/worker-9.js", "assets/evaluator-3.js", "assets/race-4.js"]);
    expect(r.wasm).toEqual(["assets/engine_bg-1.wasm"]);
  });

  it("reads the page's scripts and stylesheets from index.html", () => {
    const html = `<link rel="icon" href="data:,"><script type="module" crossorigin src="./assets/index-1.js"></script>
      <link rel="modulepreload" href="./assets/chunk-2.js"><link rel="stylesheet" href="./assets/index-3.css">`;
    expect(htmlReferences(html)).toEqual(["assets/index-1.js", "assets/chunk-2.js", "assets/index-3.css"]);
  });

  it("collects the closure: entry, imports, the study worker and its wasm; not lazy chunks or evaluators", () => {
    const files: Record<string, string> = {
      "assets/index.js": 'import"./shared.js";new Worker(new URL("worker.js",import.meta.url));import("./plotly.js")',
      "assets/shared.js": "",
      "assets/worker.js": 'import"./shared.js";new Worker(new URL("evaluator.js",import.meta.url));new URL("e_bg.wasm",import.meta.url)',
      "assets/plotly.js": "",
      "assets/evaluator.js": "",
    };
    const got = fetchedBeforeFirstTrial('<script type="module" src="./assets/index.js"></script>', (p) => files[p], (p) => p.includes("/worker"));
    expect(got.sort()).toEqual(["assets/e_bg.wasm", "assets/index.js", "assets/shared.js", "assets/worker.js", "index.html"]);
  });

  it("fails above the budget, passes at it", () => {
    expect(checkBudget(1000, 1000).ok).toBe(true);
    expect(checkBudget(1001, 1000).ok).toBe(false);
    expect(checkBudget(1001, 1000).message).toMatch(/over the budget/);
  });
});

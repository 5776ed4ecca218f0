// Issue #19's static hosting: www/dist served from a sub-path (GitHub Pages, a course site) by a
// plain static server. Everything the page loads later must resolve under that path too: the study
// and evaluator workers, the wasm, the editor, Plotly, MNIST's digits and the trainer.
import { assert, servePython } from "./harness.mjs";

export const tests = [
  [
    "static hosting: served from /wasmtune/, a study, evaluator workers, the editor, MNIST and a lesson all load from under it",
    async (_page, env) => {
      const server = await servePython({ subPath: "wasmtune" });
      const page = await env.context.newPage();
      const problems = [];
      const fetched = [];
      page.on("pageerror", (e) => problems.push(e.message));
      page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
      page.on("response", (r) => {
        fetched.push(new URL(r.url()).pathname);
        if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
      });
      const run = async (trials) => {
        await page.fill("#n-trials", String(trials));
        await page.click("#start");
        await page.waitForSelector('#status[data-state="finished"]');
        await page.waitForSelector('#results[data-views="settled"]');
        return Number(await page.getAttribute("#progress", "data-done"));
      };
      try {
        assert(server.url.endsWith("/wasmtune/"), server.url);
        await page.goto(server.url);
        await page.waitForSelector('#status[data-state="idle"]');
        assert((await run(20)) === 20, "a garden study in the study worker");
        await page.fill("#workers", "2");
        assert((await run(10)) === 10, "two evaluator workers");
        await page.fill("#workers", "1");
        await page.selectOption("#objective", "custom");
        await page.waitForSelector("#editor .cm-content");
        assert((await run(5)) === 5, "custom code, with the editor loaded");
        await page.selectOption("#objective", "mnist");
        await page.selectOption("#mnist-subset", "1000");
        assert((await run(1)) === 1, "an MNIST trial: the digits and the trainer");
        assert((await page.getAttribute("#trials tbody tr", "data-state")) === "COMPLETE", "the MNIST trial completed");
        await page.goto(`${server.url}#lesson=garden`);
        await page.waitForSelector('#lesson-text[data-lesson="garden"]');
        await page.waitForSelector('#status[data-state="idle"]');
        assert((await run(5)) === 5, "a lesson");
        const outside = fetched.filter((p) => !p.startsWith("/wasmtune/"));
        assert(outside.length === 0, `everything from under /wasmtune/: ${outside}`);
        assert(fetched.some((p) => p.endsWith(".wasm")) && fetched.some((p) => p.includes("mnist")), `wasm and digits fetched: ${fetched}`);
        assert(problems.length === 0, problems.join("\n"));
      } finally {
        await page.close();
        server.close();
      }
    },
  ],
];

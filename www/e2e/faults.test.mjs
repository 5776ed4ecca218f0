// Issue #11's faults and hostile input, in the page: trials that never return or allocate without
// bound, a full IndexedDB quota, a link carrying code, a hostile journal. Each fault must end in a
// clear message with every finished trial kept, and nothing from a file or a link may run.
import { readFileSync } from "node:fs";
import { assert } from "./harness.mjs";
import { runStudy } from "./plots.test.mjs";

async function typeCustom(page, code) {
  await page.selectOption("#objective", "custom");
  await page.waitForSelector("#editor .cm-content");
  await page.click("#editor .cm-content");
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(code);
}

const rows = (page) =>
  page.$$eval("#trials tbody tr", (trs) =>
    trs.map((r) => ({ n: Number(r.cells[0].textContent.replace(/,/g, "")), state: r.dataset.state, title: r.title, text: r.textContent })),
  );

/** Every trial 0..n-1 exactly once. */
function assertAllTrials(rs, n) {
  const numbers = rs.map((r) => r.n).sort((a, b) => a - b);
  assert(numbers.length === n && numbers.every((x, i) => x === i), `trials 0..${n - 1} once each: ${numbers}`);
}

async function downloadOf(page, button) {
  const [dl] = await Promise.all([page.waitForEvent("download"), page.click(button)]);
  return readFileSync(await dl.path(), "utf8");
}

export const tests = [
  [
    "faults: a trial that never returns hits the per-trial time limit: FAIL with a message, a fresh worker, the study finishes",
    async (page) => {
      await typeCustom(page, `function objective(trial) {\n  const x = trial.suggestFloat("x", 0, 1);\n  if (trial.number === 3) while (true) {}\n  return x;\n}`);
      // Far above a normal trial's few milliseconds even on a loaded machine.
      await page.fill("#timeout", "4");
      await runStudy(page, { nTrials: 8 });
      const rs = await rows(page);
      assertAllTrials(rs, 8);
      const failed = rs.filter((r) => r.state === "FAIL");
      assert(failed.length === 1 && failed[0].n === 3 && /time limit of 4 s/.test(failed[0].title), `trial 3 timed out: ${JSON.stringify(failed)}`);
      assert(rs.filter((r) => r.state === "COMPLETE").length === 7, "the others complete on the new worker");
      assert(decodeURIComponent(await page.evaluate(() => location.hash)).includes('"timeout":4'), "the limit is in the link");
    },
  ],
  [
    "faults: allocations past the engine's limits (array length, buffer size, string length) fail their trials; the study goes on",
    async (page) => {
      await typeCustom(
        page,
        `function objective(trial) {
  const x = trial.suggestFloat("x", 0, 1);
  if (trial.number === 1) return new Array(2 ** 32).length;
  if (trial.number === 3) return new Float64Array(2 ** 50).length;
  if (trial.number === 5) { let s = "x"; for (;;) s += s; }
  return x;
}`,
      );
      await runStudy(page, { nTrials: 8 });
      const rs = await rows(page);
      assertAllTrials(rs, 8);
      const failed = rs.filter((r) => r.state === "FAIL");
      assert(JSON.stringify(failed.map((r) => r.n)) === "[1,3,5]", `trials 1, 3, 5 fail: ${JSON.stringify(failed)}`);
      assert(failed.every((r) => /RangeError/.test(r.title)), `each says why: ${JSON.stringify(failed.map((r) => r.title))}`);
    },
  ],
  [
    "faults: an objective that fills the JS heap: its trial ends FAIL and no finished trial is lost (in this tab, or in a new one if the tab died)",
    async (page, env) => {
      await typeCustom(
        page,
        `function objective(trial) {
  const x = trial.suggestFloat("x", 0, 1);
  const t0 = performance.now();
  while (performance.now() - t0 < 100) {}
  if (trial.number === 4) { const keep = []; for (;;) keep.push(new Array(1 << 16).fill(keep.length)); }
  return x;
}`,
      );
      await runStudy(page, { nTrials: 8, wait: false });
      await page.waitForFunction(() => document.getElementById("study-name").textContent !== "–");
      const name = await page.textContent("#study-name");
      const crashed = new Promise((resolve) => page.once("crash", () => resolve("crashed")));
      const finished = page.waitForSelector('#status[data-state="finished"]').then(() => "finished", () => "crashed");
      const outcome = await Promise.race([crashed, finished]);
      console.log(`    (heap exhaustion: the ${outcome === "crashed" ? "tab crashed" : "worker was replaced"})`);
      let view = page;
      if (outcome === "crashed") {
        // V8's out-of-memory is fatal to the renderer: the saved study is what remains.
        view = await env.context.newPage();
        await view.goto(env.url);
        await view.waitForSelector('#status[data-state="idle"]');
        const li = `#saved-list li[data-id="${name.replace(/"/g, '\\"')}"]`;
        await view.waitForSelector(li);
        await view.click(`${li} button.open`);
        await view.waitForSelector('#status[data-state="opened"]');
      }
      try {
        await view.waitForSelector('#results[data-views="settled"]');
        const rs = await rows(view);
        const done = outcome === "crashed" ? 5 : 8;
        assertAllTrials(rs, done);
        const failed = rs.filter((r) => r.state === "FAIL");
        assert(failed.length === 1 && failed[0].n === 4, `trial 4 is FAIL: ${JSON.stringify(failed)}`);
        assert(rs.filter((r) => r.state === "COMPLETE").length === done - 1, "every other trial complete");
      } finally {
        if (view !== page) await view.close();
      }
    },
  ],
  [
    "faults: a full IndexedDB quota mid-study: a clear message, the study runs on in memory, export has every trial",
    async (page) => {
      // 150 ms a trial after the first 5: the quota fills seconds before the study could end.
      await typeCustom(page, `function objective(trial) {\n  const x = trial.suggestFloat("x", 0, 1);\n  const t0 = performance.now();\n  while (performance.now() - t0 < (trial.number < 5 ? 60 : 150)) {}\n  return x;\n}`);
      await runStudy(page, { nTrials: 40, wait: false });
      await page.waitForFunction(() => Number(document.getElementById("progress").dataset.done ?? 0) >= 5);
      // The quota is full from now on: every IndexedDB write throws what Chromium throws then.
      await page.evaluate(() => {
        const full = () => {
          throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
        };
        IDBObjectStore.prototype.put = full;
        IDBObjectStore.prototype.add = full;
      });
      await page.waitForSelector("#storage-note:not([hidden])");
      const message = await page.textContent("#storage-note");
      assert(/cannot be saved/.test(message) && /quota/i.test(message) && /export still works/.test(message), `clear message: ${message}`);
      await page.waitForSelector('#status[data-state="finished"]');
      const rs = await rows(page);
      assertAllTrials(rs, 40);
      assert(rs.every((r) => r.state === "COMPLETE"), "every trial complete");
      const journal = await downloadOf(page, "#export-journal");
      const finished = journal.split("\n").filter((l) => l.includes('"op_code":6') && l.includes('"state":1')).length;
      assert(finished === 40, `the exported journal has all 40 finished trials: ${finished}`);
    },
  ],
  [
    "security: a link carrying code shows it as text and runs nothing until allowed; its HTML shows literally",
    async (page, env) => {
      // Every command the page sends to a worker, recorded before the page's own code runs.
      await page.addInitScript(() => {
        window.__commands = [];
        const send = Worker.prototype.postMessage;
        Worker.prototype.postMessage = function (m, ...rest) {
          window.__commands.push(m?.type);
          return send.call(this, m, ...rest);
        };
      });
      const name = '<img src=x onerror="window.__xss=1">';
      const code = `// </pre><img src=x onerror="window.__xss=2">
self.postMessage({ type: "error", message: "<img src=x onerror=window.__xss=3>" });
function objective(trial) {
  const x = trial.suggestFloat(${JSON.stringify(name)}, 0, 1);
  const c = trial.suggestCategorical("<b>kind</b>", ["<script>window.__xss=4</script>", "<i>b</i>"]);
  trial.setUserAttr("<u>note</u>", "<img src=x onerror=window.__xss=5>");
  return x;
}`;
      const spec = {
        config: { objective: "custom", name, directions: ["minimize"], sampler: { name: "RandomSampler", kwargs: null }, pruner: { name: "NopPruner", kwargs: null }, n_trials: 12, seed: 1 },
        code,
        race: "<img src=x onerror=window.__xss=6>",
      };
      await page.goto(`${env.url}#${encodeURIComponent(JSON.stringify(spec))}`);
      await page.reload(); // a new hash alone does not reload the page
      await page.waitForSelector('#status[data-state="idle"]');
      await page.waitForSelector("#code-consent:not([hidden])");
      assert((await page.textContent("#code-consent .code")) === code, "the code, literally");
      await page.click("#start");
      await page.waitForTimeout(500);
      let state = await page.evaluate(() => ({ commands: window.__commands, xss: window.__xss, status: document.getElementById("status").dataset.state, imgs: document.querySelectorAll("main img").length }));
      assert(!state.commands.includes("start") && state.status === "idle", `nothing started before consent: ${JSON.stringify(state)}`);
      assert(state.xss === undefined && state.imgs === 0, `no markup from the link: ${JSON.stringify(state)}`);
      await page.click("#code-consent button.allow");
      await page.waitForSelector('#status[data-state="finished"]');
      await page.waitForSelector('#results[data-views="settled"]');
      state = await page.evaluate(() => ({
        xss: window.__xss,
        imgs: document.querySelectorAll("main img, #results img").length,
        markup: document.querySelectorAll("#results b, #results i, #results u, #results script").length,
        headers: [...document.querySelectorAll("#trials thead th")].map((e) => e.textContent),
        cells: [...document.querySelectorAll("#trials tbody td")].map((e) => e.textContent),
      }));
      assert(state.xss === undefined && state.imgs === 0 && state.markup === 0, `no markup after the run: ${JSON.stringify(state).slice(0, 400)}`);
      assert(state.headers.some((h) => h.includes(name)) && state.headers.some((h) => h.includes("<b>kind</b>")), `names shown as text: ${state.headers}`);
      assert(state.cells.some((c) => c.includes("<script>window.__xss=4</script>")), "a choice shown as text");
      // A reload of the allowed link does not ask again in this tab.
      await page.reload();
      await page.waitForSelector('#status[data-state="idle"]');
      assert(await page.isHidden("#code-consent"), "allowed once per tab");
    },
  ],
  [
    "security: a hostile journal (HTML in study, parameter, choice, attribute names and values) imports as text, nothing runs",
    async (page) => {
      const h = (tag, n) => `<img src=x onerror="window.__xss=${n}">${tag}`;
      const w = { worker_id: "w" };
      const x = JSON.stringify({ name: "FloatDistribution", attributes: { low: 0, high: 1, log: false, step: null } });
      const c = JSON.stringify({ name: "CategoricalDistribution", attributes: { choices: [h("<b>a</b>", 1), "<a href='javascript:window.__xss=2'>b</a>"] } });
      const records = [
        { op_code: 0, ...w, study_name: h("study", 3), directions: [1] },
        { op_code: 2, ...w, study_id: 0, user_attr: { [h("k", 4)]: h("v", 5) } },
        { op_code: 3, ...w, study_id: 0, system_attr: { "study:metric_names": [h("loss", 6)] } },
      ];
      for (let i = 0; i < 6; i++) {
        records.push({ op_code: 4, ...w, study_id: 0, datetime_start: `2026-01-01T00:00:0${i}.000000` });
        records.push({ op_code: 5, ...w, trial_id: i, param_name: h("x", 7), param_value_internal: i / 6, distribution: x });
        records.push({ op_code: 5, ...w, trial_id: i, param_name: "<script>window.__xss=8</script>", param_value_internal: i % 2, distribution: c });
        records.push({ op_code: 8, ...w, trial_id: i, user_attr: { [h("attr", 9)]: h("value", 10) } });
        records.push({ op_code: 9, ...w, trial_id: i, system_attr: { fail_reason: h("reason", 11) } });
        if (i === 5) records.push({ op_code: 6, ...w, trial_id: i, state: 3, values: null, datetime_complete: "2026-01-01T00:00:09.000000" });
        else records.push({ op_code: 6, ...w, trial_id: i, state: 1, values: [i], datetime_complete: `2026-01-01T00:00:0${i}.500000` });
      }
      const text = records.map((r) => JSON.stringify(r)).join("\n") + "\n{\"op_code\": 99}\n";
      await page.setInputFiles("#import-file", { name: "hostile.log", mimeType: "text/plain", buffer: Buffer.from(text) });
      await page.waitForSelector("#import-studies li button");
      await page.click("#import-studies li button");
      await page.waitForSelector('#status[data-state="opened"]');
      await page.waitForSelector('#results[data-views="settled"]');
      // Hover over the history's points: Plotly's hover labels must hold no markup either.
      const box = await page.locator("#history .scatterlayer .trace:first-child .point").first().boundingBox();
      if (box) await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.waitForTimeout(300);
      const found = await page.evaluate(() => ({
        xss: window.__xss,
        imgs: document.querySelectorAll("img").length,
        markup: document.querySelectorAll("main b, main a[href^='javascript'], main script, #results i").length,
        name: document.getElementById("study-name").textContent,
        headers: [...document.querySelectorAll("#trials thead th")].map((e) => e.textContent),
        cells: [...document.querySelectorAll("#trials tbody td")].map((e) => e.textContent),
        rows: [...document.querySelectorAll("#trials tbody tr")].map((r) => r.dataset.state),
        note: document.getElementById("import-note").textContent,
      }));
      assert(found.xss === undefined && found.imgs === 0 && found.markup === 0, `no markup from the file: ${JSON.stringify(found).slice(0, 500)}`);
      assert(found.name === h("study", 3), `the study name literally: ${found.name}`);
      assert(found.headers.some((t) => t.includes(h("x", 7))) && found.headers.some((t) => t.includes("<script>window.__xss=8</script>")), `names literally: ${found.headers}`);
      assert(found.cells.some((t) => t.includes(h("<b>a</b>", 1))), "a choice literally");
      assert(found.rows.length === 6 && found.rows.filter((r) => r === "COMPLETE").length === 5, `6 trials: ${found.rows}`);
      assert(/1 line of the journal could not be read/.test(found.note), `the unknown op code is counted: ${found.note}`);
    },
  ],
  [
    "bad input: a link with bad sampler options shows the engine's message, starts nothing and keeps the saved studies",
    async (page, env) => {
      await runStudy(page, { nTrials: 5 });
      await page.waitForSelector('#saved-list li[data-trials="5"]');
      const spec = { config: { objective: "garden", directions: ["maximize"], sampler: { name: "TPESampler", kwargs: { n_startup_trials: 5, no_such_option: 1 } }, pruner: { name: "NopPruner", kwargs: null }, n_trials: 10, seed: 1 }, timeout: "soon" };
      await page.goto(`${env.url}#${encodeURIComponent(JSON.stringify(spec))}`);
      await page.reload();
      await page.waitForSelector('#status[data-state="idle"]');
      assert((await page.inputValue("#timeout")) === "60", "a bad time limit in a link falls back to the default");
      await page.click("#start");
      await page.waitForSelector("#error:not([hidden])");
      const error = await page.textContent("#error");
      assert(/TPESampler/.test(error) && /no_such_option/.test(error), `the engine's message: ${error}`);
      await page.waitForSelector('#status[data-state="idle"]');
      await page.waitForSelector('#saved-list li[data-trials="5"]');
    },
  ],
];

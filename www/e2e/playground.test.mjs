// The "done means" list, as a person uses the page.
import { join } from "node:path";
import { ARTIFACTS, GATE_CODE, WAIT_MS, assert, brushAxis, dragAxisLeft, openGate, servePython, waitForTrialStarted } from "./harness.mjs";

/** Sets the trial count and sampler, presses Start, waits for the study to end. */
async function runStudy(page, { nTrials, sampler = "RandomSampler", seed = "1", wait = true } = {}) {
  await page.selectOption("#sampler", sampler);
  await page.fill("#n-trials", String(nTrials));
  await page.fill("#seed", seed);
  await page.click("#start");
  if (!wait) return;
  await page.waitForSelector('#status[data-state="finished"]');
  // The plots draw once Plotly is in (it loads after the first trial): wait for the views.
  await page.waitForSelector('#results[data-views="settled"]');
}

/** What the views show: points in the history plot, lines in the parallel-coordinates plot,
 *  rows in the table (by state), best value as displayed. */
async function views(page) {
  await page.waitForSelector('#results[data-views="settled"]');
  return page.evaluate(() => {
    const hist = document.getElementById("history");
    const par = document.getElementById("parallel");
    const rows = [...document.querySelectorAll("#trials tbody tr")];
    const points = hist.querySelectorAll(".scatterlayer .trace:first-child .point").length;
    return {
      historyPoints: points,
      historyData: hist.data?.[0]?.x?.length ?? 0,
      parallelLines: par.data?.[0]?.dimensions?.[0]?.values?.length ?? 0,
      parallelAxes: par.data?.[0]?.dimensions?.length ?? 0,
      rows: rows.length,
      states: rows.map((r) => r.dataset.state),
      best: Number(document.getElementById("best-value").textContent.replace(/,/g, "")),
      status: document.getElementById("status").dataset.state,
      done: Number(document.getElementById("progress").dataset.done ?? 0),
      error: document.getElementById("error").hidden ? "" : document.getElementById("error").textContent,
    };
  });
}

export const tests = [
  [
    "a 60-trial garden study with RandomSampler: best ≥ 30,000, 60 points, 60 lines, 60 rows",
    async (page) => {
      assert((await page.inputValue("#objective")) === "garden", "garden is the default objective");
      await runStudy(page, { nTrials: 60 });
      const v = await views(page);
      assert(v.best >= 30000, `best ${v.best} >= 30000`);
      assert(v.historyPoints === 60, `history points ${v.historyPoints}`);
      assert(v.historyData === 60, `history data ${v.historyData}`);
      assert(v.parallelLines === 60, `parallel lines ${v.parallelLines}`);
      assert(v.parallelAxes === 2, `parallel axes ${v.parallelAxes} (objective and x)`);
      assert(v.rows === 60, `table rows ${v.rows}`);
      assert(v.states.every((s) => s === "COMPLETE"), "every trial complete");
      const optimum = await page.textContent("#optimum");
      assert(optimum.includes("31,250") && optimum.includes("x = 125"), `analytic optimum shown: ${optimum}`);
      // The Content-Security-Policy is in force: an injected inline script does not run.
      const probe = await page.evaluate(
        (limit) =>
          new Promise((resolve) => {
            document.addEventListener("securitypolicyviolation", (e) => resolve({ ran: window.__inline === 1, directive: e.effectiveDirective }), { once: true });
            const s = document.createElement("script");
            s.textContent = "window.__inline = 1";
            document.head.append(s);
            // Only a bound on the wait: the violation event is what ends it.
            setTimeout(() => resolve({ ran: window.__inline === 1, directive: null }), limit);
          }),
        WAIT_MS,
      );
      assert(!probe.ran && probe.directive === "script-src-elem", `inline script blocked: ${JSON.stringify(probe)}`);
      // The violation's console report was this probe's doing.
      page.problems.splice(0, page.problems.length, ...page.problems.filter((p) => !p.includes("Content Security Policy")));
    },
  ],
];

/** Picks the custom objective and replaces the editor's text with `code`, typed as a person would
 *  paste it. */
async function typeCustom(page, code, direction = "minimize") {
  await page.selectOption("#objective", "custom");
  await page.waitForSelector("#editor .cm-content");
  await page.selectOption("#direction", direction);
  await page.click("#editor .cm-content");
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(code);
}

/** ~`ms` of work per trial, so that a 1,000-trial study runs for several seconds; from trial
 *  `after` on, `laterMs` a trial. With `gated`, trials from `after` on also wait for `openGate`,
 *  so that a test acts on a study that is certainly still running. */
const SLOW_CODE = (ms, { after = Infinity, laterMs = ms, gated = false } = {}) => `${gated ? GATE_CODE(after) : ""}
${gated ? "async " : ""}function objective(trial) {
  ${gated ? "await gate(trial);" : ""}
  const x = trial.suggestFloat("x", 0, 250);
  const t0 = performance.now();
  while (performance.now() - t0 < (trial.number < ${after} ? ${ms} : ${laterMs})) {}
  return x * (500 - 2 * x);
}`;

const done = (page) => page.evaluate(() => Number(document.getElementById("progress").dataset.done ?? 0));

async function waitForDone(page, atLeast) {
  await page.waitForFunction((n) => Number(document.getElementById("progress").dataset.done ?? 0) >= n, atLeast);
}

tests.push(
  [
    "a custom objective typed into the editor runs",
    async (page) => {
      await typeCustom(
        page,
        `function objective(trial) {
  const x = trial.suggestFloat("x", -5, 5);
  const n = trial.suggestInt("n", 1, 4);
  const kind = trial.suggestCategorical("kind", ["square", "abs"]);
  trial.setUserAttr("kind", kind);
  return (kind === "square" ? x * x : Math.abs(x)) + n;
}`,
      );
      await runStudy(page, { nTrials: 25 });
      const v = await views(page);
      assert(v.rows === 25 && v.states.every((s) => s === "COMPLETE"), `25 complete rows, got ${v.rows}`);
      assert(v.parallelAxes === 4, `objective + 3 parameter axes, got ${v.parallelAxes}`);
      assert(v.best >= 1 && v.best < 3, `best ${v.best} is small`);
      const par = await page.evaluate(() => document.getElementById("parallel").data[0].dimensions);
      const kind = par.find((d) => d.label === "kind");
      assert(kind && kind.ticktext.join() === "square,abs", "the categorical axis is labelled by its choices");
      const header = await page.$$eval("#trials th", (ths) => ths.map((t) => t.textContent));
      assert(["x", "n", "kind"].every((p) => header.some((h) => h.startsWith(p))), `param columns: ${header}`);
    },
  ],
  [
    "a custom objective that throws on some trials marks them FAIL and the study finishes",
    async (page) => {
      await typeCustom(
        page,
        `function objective(trial) {
  const x = trial.suggestFloat("x", -10, 10);
  if (trial.number % 3 === 0) throw new Error("unlucky trial " + trial.number);
  return x * x;
}`,
      );
      await runStudy(page, { nTrials: 30 });
      const v = await views(page);
      assert(v.status === "finished", `finished, got ${v.status}`);
      assert(v.rows === 30, `30 rows, got ${v.rows}`);
      assert(v.states.filter((s) => s === "FAIL").length === 10, `10 FAIL: ${v.states}`);
      assert(v.states.filter((s) => s === "COMPLETE").length === 20, "20 COMPLETE");
      assert(v.historyPoints === 20 && v.parallelLines === 20, "only complete trials are plotted");
      const reason = await page.getAttribute('#trials tbody tr[data-state="FAIL"]', "title");
      assert(reason.includes("unlucky trial"), `the failure's message is kept: ${reason}`);
    },
  ],
  [
    "a custom objective with a syntax error shows the error and starts nothing",
    async (page) => {
      await typeCustom(page, `function objective(trial) {\n  return trial.suggestFloat("x", 0, 1) +;\n}`);
      await page.fill("#n-trials", "20");
      await page.click("#start");
      await page.waitForSelector("#error:not([hidden])");
      const error = await page.textContent("#error");
      assert(error.includes("SyntaxError"), `error says SyntaxError: ${error}`);
      await page.waitForTimeout(300);
      const v = await views(page);
      assert(v.status === "idle" && v.rows === 0 && v.done === 0, `nothing ran: ${JSON.stringify(v)}`);
      assert(!(await page.isDisabled("#start")), "Start is available again");
    },
  ],
  [
    "an invalid search space shows the engine's message and starts nothing",
    async (page) => {
      await page.fill('[aria-label="x low"]', "300");
      await page.click("#start");
      await page.waitForSelector("#error:not([hidden])");
      const error = await page.textContent("#error");
      assert(error.includes("low <= high"), `engine message: ${error}`);
      assert((await views(page)).rows === 0, "no trials");
    },
  ],
  [
    "while a 1,000-trial study runs, Pause takes effect; Resume continues the same study",
    async (page) => {
      // Trials from 60 on wait at a gate opened only once Pause is pressed: trial 60 is the one
      // running when the Pause lands, and it ends before the study pauses.
      await typeCustom(page, SLOW_CODE(3, { after: 60, gated: true }), "maximize");
      await runStudy(page, { nTrials: 1000, wait: false });
      await waitForTrialStarted(page, 60);
      await page.click("#pause");
      await openGate(page);
      await page.waitForSelector('#status[data-state="paused"]');
      const atPause = await done(page);
      await page.waitForTimeout(800);
      const later = await done(page);
      assert(atPause === later, `no trial ran while paused (${atPause} then ${later})`);
      assert(atPause === 61, `paused mid-study once the running trial ended: ${atPause}`);
      assert((await page.textContent("#pause")) === "Resume", "the button offers Resume");
      await page.screenshot({ path: join(ARTIFACTS, "playground-paused.png") });
      await page.click("#pause");
      await page.waitForSelector('#status[data-state="finished"]');
      const numbers = await page.$$eval("#trials tbody tr td:first-child", (tds) => tds.map((t) => Number(t.textContent)));
      assert(numbers.length === 1000, `1000 rows, got ${numbers.length}`);
      assert(numbers.every((n, i) => n === i), "trials 0..999, one study, none repeated");
      const v = await views(page);
      assert(v.historyPoints === 1000 && v.parallelLines === 1000, "plots hold all 1000 trials");
      // The worker batched its reports: at most ~30 in any second, 1000 trials in all.
      const reports = await page.evaluate(() => window.__trialReports);
      assert(reports.reduce((a, r) => a + r.n, 0) === 1000, "every trial reported once");
      const busiest = Math.max(...reports.map((r) => reports.filter((q) => q.t >= r.t && q.t < r.t + 1000).length));
      assert(reports.length < 1000 / 2 && busiest <= 32, `${reports.length} reports, at most ${busiest} in one second`);
    },
  ],
  [
    "Stop ends a custom objective stuck in an endless loop, and the page recovers",
    async (page) => {
      await typeCustom(page, `function objective(trial) {\n  trial.suggestFloat("x", 0, 1);\n  if (trial.number === 5) while (true) {}\n  return trial.number;\n}`);
      await runStudy(page, { nTrials: 50, wait: false });
      // Custom code runs in an evaluator worker (it has a time limit), one trial at a time: once
      // trial 5 has started, trials 0-4 have ended, and their batched report follows.
      await waitForTrialStarted(page, 5);
      await waitForDone(page, 5);
      await page.click("#stop");
      await page.waitForSelector('#status[data-state="stopped"]');
      const v = await views(page);
      // The study worker is replaced (the trial never returns), and what the page had is kept.
      assert(v.rows === 5 && v.states.every((s) => s === "COMPLETE"), `the 5 finished trials kept: ${v.rows} rows, ${v.states}`);
      // A fresh worker took over: a new study runs.
      await typeCustom(page, `function objective(trial) { return trial.suggestFloat("x", 0, 1); }`);
      await page.waitForSelector("#start:not([disabled])");
      await runStudy(page, { nTrials: 10 });
      assert((await views(page)).rows === 10, "a new study ran");
    },
  ],
  [
    "Stop ends the study with the finished trials kept",
    async (page) => {
      // Fewer than 1,000 trials: past that the table is virtualized and the history drawn in WebGL,
      // and the row and point counts below would not apply. 50 ms a trial from trial 40 on: the
      // study is still running minutes after the screenshot.
      await typeCustom(page, SLOW_CODE(6, { after: 40, laterMs: 50 }), "maximize");
      await runStudy(page, { nTrials: 900, wait: false });
      await waitForDone(page, 40);
      // Both plots drawn with data, for the screenshot.
      await page.waitForFunction(() => (document.getElementById("parallel").data?.[0]?.dimensions?.[0]?.values?.length ?? 0) > 0);
      const t0 = Date.now();
      await page.screenshot({ path: join(ARTIFACTS, "playground-mid-study.png") });
      console.log(`    (mid-study screenshot at ${await done(page)} trials took ${Date.now() - t0} ms)`);
      await page.click("#stop");
      await page.waitForSelector('#status[data-state="stopped"]');
      await page.waitForTimeout(500);
      const v = await views(page);
      assert(v.done >= 40 && v.done < 900, `stopped mid-study at ${v.done}`);
      assert(v.rows === v.done && v.historyPoints === v.done, `rows ${v.rows} and points ${v.historyPoints} = ${v.done}`);
      assert(v.states.every((s) => s === "COMPLETE"), "kept trials are finished ones");
      assert(!(await page.isDisabled("#start")), "a new study can start");
    },
  ],
);

const parcoordsState = (page) =>
  page.evaluate(() =>
    document.getElementById("parallel").data[0].dimensions.map((d) => ({ label: d.label, range: d.constraintrange ?? null, n: d.values.length })),
  );

/** Axis titles as drawn, left to right. */
const axisTitles = (page) =>
  page.$$eval("#parallel .axis-heading", (els) =>
    els
      .map((e) => ({ x: e.getBoundingClientRect().x, text: e.textContent }))
      .sort((a, b) => a.x - b.x)
      .map((e) => e.text),
  );

tests.push(
  [
    "benchmark functions show their known optima; Branin with QMCSampler runs",
    async (page) => {
      const expected = {
        branin: "0.397887",
        rosenbrock2: "(1, …, 1)",
        rosenbrock5: "(1, …, 1)",
        hartmann6: "−3.32237",
        ackley: "f = 0 at (0, 0)",
      };
      for (const [id, text] of Object.entries(expected)) {
        await page.selectOption("#objective", id);
        const optimum = await page.textContent("#optimum");
        assert(optimum.includes(text), `${id}: ${optimum}`);
      }
      await page.selectOption("#objective", "rosenbrock5");
      assert((await page.$$("#space-editor .space-row[data-param]")).length === 5, "Rosenbrock 5-D has 5 editable parameters");
      await page.selectOption("#objective", "hartmann6");
      assert((await page.$$("#space-editor .space-row[data-param]")).length === 6, "Hartmann-6 has 6");
      await page.selectOption("#objective", "branin");
      await page.selectOption("#sampler", "QMCSampler");
      const options = JSON.parse(await page.inputValue("#sampler-options"));
      assert(options.qmc_type === "sobol", `QMC's main options with Optuna's names: ${JSON.stringify(options)}`);
      await page.fill("#sampler-options", JSON.stringify({ qmc_type: "halton", scramble: true }));
      await page.fill("#n-trials", "40");
      await page.click("#start");
      await page.waitForSelector('#status[data-state="finished"]');
      const v = await views(page);
      assert(v.rows === 40 && v.parallelAxes === 3, `40 rows, 3 axes: ${v.rows}, ${v.parallelAxes}`);
      assert(v.best >= 0.397887 && v.best < 20, `Branin best ${v.best} is above its minimum and not far`);
    },
  ],
  [
    "an edited search space is used: x in [100, 150] with log scale",
    async (page) => {
      await page.fill('[aria-label="x low"]', "100");
      await page.fill('[aria-label="x high"]', "150");
      await page.check('[aria-label="x log scale"]');
      await runStudy(page, { nTrials: 30 });
      const xs = await page.$$eval("#trials tbody tr td:nth-child(4)", (tds) => tds.map((t) => Number(t.textContent.replace(/,/g, ""))));
      assert(xs.length === 30 && xs.every((x) => x >= 100 && x <= 150), `x within the edited bounds: ${xs}`);
      const dims = await parcoordsState(page);
      assert(dims[1].label === "x (log)", `log axis: ${dims[1].label}`);
      const ticks = await page.evaluate(() => document.getElementById("parallel").data[0].dimensions[1].ticktext);
      assert(ticks.join() === "100,150", `log axis labelled in x's units: ${ticks}`);
    },
  ],
  [
    "the history plot's log-scale toggle, and the table sorts by a clicked column",
    async (page) => {
      await runStudy(page, { nTrials: 30 });
      await views(page);
      await page.check("#log-scale");
      // Redraws are throttled and asynchronous: wait for the toggle to reach the plot.
      await page.waitForFunction(() => document.getElementById("history").layout?.yaxis?.type === "log");
      const type = await page.evaluate(() => document.getElementById("history").layout.yaxis.type);
      assert(type === "log", `y axis ${type}`);
      await page.click('#trials th[data-key="value"]');
      let values = await page.$$eval("#trials tbody tr td:nth-child(3)", (tds) => tds.map((t) => Number(t.textContent.replace(/,/g, ""))));
      assert(values.every((v, i) => i === 0 || values[i - 1] <= v), "ascending by value");
      await page.click('#trials th[data-key="value"]');
      values = await page.$$eval("#trials tbody tr td:nth-child(3)", (tds) => tds.map((t) => Number(t.textContent.replace(/,/g, ""))));
      assert(values.every((v, i) => i === 0 || values[i - 1] >= v), "then descending");
      assert(Math.abs(values[0] - (await views(page)).best) < 0.1, "the top row is the best trial");
      assert((await page.getAttribute('#trials th[data-key="value"]', "aria-sort")) === "descending", "aria-sort");
    },
  ],
  [
    "parallel coordinates: brushing filters and dragging reorders, kept while the study runs",
    async (page) => {
      // 20 ms a trial after the first 30: the Pause lands seconds before the study could end. (A
      // gate here, as the other pause tests have, left the parallel plot undrawn at the pause when
      // the suite ran in order: to look into.)
      await typeCustom(page, SLOW_CODE(3, { after: 30, laterMs: 20 }), "maximize");
      await runStudy(page, { nTrials: 300, wait: false });
      await waitForDone(page, 30);
      await page.click("#pause");
      await page.waitForSelector('#status[data-state="paused"]');
      await page.waitForSelector('#results[data-views="settled"]');
      await dragAxisLeft(page, 1);
      // Plotly settles the dragged axis into its slot after the mouseup: wait for the order.
      await page.waitForFunction(() => {
        const heads = [...document.querySelectorAll("#parallel .axis-heading")];
        return heads.sort((a, b) => a.getBoundingClientRect().x - b.getBoundingClientRect().x)[0]?.textContent === "x";
      });
      const drawn = await axisTitles(page);
      assert(drawn[0] === "x", `x drawn first: ${drawn}`);
      await brushAxis(page, 0, 0.2, 0.6);
      await page.waitForFunction(() => document.getElementById("parallel").data[0].dimensions.some((d) => d.label === "x" && d.constraintrange));
      const brushed = (await parcoordsState(page)).find((d) => d.label === "x");
      assert(Array.isArray(brushed.range), `x brushed: ${JSON.stringify(brushed)}`);
      await page.click("#pause"); // resume: more trials arrive and the plot redraws
      await page.waitForSelector('#status[data-state="finished"]');
      await views(page);
      const after = await parcoordsState(page);
      assert(after[0].n === 300, `all 300 lines: ${after[0].n}`);
      // Redrawn with 300 trials, x still first and still brushed.
      assert(after[0].label === "x" && JSON.stringify(after[0].range) === JSON.stringify(brushed.range), `kept: ${JSON.stringify(after)}`);
      assert((await axisTitles(page))[0] === "x", "still drawn first");
    },
  ],
  [
    "the configuration lives in the URL: a reload restores it; Reset clears the study and the settings",
    async (page, env) => {
      await page.selectOption("#objective", "ackley");
      await page.selectOption("#sampler", "QMCSampler");
      await runStudy(page, { nTrials: 12, sampler: "QMCSampler", seed: "5" });
      const hash = await page.evaluate(() => location.hash);
      assert(hash.length > 10, "the hash holds the study");
      const spec = JSON.parse(decodeURIComponent(hash.slice(1)));
      assert(spec.config.objective === "ackley" && spec.config.n_trials === 12 && spec.config.seed === 5, JSON.stringify(spec));
      assert(spec.config.sampler.name === "QMCSampler", "sampler in the hash, with Optuna's keywords");
      const other = await env.context.newPage();
      await other.goto(env.url + hash);
      await other.waitForSelector('#status[data-state="idle"]');
      assert((await other.inputValue("#objective")) === "ackley", "objective restored");
      assert((await other.inputValue("#sampler")) === "QMCSampler", "sampler restored");
      assert((await other.inputValue("#n-trials")) === "12" && (await other.inputValue("#seed")) === "5", "trials and seed restored");
      await other.close();
      await page.click("#reset");
      const v = await views(page);
      assert(v.rows === 0 && v.historyData === 0 && v.parallelLines === 0, "views cleared");
      assert((await page.inputValue("#sampler")) === "AutoSampler", "sampler back to the default");
      assert((await page.textContent("#best-value")) === "–", "no best");
    },
  ],
);

tests.push([
  "served as scripts/serve.sh serves it, pressing Start with no other input runs the garden study",
  async (_page, env) => {
    const server = await servePython();
    const page = await env.context.newPage();
    const problems = [];
    page.on("pageerror", (e) => problems.push(e.message));
    page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
    try {
      await page.goto(server.url);
      await page.waitForSelector('#status[data-state="idle"]');
      await page.click("#start");
      await page.waitForSelector('#status[data-state="finished"]');
      const v = await views(page);
      assert(v.rows === 100 && v.best >= 30000, `default garden study: ${v.rows} rows, best ${v.best}`);
      assert(problems.length === 0, problems.join("\n"));
    } finally {
      await page.close();
      server.close();
    }
  },
]);

tests.push(
  [
    "invalid pruner options (PercentilePruner, percentile 200) show the engine's error and start nothing",
    async (page) => {
      await page.selectOption("#pruner", "PercentilePruner");
      const defaults = JSON.parse(await page.inputValue("#pruner-options"));
      assert(defaults.percentile === 25, `PercentilePruner prefilled with Optuna's names: ${JSON.stringify(defaults)}`);
      await page.fill("#pruner-options", JSON.stringify({ percentile: 200 }));
      await page.fill("#n-trials", "10");
      await page.click("#start");
      await page.waitForSelector("#error:not([hidden])");
      const error = await page.textContent("#error");
      assert(/percentile/i.test(error), `the engine's message: ${error}`);
      await page.waitForSelector('#status[data-state="idle"]');
      await page.waitForTimeout(300);
      const v = await views(page);
      assert(v.rows === 0 && v.done === 0, `nothing ran: ${v.rows} rows, ${v.done} done`);
      // Not JSON at all: refused on the page, with no study started either.
      await page.fill("#pruner-options", "{percentile: 30");
      await page.click("#start");
      assert(/pruner options/.test(await page.textContent("#error")), "a JSON error names the pruner options");
    },
  ],
);

tests.push([
  "learning curve + TPESampler (seed 1) + MedianPruner defaults, 30 trials: some PRUNED, one curve per trial that reported",
  async (page) => {
    assert((await page.textContent("#intermediate-note")).includes("trial.report"), "no reports yet: the explanation is shown");
    assert(await page.$eval("#intermediate", (e) => e.hidden), "and no empty chart");
    await page.selectOption("#objective", "learning-curve");
    assert((await page.$$("#space-editor .space-row[data-param]")).length === 4, "lr, width, dropout, optimizer");
    await page.selectOption("#pruner", "MedianPruner");
    const defaults = JSON.parse(await page.inputValue("#pruner-options"));
    assert(defaults.n_startup_trials === 5 && defaults.n_warmup_steps === 5, `MedianPruner defaults: ${JSON.stringify(defaults)}`);
    await runStudy(page, { nTrials: 30, sampler: "TPESampler", seed: "1" });
    const v = await views(page);
    assert(v.rows === 30 && v.done === 30, `30 trials: ${v.rows} rows`);
    const pruned = v.states.filter((s) => s === "PRUNED").length;
    assert(pruned > 0, `some trials pruned: ${v.states.join(" ")}`);
    const cells = await page.$$eval('#trials tbody tr[data-state="PRUNED"] td:nth-child(2)', (tds) => tds.map((td) => td.textContent));
    assert(cells.length === pruned && cells.every((c) => c === "PRUNED"), `the table says PRUNED: ${cells}`);
    const shownPruned = Number(await page.$eval("#progress", (e) => e.dataset.pruned));
    assert(shownPruned === pruned && (await page.textContent("#progress")).includes(`${pruned} pruned`), `pruned count ${shownPruned}`);
    const plot = await page.evaluate(() => {
      const gd = document.getElementById("intermediate");
      return {
        hidden: gd.hidden,
        traces: (gd.data ?? []).map((d) => ({ trial: d.meta?.trial, state: d.meta?.state, n: d.x.length, dash: d.line?.dash ?? null })),
        drawn: gd.querySelectorAll(".scatterlayer .trace").length,
        note: document.getElementById("intermediate-note").hidden,
      };
    });
    assert(!plot.hidden && plot.note, "the plot is shown, the explanation hidden");
    assert(plot.traces.length === 30 && plot.drawn === 30, `one trace per trial: ${plot.traces.length} (${plot.drawn} drawn)`);
    const prunedTraces = plot.traces.filter((t) => t.state === "PRUNED");
    assert(prunedTraces.length === pruned && prunedTraces.every((t) => t.dash === "dash" && t.n < 30), "pruned traces dashed and short");
    assert(plot.traces.filter((t) => t.state === "COMPLETE").every((t) => t.n === 30), "complete trials report all 30 steps");
    const hash = JSON.parse(decodeURIComponent(await page.evaluate(() => location.hash.slice(1))));
    assert(hash.config.pruner.name === "MedianPruner" && hash.config.pruner.kwargs.n_warmup_steps === 5, `pruner in the URL: ${JSON.stringify(hash.config.pruner)}`);
  },
]);

// ---- saved studies (IndexedDB), export and import ----------------------------------------------

import { readFileSync } from "node:fs";
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS } from "./harness.mjs";

const studyName = (page) => page.textContent("#study-name");

/** Reopens a saved study from the list (after a reload) and waits until it is shown. */
async function reopen(page, name) {
  const li = `#saved-list li[data-id="${name.replace(/"/g, '\\"')}"]`;
  await page.waitForSelector(li);
  await page.click(`${li} button.open`);
  await page.waitForSelector('#status[data-state="opened"]');
}

async function downloadOf(page, button) {
  const [dl] = await Promise.all([page.waitForEvent("download"), page.click(button)]);
  return { name: dl.suggestedFilename(), text: readFileSync(await dl.path(), "utf8") };
}

async function importText(page, text, filename = "study.log") {
  await page.setInputFiles("#import-file", { name: filename, mimeType: "text/plain", buffer: Buffer.from(text) });
}

tests.push(
  [
    "journal: 30 garden trials are saved; after a reload the study is listed and reopens with 30 rows and 30 points",
    async (page) => {
      await runStudy(page, { nTrials: 30 });
      const name = await studyName(page);
      assert(name.startsWith("garden-"), `study named by objective and time: ${name}`);
      await page.reload();
      await page.waitForSelector('#status[data-state="idle"]');
      const li = await page.waitForSelector(`#saved-list li[data-id="${name}"]`);
      const meta = await li.$eval(".meta", (e) => e.textContent);
      assert(meta.includes("30 trials"), `listed with its trial count: ${meta}`);
      await reopen(page, name);
      const v = await views(page);
      assert(v.rows === 30 && v.states.every((s) => s === "COMPLETE"), `30 complete rows, got ${v.rows}`);
      assert(v.historyPoints === 30, `history points ${v.historyPoints}`);
      assert(v.best >= 30000, `best ${v.best}`);
      assert((await studyName(page)) === name, "the reopened study's name is shown");
    },
  ],
  [
    "journal: export the journal and CSV, import the file in a fresh browser: identical trials",
    async (page, env) => {
      await runStudy(page, { nTrials: 20, sampler: "TPESampler" });
      const journal = await downloadOf(page, "#export-journal");
      const name = await studyName(page);
      assert(journal.name.endsWith(".log") && journal.text.includes('"op_code"'), `a journal file: ${journal.name}`);
      const csv = await downloadOf(page, "#export-csv");
      const header = csv.text.split("\n")[0];
      assert(header === "number,value,datetime_start,datetime_complete,duration,params_x,state", `trials_dataframe columns: ${header}`);
      assert(csv.text.trim().split("\n").length === 21, "a header and 20 rows");
      // A fresh browser (its own profile: nothing saved) imports the file.
      const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: CHROMIUM_ARGS, headless: true });
      try {
        const fresh = await (await browser.newContext({ viewport: { width: 1400, height: 1100 } })).newPage();
        fresh.setDefaultTimeout(WAIT_MS);
        await fresh.goto(env.url);
        await fresh.waitForSelector('#status[data-state="idle"]');
        assert((await fresh.$$("#saved-list li")).length === 0, "nothing saved in the fresh browser");
        await importText(fresh, journal.text, journal.name);
        await fresh.waitForSelector("#import-studies li button");
        assert((await fresh.textContent("#import-studies .name")) === name, "the file's study is listed");
        await fresh.click("#import-studies li button");
        await fresh.waitForSelector('#status[data-state="opened"]');
        const v = await views(fresh);
        assert(v.rows === 20 && v.historyPoints === 20, `20 rows and points, got ${v.rows}/${v.historyPoints}`);
        const csv2 = await downloadOf(fresh, "#export-csv");
        assert(csv2.text === csv.text, "identical trials (numbers, values, params, times, states)");
        // Saved in the fresh browser too.
        await fresh.waitForFunction(() => document.querySelectorAll("#saved-list li").length === 1);
      } finally {
        await browser.close();
      }
    },
  ],
  [
    "journal: a page reloaded mid-trial reopens with that trial FAIL, and Resume finishes the study",
    async (page) => {
      // Trial 3 never ends on its own (the reload ends it), the others take 300 ms: however slowly
      // the page saves under load, trial 3 is still running when the saved journal catches up.
      await typeCustom(
        page,
        `function objective(trial) {
  const x = trial.suggestFloat("x", 0, 250);
  const t0 = performance.now();
  while (trial.number === 3 || performance.now() - t0 < 300) {}
  return x * (500 - 2 * x);
}`,
      );
      await runStudy(page, { nTrials: 8, wait: false });
      await waitForDone(page, 3);
      // Trial 3 is running: its RUNNING record has reached the page, and is written.
      await waitForTrialStarted(page, 3);
      await page.waitForFunction(() => {
        const e = document.getElementById("study-name");
        return e.dataset.lines && e.dataset.lines === e.dataset.savedLines;
      });
      const name = await studyName(page);
      await page.reload();
      await page.waitForSelector('#status[data-state="idle"]');
      await reopen(page, name);
      let v = await views(page);
      const failed = v.states.filter((s) => s === "FAIL").length;
      assert(failed === 1 && v.states[v.states.length - 1] === "FAIL", `the interrupted trial is FAIL: ${v.states}`);
      assert(/marked FAIL/.test(await page.textContent("#import-note")), "the page says so");
      await page.click("#resume-study");
      await page.waitForSelector('#status[data-state="finished"]');
      v = await views(page);
      assert(v.rows === 8, `8 trials, got ${v.rows}`);
      assert(v.states.filter((s) => s === "FAIL").length === 1, `one FAIL: ${v.states}`);
    },
  ],
  [
    "journal: a hostile study name in an imported file is shown as text; bad lines are skipped and counted; not a journal is said",
    async (page) => {
      await runStudy(page, { nTrials: 3 });
      const journal = await downloadOf(page, "#export-journal");
      const name = await studyName(page);
      const hostile = '<img src=x onerror="window.__xss=1">';
      const text = journal.text.replace(JSON.stringify(name), JSON.stringify(hostile)) + "this is not json\n";
      await importText(page, text);
      await page.waitForSelector("#import-studies li button");
      assert((await page.textContent("#import-studies .name")) === hostile, "the name, literally");
      await page.click("#import-studies li button");
      await page.waitForSelector('#status[data-state="opened"]');
      assert((await page.textContent("#study-name")) === hostile, "the study's name, literally");
      assert(/1 line of the journal could not be read/.test(await page.textContent("#import-note")), "one line skipped");
      const v = await views(page);
      assert(v.rows === 3, `3 rows, got ${v.rows}`);
      await page.waitForFunction((h) => [...document.querySelectorAll("#saved-list .name")].some((e) => e.textContent === h), hostile);
      assert((await page.$$("#saved-list img, #import-studies img, #summary img")).length === 0, "no element made from the name");
      assert((await page.evaluate(() => window.__xss)) === undefined, "window.__xss stays undefined");
      await importText(page, "hello\nworld\n", "notes.txt");
      await page.waitForFunction(() => /not an Optuna journal/.test(document.getElementById("import-note").textContent));
    },
  ],
);

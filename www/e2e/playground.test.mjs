// The "done means" list, as a person uses the page.
import { join } from "node:path";
import { ARTIFACTS, assert } from "./harness.mjs";

/** Sets the trial count and sampler, presses Start, waits for the study to end. */
async function runStudy(page, { nTrials, sampler = "RandomSampler", seed = "1", wait = true } = {}) {
  await page.selectOption("#sampler", sampler);
  await page.fill("#n-trials", String(nTrials));
  await page.fill("#seed", seed);
  await page.click("#start");
  if (wait) await page.waitForSelector('#status[data-state="finished"]', { timeout: 60_000 });
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

/** ~`ms` of work per trial, so that a 1,000-trial study runs for several seconds. */
const SLOW_CODE = (ms) => `function objective(trial) {
  const x = trial.suggestFloat("x", 0, 250);
  const t0 = performance.now();
  while (performance.now() - t0 < ${ms}) {}
  return x * (500 - 2 * x);
}`;

const done = (page) => page.evaluate(() => Number(document.getElementById("progress").dataset.done ?? 0));

async function waitForDone(page, atLeast) {
  await page.waitForFunction((n) => Number(document.getElementById("progress").dataset.done ?? 0) >= n, atLeast, {
    timeout: 30_000,
  });
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
      await typeCustom(page, SLOW_CODE(4), "maximize");
      await runStudy(page, { nTrials: 1000, wait: false });
      await waitForDone(page, 60);
      await page.click("#pause");
      await page.waitForSelector('#status[data-state="paused"]', { timeout: 2000 });
      const atPause = await done(page);
      await page.waitForTimeout(800);
      const later = await done(page);
      assert(atPause === later, `no trial ran while paused (${atPause} then ${later})`);
      assert(atPause < 1000, `paused mid-study at ${atPause}`);
      assert((await page.textContent("#pause")) === "Resume", "the button offers Resume");
      await page.screenshot({ path: join(ARTIFACTS, "playground-paused.png") });
      await page.click("#pause");
      await page.waitForSelector('#status[data-state="finished"]', { timeout: 60_000 });
      const numbers = await page.$$eval("#trials tbody tr td:first-child", (tds) => tds.map((t) => Number(t.textContent)));
      assert(numbers.length === 1000, `1000 rows, got ${numbers.length}`);
      assert(numbers.every((n, i) => n === i), "trials 0..999, one study, none repeated");
      const v = await views(page);
      assert(v.historyPoints === 1000 && v.parallelLines === 1000, "plots hold all 1000 trials");
    },
  ],
  [
    "Stop ends the study with the finished trials kept",
    async (page) => {
      await typeCustom(page, SLOW_CODE(6), "maximize");
      await runStudy(page, { nTrials: 2000, wait: false });
      await waitForDone(page, 40);
      const t0 = Date.now();
      await page.screenshot({ path: join(ARTIFACTS, "playground-mid-study.png") });
      console.log(`    (mid-study screenshot at ${await done(page)} trials took ${Date.now() - t0} ms)`);
      await page.click("#stop");
      await page.waitForSelector('#status[data-state="stopped"]', { timeout: 5000 });
      await page.waitForTimeout(500);
      const v = await views(page);
      assert(v.done >= 40 && v.done < 2000, `stopped mid-study at ${v.done}`);
      assert(v.rows === v.done && v.historyPoints === v.done, `rows ${v.rows} and points ${v.historyPoints} = ${v.done}`);
      assert(v.states.every((s) => s === "COMPLETE"), "kept trials are finished ones");
      assert(!(await page.isDisabled("#start")), "a new study can start");
    },
  ],
);

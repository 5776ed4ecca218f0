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

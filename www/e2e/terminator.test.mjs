// "Stop when improvement is unlikely": the page's terminator switch stops a study early, says why
// after each trial, keeps the setting in the link, and draws Optuna's terminator improvement plot.
import { assert } from "./harness.mjs";

export const tests = [
  [
    "terminator: with the switch on, a 150-trial TPE garden study stops early, says why, and draws the improvement plot",
    async (page) => {
      await page.selectOption("#sampler", "TPESampler");
      await page.fill("#n-trials", "150");
      await page.fill("#seed", "1");
      await page.check("#terminate");
      // The link follows the controls (written a moment later): wait for it.
      await page.waitForFunction(() => decodeURIComponent(location.hash).includes('"terminate":true'));
      await page.click("#start");
      await page.waitForSelector('#status[data-state="finished"]');
      await page.waitForSelector('#results[data-views="settled"]');
      const rows = await page.locator("#trials tbody tr").count();
      assert(rows >= 30 && rows < 150, `stopped between trial 30 (the threshold's first) and 150: ${rows} trials`);
      const status = await page.textContent("#terminator-status");
      assert(/After \d+ complete trials: possible improvement .* \(EMMREvaluator\) vs threshold .* \(MedianErrorEvaluator\), below the threshold: stopped\./.test(status), status);
      assert(status.includes(`After ${rows} complete trials`), `the last check was after the last trial: ${status}`);
      // The plot: one improvement point per trial and the threshold line, from the same engine.
      await page.locator('[data-control="plot-terminator"]').scrollIntoViewIfNeeded();
      await page.waitForFunction((n) => document.getElementById("terminator")?.dataset.points === String(2 * n), rows);
      assert(!(await page.isVisible("#terminator-note")), "the plot is drawn, not a note");
    },
  ],
  [
    "terminator: with the switch off the study runs its trials; the plot still shows the estimate; a 2-objective study gets a note",
    async (page) => {
      await page.selectOption("#sampler", "TPESampler");
      await page.fill("#n-trials", "40");
      await page.fill("#seed", "1");
      assert(!(await page.isChecked("#terminate")), "off by default");
      await page.click("#start");
      await page.waitForSelector('#status[data-state="finished"]');
      assert((await page.locator("#trials tbody tr").count()) === 40, "all 40 trials ran");
      const about = await page.textContent("#terminator-status");
      assert(about.startsWith("Optuna's terminator"), "no check was made: the switch's description stays");
      // The number is the page terminator's (TERMINATOR_READY_AT), written in by the panel.
      assert(about.includes("learned from the first 30 trials."), about);
      await page.locator('[data-control="plot-terminator"]').scrollIntoViewIfNeeded();
      await page.waitForFunction(() => document.getElementById("terminator")?.dataset.points === "80");
      await page.selectOption("#objective", "binh-korn");
      await page.fill("#n-trials", "5");
      await page.click("#start");
      await page.waitForSelector('#status[data-state="finished"]');
      await page.waitForFunction(() => document.getElementById("terminator-note")?.textContent.includes("single-objective"));
    },
  ],
];

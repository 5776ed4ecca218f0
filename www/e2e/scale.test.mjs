// Issue #9's scale: a 10,000-trial random study on a cheap objective stays usable.
import { join } from "node:path";
import { ARTIFACTS, assert } from "./harness.mjs";

const done = (page) => page.evaluate(() => Number(document.getElementById("progress").dataset.done ?? 0));

export const tests = [
  [
    "scale: a 10,000-trial random study stays responsive (Pause takes effect) and its table is virtualized",
    async (page, env) => {
      // A free objective, so that trials come as fast as the page can take them (the page's own
      // cost is what is under test); from trial 7,000 on, 50 ms a trial, so that the Pause lands
      // mid-study however slow the machine is.
      const code = `function objective(trial) {
  const x = trial.suggestFloat("x", 0, 250);
  const y = trial.suggestFloat("y", 0, 1);
  const t0 = performance.now();
  while (trial.number >= 7000 && performance.now() - t0 < 50) {}
  return x * (500 - 2 * x) * (1 - y * y);
}`;
      const spec = { config: { objective: "custom", directions: ["maximize"], sampler: { name: "RandomSampler", kwargs: null }, pruner: { name: "NopPruner", kwargs: null }, n_trials: 10000, seed: 1 }, code };
      await page.goto(`${env.url}#${encodeURIComponent(JSON.stringify(spec))}`);
      await page.reload();
      await page.waitForSelector('#status[data-state="idle"]');
      // The code came with a link: the page shows it and starts once it is allowed.
      await page.click("#code-consent button.allow");
      await page.waitForFunction(() => Number(document.getElementById("progress").dataset.done ?? 0) >= 7000);
      const clicked = Date.now();
      await page.click("#pause");
      await page.waitForSelector('#status[data-state="paused"]');
      const tookMs = Date.now() - clicked;
      const atPause = await done(page);
      await page.waitForTimeout(1000);
      assert((await done(page)) === atPause, "no trial ran while paused");
      await page.waitForSelector('#results[data-views="settled"]');
      const table = await page.evaluate(() => ({
        rows: Number(document.getElementById("trials").dataset.rows),
        inDocument: document.querySelectorAll("#trials tbody tr:not(.spacer)").length,
      }));
      assert(table.rows === atPause && table.inDocument < 200, `virtualized: ${JSON.stringify(table)} at ${atPause}`);
      // Scrolling to the end shows the last trials.
      await page.evaluate(() => {
        const w = document.querySelector(".table-wrap");
        w.scrollTop = w.scrollHeight;
      });
      // The table draws the rows in view on its next frame: wait for the last trial's row.
      await page.waitForFunction(
        (n) => Number([...document.querySelectorAll("#trials tbody tr:not(.spacer) td:first-child")].at(-1)?.textContent.replace(/,/g, "")) === n,
        atPause - 1,
      );
      const last = await page.$$eval("#trials tbody tr:not(.spacer) td:first-child", (tds) => Number(tds.at(-1).textContent.replace(/,/g, "")));
      assert(last === atPause - 1, `the last row is trial ${atPause - 1}: ${last}`);
      console.log(`    (paused at ${atPause} trials; the click took effect in ${tookMs} ms)`);
      await page.screenshot({ path: join(ARTIFACTS, "scale-10000-paused.png") });
      await page.click("#stop");
      await page.waitForSelector('#status[data-state="stopped"]');
    },
  ],
];

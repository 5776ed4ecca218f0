// Issue #9's teaching features: two studies racing with their histories overlaid, explainers,
// dark mode, a phone-sized page, and the keyboard.
import { join } from "node:path";
import { ARTIFACTS, assert, pausedAt } from "./harness.mjs";
import { plots, runStudy } from "./plots.test.mjs";

export const tests = [
  [
    "race: Random against TPE on the garden, histories and EDFs overlaid",
    async (page) => {
      await page.selectOption("#race", "TPESampler");
      await runStudy(page, { nTrials: 30 });
      await page.waitForFunction(() => document.getElementById("race-status").dataset.finished === "true");
      // The overlay follows the rival's last batch on the views' next refresh.
      await page.waitForFunction(() => document.getElementById("history").data?.[2]?.x?.length === 30);
      const names = await page.evaluate(() => document.getElementById("history").data.map((d) => `${d.name}:${d.x.length}`));
      assert(names.join() === "this study: Objective value:30,this study: Best value:30,TPESampler: Objective value:30,TPESampler: Best value:30", `overlaid: ${names}`);
      const p = await plots(page);
      assert(p.edf.drawn === 2, `two EDF lines: ${JSON.stringify(p.edf)}`);
      assert(/TPESampler finished, 30 trials/.test(await page.textContent("#race-status")), await page.textContent("#race-status"));
      const spec = JSON.parse(decodeURIComponent(await page.evaluate(() => location.hash.slice(1))));
      assert(spec.race === "TPESampler", "the race is in the link");
      await page.locator('[data-control="plot-history"]').screenshot({ path: join(ARTIFACTS, "race-history.png") });
    },
  ],
  [
    "step: Step runs one trial and pauses (a race's rival steps with it), on one worker and on two; Resume runs the rest",
    async (page) => {
      await page.selectOption("#race", "TPESampler");
      await page.fill("#n-trials", "8");
      /** Clicks Step and waits until the study (and the rival, when racing) holds `k` trials and is paused. */
      const stepTo = async (k, race) => {
        await page.click("#step");
        await pausedAt(page, k, race);
      };
      await stepTo(1, true);
      assert(await page.isDisabled("#start"), "Start waits while a study is paused");
      assert(/Step runs the next trial/.test(await page.textContent("#status")), await page.textContent("#status"));
      await stepTo(2, true);
      await stepTo(3, true);
      const numbers = await page.$$eval("#trials tbody tr td:first-child", (tds) => tds.map((t) => t.textContent).sort().join());
      assert(numbers === "0,1,2", `trials 0, 1, 2 in the table: ${numbers}`);
      await page.click("#pause"); // "Resume"
      await page.waitForSelector('#status[data-state="finished"]');
      await page.waitForFunction(() => document.getElementById("race-status").dataset.finished === "true");
      assert((await page.$$eval("#trials tbody tr", (trs) => trs.length)) === 8, "Resume ran the other 5");
      // From a finished study, Step starts a new one; with two workers (the evaluators' path).
      await page.selectOption("#race", "");
      await page.fill("#workers", "2");
      await stepTo(1, false);
      await stepTo(2, false);
      await page.click("#stop");
      await page.waitForSelector('#status[data-state="stopped"]');
      assert((await page.$$eval("#trials tbody tr", (trs) => trs.length)) === 2, "two trials, one per Step");
    },
  ],
  [
    "AutoSampler: the page's default; while a study runs, the explainer under the menu says which sampler it uses and why, in the engine's words",
    async (page) => {
      assert((await page.inputValue("#sampler")) === "AutoSampler", "AutoSampler is the default");
      assert(await page.$eval("#sampler-live", (el) => el.hidden), "no live explanation before a study");
      await page.fill("#n-trials", "12");
      await page.click("#start");
      await page.waitForSelector('#status[data-state="finished"]');
      // The answer for the last trials arrives after them: wait on the text, not on a timer.
      await page.waitForFunction(() => /12 complete trials/.test(document.getElementById("sampler-live").textContent));
      const live = await page.textContent("#sampler-live");
      const shown = await page.getAttribute("#sampler-live", "data-sampler");
      // The garden has one numeric parameter: GP until the switch, then TPE.
      assert(shown === "GPSampler", `sampler in use: ${shown}`);
      assert(/^Now: GPSampler: 1 numeric parameter, 1 objective, 12 complete trials, below the 250-trial switch to TPESampler/.test(live), live);
      await page.selectOption("#sampler", "RandomSampler");
      await page.click("#start");
      await page.waitForSelector('#status[data-state="finished"]');
      assert(await page.$eval("#sampler-live", (el) => el.hidden), "hidden for another sampler");
    },
  ],
  [
    "explainers, dark mode, keyboard: every sampler and pruner is explained; the theme toggles; a study starts and the table sorts from the keyboard",
    async (page) => {
      for (const sampler of await page.$$eval("#sampler option", (os) => os.map((o) => o.value))) {
        await page.selectOption("#sampler", sampler);
        const text = await page.textContent("#sampler-explainer");
        assert(text.length > 40, `${sampler} explained: ${text}`);
      }
      for (const pruner of await page.$$eval("#pruner option", (os) => os.map((o) => o.value))) {
        await page.selectOption("#pruner", pruner);
        assert((await page.textContent("#pruner-explainer")).length > 20, `${pruner} explained`);
      }
      await page.selectOption("#sampler", "RandomSampler");
      await page.selectOption("#pruner", "NopPruner");
      await page.fill("#n-trials", "20");
      await page.focus("#start");
      await page.keyboard.press("Enter");
      await page.waitForSelector('#status[data-state="finished"]');
      await page.waitForSelector('#results[data-views="settled"]');
      await page.focus('#trials th[data-key="value"]');
      await page.keyboard.press("Enter");
      await page.keyboard.press("Enter");
      assert((await page.getAttribute('#trials th[data-key="value"]', "aria-sort")) === "descending", "sorted from the keyboard");
      const focused = await page.evaluate(() => document.activeElement?.dataset?.key);
      assert(focused === "value", `focus stays on the header: ${focused}`);
      const bg = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
      const light = await bg();
      await page.click("#theme"); // auto -> dark
      await page.waitForFunction((before) => getComputedStyle(document.documentElement).backgroundColor !== before, light);
      const dark = await bg();
      assert(light !== dark && /rgb\((\d+), (\d+), (\d+)\)/.exec(dark).slice(1).every((c) => Number(c) < 60), `dark background: ${light} -> ${dark}`);
      await page.waitForSelector('#results[data-views="settled"]');
      const papers = await page.evaluate(() => ["history", "slice", "rank", "edf", "timeline"].map((id) => document.getElementById(id).layout?.paper_bgcolor));
      assert(papers.every((p) => p === "rgba(0,0,0,0)"), `every plot follows: ${papers}`);
      await page.screenshot({ path: join(ARTIFACTS, "dark-mode.png"), fullPage: true });
      await page.click("#theme"); // dark -> light
      await page.click("#theme"); // light -> auto
    },
  ],
  [
    "phone: at 390 px wide nothing overflows sideways and a study runs",
    async (page) => {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.fill("#n-trials", "15");
      await page.click("#start");
      await page.waitForSelector('#status[data-state="finished"]');
      await page.waitForSelector('#results[data-views="settled"]');
      const widths = await page.evaluate(() => ({ doc: document.documentElement.scrollWidth, view: window.innerWidth, history: document.getElementById("history").getBoundingClientRect().width }));
      assert(widths.doc <= widths.view + 1, `no sideways scroll: ${JSON.stringify(widths)}`);
      assert(widths.history > 300, `plots use the width: ${JSON.stringify(widths)}`);
      await page.screenshot({ path: join(ARTIFACTS, "phone.png"), fullPage: false });
    },
  ],
];

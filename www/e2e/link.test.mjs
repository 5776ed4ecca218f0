// Issue #9's teaching links: the whole configuration (study, seed, filters, plot settings, hidden
// controls) lives in the URL hash; a link opened in a fresh browser reproduces the page and, with
// the same seed and one worker, the same trials.
import { join } from "node:path";
import { ARTIFACTS, assert, newContext } from "./harness.mjs";
import { runStudy } from "./plots.test.mjs";

/** Every complete trial's parameters, full precision, in trial order (from the parallel plot). */
const paramsOf = (page) =>
  page.evaluate(() => {
    const dims = document.getElementById("parallel").data[0].dimensions;
    return Object.fromEntries(dims.map((d) => [d.label, d.values]));
  });

export const tests = [
  [
    "link: a copied link restores the configuration, filters and hidden controls in a fresh browser, and reproduces the trials",
    async (page, env) => {
      await page.selectOption("#objective", "branin");
      await runStudy(page, { sampler: "TPESampler", options: { n_startup_trials: 5, n_ei_candidates: 24, multivariate: true }, nTrials: 25, seed: "7" });
      const before = await paramsOf(page);
      assert(before.x1.length === 25, "25 trials");
      await page.fill("#top-percent", "40");
      await page.check("#log-scale");
      await page.selectOption("#contour-x", "x2");
      // The hash follows the controls after a short pause: wait for the last change to reach it.
      await page.waitForFunction(() => JSON.parse(decodeURIComponent(location.hash.slice(1))).view?.contour?.[0] === "x2");
      const spec = JSON.parse(decodeURIComponent(await page.evaluate(() => location.hash.slice(1))));
      assert(spec.config.objective === "branin" && spec.config.sampler.name === "TPESampler" && spec.config.seed === 7, JSON.stringify(spec.config));
      assert(spec.view.filter.topPercent === 40 && spec.view.log === true && spec.view.contour[0] === "x2", JSON.stringify(spec.view));
      // A teacher strips the page down: `hide` lists controls by name.
      spec.hide = ["storage", "sampler-options", "plot-gp", "workers"];
      const link = `${env.url}#${encodeURIComponent(JSON.stringify(spec))}`;

      const fresh = await newContext();
      try {
        const other = await fresh.context.newPage();
        const problems = [];
        other.on("pageerror", (e) => problems.push(e.message));
        await other.goto(link);
        await other.waitForSelector('#status[data-state="idle"]');
        assert((await other.inputValue("#objective")) === "branin", "objective");
        assert((await other.inputValue("#sampler")) === "TPESampler", "sampler");
        assert(JSON.parse(await other.inputValue("#sampler-options")).multivariate === true, "sampler options");
        assert((await other.inputValue("#seed")) === "7" && (await other.inputValue("#n-trials")) === "25", "seed and trials");
        assert((await other.inputValue("#top-percent")) === "40" && (await other.isChecked("#log-scale")), "filter and plot settings");
        for (const sel of ["#storage", "#sampler-options", '[data-control="plot-gp"]', "#workers"]) {
          assert(!(await other.isVisible(sel)), `${sel} hidden by the link`);
        }
        assert((await other.isVisible("#objective")) && (await other.isVisible("#start")), "the rest is there");
        await other.screenshot({ path: join(ARTIFACTS, "link-stripped-down.png"), fullPage: true });
        await other.fill("#top-percent", "");
        await other.click("#start");
        await other.waitForSelector('#status[data-state="finished"]');
        await other.waitForSelector('#results[data-views="settled"]');
        const after = await paramsOf(other);
        assert(JSON.stringify(after) === JSON.stringify(before), `the same 25 trials:\n${JSON.stringify(before).slice(0, 300)}\n${JSON.stringify(after).slice(0, 300)}`);
        assert(problems.length === 0, problems.join("\n"));
      } finally {
        await fresh.close();
      }
    },
  ],
];

// Issue #9's plots and shared filters, as a person uses them: each plot draws for a study that has
// the data it needs (with the right number of traces or points) and says why not otherwise.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ARTIFACTS, ROOT, assert, brushAxis } from "./harness.mjs";

/** Whether this engine build has a binding (the page feature-detects the same way). */
const engineHas = (name) => readFileSync(join(ROOT, "pkg", "wasmtune.d.ts"), "utf8").includes(`${name}(`);

const PLOTS = ["history", "parallel", "intermediate", "importances", "slice", "contour", "rank", "edf", "timeline", "pareto", "gp"];

/** Each plot as drawn: traces, points, workers, and its note when it shows one. */
export async function plots(page) {
  await page.waitForSelector('#results[data-views="settled"]');
  return page.evaluate((ids) => {
    const out = {};
    for (const id of ids) {
      const el = document.getElementById(id);
      const note = document.getElementById(`${id}-note`);
      out[id] = {
        traces: Number(el.dataset.traces ?? 0),
        points: Number(el.dataset.points ?? 0),
        workers: Number(el.dataset.workers ?? 0),
        drawn: el.hidden ? 0 : (el.data?.length ?? 0),
        note: note.hidden ? "" : note.textContent,
      };
    }
    return out;
  }, PLOTS);
}

export async function runStudy(page, { objective, sampler = "RandomSampler", options, nTrials, seed = "1", workers = "1", pruner, wait = true }) {
  if (objective) await page.selectOption("#objective", objective);
  await page.selectOption("#sampler", sampler);
  if (options) await page.fill("#sampler-options", JSON.stringify(options));
  if (pruner) await page.selectOption("#pruner", pruner);
  await page.fill("#n-trials", String(nTrials));
  await page.fill("#seed", seed);
  await page.fill("#workers", workers);
  await page.click("#start");
  if (!wait) return;
  await page.waitForSelector('#status[data-state="finished"]');
  // The plots draw once Plotly is in (it loads after the first trial): wait for the views.
  await page.waitForSelector('#results[data-views="settled"]');
}

/** Engine answers (importances, Pareto info) arrive after the trials: wait for the plot. */
async function waitForPlot(page, id) {
  await page.waitForFunction((i) => !/computing/.test(document.getElementById(`${i}-note`).textContent), id);
  return (await plots(page))[id];
}

export const tests = [
  [
    "plots: a pruned learning-curve study draws every single-objective plot; the others explain why not",
    async (page) => {
      await runStudy(page, { objective: "learning-curve", sampler: "TPESampler", pruner: "MedianPruner", nTrials: 40 });
      const p = await plots(page);
      const rows = await page.$$eval("#trials tbody tr", (trs) => trs.map((r) => r.dataset.state));
      const complete = rows.filter((s) => s === "COMPLETE").length;
      assert(rows.length === 40 && complete > 0 && rows.includes("PRUNED"), `40 trials, some pruned: ${rows}`);
      assert(p.history.drawn === 2 && p.history.points === 2 * complete, `history: ${JSON.stringify(p.history)}`);
      assert(p.parallel.points === complete, `parallel lines = complete trials: ${JSON.stringify(p.parallel)}`);
      assert(p.intermediate.drawn === 40, `one curve per trial: ${JSON.stringify(p.intermediate)}`);
      assert(p.slice.drawn === 4 && p.slice.points === 4 * complete, `slice: a panel per parameter: ${JSON.stringify(p.slice)}`);
      assert(p.contour.drawn === 2 && p.rank.drawn === 1 && p.edf.drawn === 1, `contour, rank, EDF: ${JSON.stringify([p.contour, p.rank, p.edf])}`);
      assert(p.timeline.drawn >= 2 && p.timeline.workers === 1, `timeline: complete and pruned, one worker: ${JSON.stringify(p.timeline)}`);
      assert(/2 or 3 objectives/.test(p.pareto.note) && p.pareto.drawn === 0, `Pareto explains: ${p.pareto.note}`);
      assert(/GPSampler/.test(p.gp.note), `GP belief explains: ${p.gp.note}`);
      const imp = await waitForPlot(page, "importances");
      if (engineHas("importances")) {
        assert(imp.drawn === 1 && imp.points === 4, `importances: one bar per parameter: ${JSON.stringify(imp)}`);
      } else {
        assert(/needs a newer engine build/.test(imp.note), `importances explain: ${imp.note}`);
      }
      await page.screenshot({ path: join(ARTIFACTS, "plots-learning-curve.png"), fullPage: true });
    },
  ],
  [
    "plots: Binh–Korn (2 objectives, constrained) draws the Pareto front, infeasible trials apart, and the hypervolume history",
    async (page) => {
      await runStudy(page, { objective: "binh-korn", sampler: "TPESampler", nTrials: 80 });
      const pareto = await waitForPlot(page, "pareto");
      const traces = await page.evaluate(() => document.getElementById("pareto").data.map((d) => [d.name, d.x.length, d.type]));
      const by = Object.fromEntries(traces.map(([n, k]) => [n, k]));
      assert(pareto.drawn === 4, `trials, best, infeasible, hypervolume: ${JSON.stringify(traces)}`);
      assert(by["Trial"] + by["Best trial"] + by["Infeasible trial"] === 80, `every trial once: ${JSON.stringify(traces)}`);
      assert(by["Best trial"] >= 3 && by["Infeasible trial"] >= 1, `a front and some infeasible trials: ${JSON.stringify(traces)}`);
      const hv = await page.evaluate(() => document.getElementById("pareto").data.find((d) => d.name === "Hypervolume").y);
      assert(hv.length >= 2 && hv.every((v, i) => i === 0 || v >= hv[i - 1] - 1e-9), `hypervolume never falls: ${hv}`);
      const p = await plots(page);
      assert(/single-objective/.test(p.history.note), `history explains: ${p.history.note}`);
      assert(p.parallel.points === 80, "parallel: 80 lines, 2 objective axes");
      await page.screenshot({ path: join(ARTIFACTS, "plots-pareto-2d.png"), fullPage: true });
    },
  ],
  [
    "plots: DTLZ2 (3 objectives) draws its front in 3-D",
    async (page) => {
      await runStudy(page, { objective: "dtlz2", nTrials: 40 });
      await waitForPlot(page, "pareto");
      const types = await page.evaluate(() => document.getElementById("pareto").data.map((d) => d.type));
      assert(types.filter((t) => t === "scatter3d").length === 2 && types.includes("scatter"), `3-D front and hypervolume: ${types}`);
    },
  ],
  [
    "plots: with GPSampler, what the model believes (or why not)",
    async (page) => {
      const hasGp = await page.$$eval("#sampler option", (os) => os.some((o) => o.value === "GPSampler"));
      if (!hasGp) {
        // This engine build has no GPSampler yet: the plot says what it needs.
        await runStudy(page, { objective: "branin", nTrials: 5 });
        assert(/GPSampler/.test((await plots(page)).gp.note), "explains");
        return;
      }
      await runStudy(page, { objective: "branin", sampler: "GPSampler", nTrials: 15 });
      const gp = await waitForPlot(page, "gp");
      if (engineHas("gpBelief")) {
        assert(gp.drawn === 6, `mean, σ and acquisition panels with the trials: ${JSON.stringify(gp)}`);
        await page.selectOption("#gp-y", "(none)");
        const one = await waitForPlot(page, "gp");
        assert(one.drawn === 5, `1-D: band, mean, trials, acquisition: ${JSON.stringify(one)}`);
      } else {
        assert(/needs a newer engine build/.test(gp.note), `explains: ${gp.note}`);
      }
    },
  ],
  [
    "filters: states, top k% and a brushed range are shared by every plot and the table",
    async (page) => {
      await page.selectOption("#objective", "custom");
      await page.waitForSelector("#editor .cm-content");
      await page.click("#editor .cm-content");
      await page.keyboard.press("Control+A");
      await page.keyboard.press("Delete");
      await page.keyboard.insertText(`function objective(trial) {
  const x = trial.suggestFloat("x", 0, 10);
  const y = trial.suggestFloat("y", 0, 10);
  if (x > 8) throw new Error("too far");
  return (x - 3) ** 2 + (y - 4) ** 2;
}`);
      await runStudy(page, { nTrials: 60 });
      const count = () => page.evaluate(() => ({ ...document.getElementById("filter-count").dataset }));
      const rows = () => page.$$eval("#trials tbody tr", (trs) => trs.map((r) => r.dataset.state));
      const all = await rows();
      const failed = all.filter((s) => s === "FAIL").length;
      assert(all.length === 60 && failed > 0, `60 rows, some failed (${failed})`);
      await page.uncheck('#filters input[value="FAIL"]');
      await page.waitForSelector('#results[data-views="settled"]');
      assert((await rows()).length === 60 - failed && (await rows()).every((s) => s === "COMPLETE"), "failed trials hidden from the table");
      assert(Number((await count()).shown) === 60 - failed, "and counted");
      await page.fill("#top-percent", "10");
      await page.waitForSelector('#results[data-views="settled"]');
      const top = Math.ceil((60 - failed) / 10);
      let p = await plots(page);
      assert((await rows()).length === top, `top 10%: ${top} rows, got ${(await rows()).length}`);
      assert(p.history.points === 2 * top && p.slice.points === 2 * top && p.parallel.points === top && p.edf.points === top, `every plot shows the top ${top}: ${JSON.stringify(p)}`);
      await page.fill("#top-percent", "");
      await page.waitForSelector('#results[data-views="settled"]');
      // Brush only once the parallel plot is drawn with every shown trial again.
      await page.waitForFunction((n) => document.getElementById("parallel").data?.[0]?.dimensions?.[0]?.values?.length === n, 60 - failed);
      // Brush the x axis of the parallel plot over its lower part.
      await brushAxis(page, 1, 0.5, 0.98);
      await page.waitForFunction(() => !document.getElementById("clear-ranges").disabled);
      await page.waitForSelector('#results[data-views="settled"]');
      const xs = await page.$$eval("#trials tbody tr td:nth-child(4)", (tds) => tds.map((t) => Number(t.textContent)));
      const range = await page.evaluate(() => document.getElementById("parallel").data[0].dimensions.find((d) => d.label === "x").constraintrange);
      p = await plots(page);
      assert(xs.length > 0 && xs.length < 60 - failed, `brushing keeps some rows: ${xs.length}`);
      assert(xs.every((x) => x >= range[0] - 1e-3 && x <= range[1] + 1e-3), `rows inside the brushed x range ${range}: ${xs}`);
      assert(p.history.points === 2 * xs.length && p.slice.points === 2 * xs.length, `plots follow the brush: ${JSON.stringify(p.history)}`);
      const hash = JSON.parse(decodeURIComponent(await page.evaluate(() => location.hash.slice(1))));
      assert(hash.view.filter.ranges.x?.length === 1 && hash.view.filter.states.join() === "COMPLETE,PRUNED", `filter in the link: ${JSON.stringify(hash.view)}`);
      await page.screenshot({ path: join(ARTIFACTS, "plots-filtered.png"), fullPage: true });
      await page.click("#clear-ranges");
      await page.waitForSelector('#results[data-views="settled"]');
      assert((await rows()).length === 60 - failed, "cleared");
    },
  ],
  [
    "plots: hostile parameter names and choices are drawn as text, never markup",
    async (page) => {
      await page.selectOption("#objective", "custom");
      await page.waitForSelector("#editor .cm-content");
      await page.click("#editor .cm-content");
      await page.keyboard.press("Control+A");
      await page.keyboard.press("Delete");
      await page.keyboard.insertText(`function objective(trial) {
  const x = trial.suggestFloat('<img src=x onerror="self.__xss=1">', 0, 1);
  const c = trial.suggestCategorical("kind", ["<b>bold</b>", "<a href='javascript:alert(1)'>link</a>"]);
  return x + (c.length % 3);
}`);
      await runStudy(page, { nTrials: 25 });
      const p = await plots(page);
      assert(p.slice.drawn === 2 && p.contour.drawn === 2 && p.parallel.points === 25, `drawn: ${JSON.stringify(p)}`);
      const found = await page.evaluate(() => ({
        xss: window.__xss,
        imgs: document.querySelectorAll("#results img").length,
        links: [...document.querySelectorAll("#results a")].filter((a) => /javascript/.test(a.getAttribute("href") ?? "")).length,
        bold: document.querySelectorAll("#results b").length,
        labels: [...document.querySelectorAll("#parallel .axis-heading")].map((e) => e.textContent),
        ticks: [...document.querySelectorAll("#slice .xtick, #slice .x2tick")].map((e) => e.textContent),
      }));
      assert(found.xss === undefined && found.imgs === 0 && found.links === 0 && found.bold === 0, `no markup from user data: ${JSON.stringify(found)}`);
      assert(found.labels.some((l) => l.includes('<img src=x onerror="self.__xss=1">')), `the name shown as text: ${found.labels}`);
      assert(found.ticks.some((t) => t === "<b>bold</b>"), `the choice shown as text: ${found.ticks}`);
    },
  ],
];

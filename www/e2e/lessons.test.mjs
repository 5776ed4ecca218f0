// Issue #18's lessons: the gallery, and each lesson opened from its link in a fresh browser: its
// text and visual on the first screen, what it hides hidden, a study run, its visual drawn from the
// study's trials. Screenshots of every lesson, desktop and phone, go to test-artifacts/.
import { join } from "node:path";
import { ARTIFACTS, assert, newContext, pausedAt } from "./harness.mjs";

const DESKTOP = { width: 1366, height: 768 };
/** What every lesson keeps on screen besides its own list (lessons/spec.ts, LESSON_CONTROLS). */
const ALWAYS = ["step", "replay"];
const PHONE = { width: 390, height: 844 };

/** Opens lesson `id` from its short link in a fresh browser context (its own profile) at 1366×768,
 *  checks that exactly the `shown` controls are on screen (with the lesson's text), runs `body`,
 *  checks the first screen and takes the desktop and phone screenshots. */
async function inLesson(env, id, shown, body) {
  const fresh = await newContext();
  try {
    const page = await fresh.context.newPage();
    const problems = [];
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("console", (m) => m.type() === "error" && problems.push(`console error: ${m.text()}`));
    await page.setViewportSize(DESKTOP);
    await page.goto(`${env.url}#lesson=${id}`);
    await page.waitForSelector('#status[data-state="idle"]');
    assert((await page.getAttribute("#lesson-text", "data-lesson")) === id, "the lesson's text is shown");
    assert(await page.isHidden('[data-control="lessons"]'), "the gallery is hidden in a lesson");
    assert((await page.evaluate(() => location.hash)) === `#lesson=${id}`, "the short link stays in the address bar");
    // What the lesson hides is hidden; what it keeps (`shown`, and the boxes around them) is not.
    const visibility = await page.evaluate((keep) => {
      const visible = (el) => el.getClientRects().length > 0;
      const controls = [...document.querySelectorAll("[data-control]")].filter((el) => !el.closest("#lesson-visual, #lesson-text"));
      const kept = (el) => keep.includes(el.dataset.control) || [...el.querySelectorAll("[data-control]")].some((c) => keep.includes(c.dataset.control));
      return {
        shownButHidden: controls.filter((el) => kept(el) && !el.hidden && !el.parentElement.closest("[hidden]") && !visible(el)).map((el) => el.dataset.control),
        hiddenButShown: controls.filter((el) => !kept(el) && visible(el)).map((el) => el.dataset.control),
      };
    }, [...shown, ...ALWAYS]);
    assert(visibility.hiddenButShown.length === 0 && visibility.shownButHidden.length === 0, `visibility: ${JSON.stringify(visibility)}`);
    await body(page);
    // The first screen at 1366×768 holds the text, the main visual and the Start button.
    await page.evaluate(() => window.scrollTo(0, 0));
    const main = await page.evaluate(() => {
      const visual = document.getElementById("lesson-visual");
      const box = (el) => el.getBoundingClientRect();
      // Without a visual of its own, the lesson's main plot: the card drawn first (the lesson
      // orders its cards with CSS `order`, so document order is not screen order).
      const cards = [...document.querySelectorAll(".plots > .card")].filter((c) => c.getClientRects().length > 0);
      const first = cards.sort((a, b) => box(a).top - box(b).top || box(a).left - box(b).left)[0];
      const target = !visual.hidden ? visual : first;
      return { text: box(document.getElementById("lesson-text")).bottom, start: box(document.getElementById("start")).bottom, visual: box(target).top + Math.min(box(target).height, 200) };
    });
    for (const [what, bottom] of Object.entries(main)) assert(bottom <= DESKTOP.height, `${what} on the first screen: bottom at ${bottom}px`);
    await page.screenshot({ path: join(ARTIFACTS, `lesson-${id}-desktop.png`) });
    await page.setViewportSize(PHONE);
    // Nothing overflows sideways once the plots have followed the narrower window.
    await page.waitForFunction(() => document.documentElement.scrollWidth <= window.innerWidth);
    await page.screenshot({ path: join(ARTIFACTS, `lesson-${id}-phone.png`), fullPage: true });
    if (problems.length) throw new Error(problems.join("\n"));
  } finally {
    await fresh.close();
  }
}

async function start(page) {
  await page.click("#start");
  await page.waitForSelector('#status[data-state="finished"]');
  await page.waitForSelector('#results[data-views="settled"]');
}

/** Plotly's data of plot `id`, trace by trace: name and point count. */
const traces = (page, id) => page.evaluate((i) => (document.getElementById(i).data ?? []).map((d) => ({ name: d.name, n: d.x?.length ?? 0, x: d.x })), id);

/** Clicks Plotly plot `id` at data x `x` and data y `y` (absent: halfway up its first y axis),
 *  scrolled on screen first: the mouse only reaches what is on screen. */
async function clickPlotAt(page, id, x, y = null) {
  await page.$eval(`#${id}`, (el) => el.scrollIntoView({ block: "center" }));
  const at = await page.evaluate(
    ([id, x, y]) => {
      const el = document.getElementById(id);
      const { xaxis, yaxis } = el._fullLayout;
      const r = el.getBoundingClientRect();
      return { x: r.left + xaxis._offset + xaxis.d2p(x), y: r.top + yaxis._offset + (y === null ? yaxis._length / 2 : yaxis.d2p(y)) };
    },
    [id, x, y],
  );
  await page.mouse.click(at.x, at.y);
}

/** Moves the replay slider to `k` trials, as dragging it would. */
const replayTo = (page, k) =>
  page.$eval(
    "#replay",
    (el, k) => {
      el.value = String(k);
      el.dispatchEvent(new Event("input", { bubbles: true }));
    },
    k,
  );

export const tests = [
  [
    "lessons: the page opens on the gallery; a card opens its lesson in place, next and previous move through them, and the full playground shows everything again",
    async (page) => {
      const cards = await page.$$eval('[data-control="lessons"] [data-lesson]', (as) => as.map((a) => ({ id: a.dataset.lesson, href: a.getAttribute("href"), text: a.textContent })));
      assert(cards.length >= 7 && cards[0].id === "garden", `cards: ${cards.map((c) => c.id)}`);
      assert(cards.every((c) => c.href === `#lesson=${c.id}` && c.text.includes("?")), "each card links its lesson and asks its question");
      await page.locator('[data-control="lessons"]').screenshot({ path: join(ARTIFACTS, "lessons-gallery.png") });
      await page.click('[data-lesson="grid-vs-random"]');
      await page.waitForSelector('#lesson-text[data-lesson="grid-vs-random"]');
      assert(await page.isHidden("#objective"), "the lesson hides the objective");
      await page.click("#lesson-next");
      await page.waitForSelector(`#lesson-text[data-lesson="${cards[2].id}"]`);
      await page.click("#lesson-prev");
      await page.waitForSelector('#lesson-text[data-lesson="grid-vs-random"]');
      await page.waitForFunction(() => JSON.parse(decodeURIComponent(location.hash.slice(1))).lesson === "grid-vs-random");
      await page.click("#lesson-leave");
      await page.waitForSelector("#lesson-text", { state: "hidden" });
      assert(await page.isVisible("#objective"), "the full playground shows the objective");
      assert(await page.isVisible('[data-control="lessons"]'), "and the gallery");
      assert((await page.inputValue("#objective")) === "only-x", "with the lesson's configuration");
    },
  ],
  [
    "lesson garden: the gardens to scale and A(x) with every trial; TPE races Random",
    async (page, env) =>
      inLesson(env, "garden", ["sampler", "seed", "trials", "plot-history"], async (p) => {
        await start(p);
        await p.waitForFunction(() => document.getElementById("race-status").dataset.finished === "true");
        await p.waitForFunction(() => (document.getElementById("garden-curve").data ?? []).some((d) => d.name === "race rival" && d.x.length === 30));
        const t = await traces(p, "garden-curve");
        assert(t[0].n === 126 && t.find((d) => d.name === "trials").n === 30, `curve and 30 trials: ${JSON.stringify(t.map((d) => [d.name, d.n]))}`);
        // The best garden drawn is the engine's best trial.
        const best = await p.evaluate(() => ({ drawn: Number(document.querySelector('[data-garden="best"]').dataset.x), text: document.getElementById("best-params").textContent }));
        const x = Number(/x = ([\d.]+)/.exec(best.text)[1]);
        assert(Math.abs(best.drawn - x) < 1e-3, `best garden x ${best.drawn} = best trial's x ${x}`);
        assert(t.find((d) => d.name === "best").x[0] === best.drawn, "the star is on the best trial");
      }),
  ],
  [
    "lesson garden: Step twice, then a click on the curve runs that x as the next trial (a diamond: yours) while the race's rival steps beside it",
    async (page, env) => {
      await page.goto(`${env.url}#lesson=garden`);
      await page.waitForSelector('#status[data-state="idle"]');
      await page.click("#step");
      await pausedAt(page, 1, true);
      await page.click("#step");
      await pausedAt(page, 2, true);
      // Plotly draws the curve once it has loaded (after the first trial).
      await page.waitForFunction(() => document.getElementById("garden-curve")._fullLayout?.xaxis);
      await clickPlotAt(page, "garden-curve", 100);
      await pausedAt(page, 3, true);
      await page.waitForFunction(() => (document.getElementById("garden-curve").data ?? []).some((d) => d.name === "your trials"));
      const t = await traces(page, "garden-curve");
      const yours = t.find((d) => d.name === "your trials");
      assert(yours.n === 1 && Math.abs(yours.x[0] - 100) <= 1, `your trial at x = 100: ${JSON.stringify(yours)}`);
      assert(t.find((d) => d.name === "trials").n === 2, "the sampler's two trials apart from yours");
      const score = await page.evaluate(() => ({ ...document.querySelector("#lesson-visual .lesson-score").dataset }));
      const area = (x) => x * (500 - 2 * x);
      assert(score.k === "1" && Math.abs(Number(score.you) - area(yours.x[0])) < 1e-6 && score.sampler !== "null" && score.rival !== "null", `the score line after one try each: ${JSON.stringify(score)}`);
      assert(!(await page.isVisible("#error")), "no error");
    },
  ],
  [
    "lesson grid-vs-random: the grid tries 3 values of x, random search 9",
    async (page, env) =>
      inLesson(env, "grid-vs-random", ["seed"], async (p) => {
        await start(p);
        await p.waitForFunction(() => document.getElementById("race-status").dataset.finished === "true");
        await p.waitForFunction(() => (document.getElementById("grid-vs-random-plot").data ?? []).filter((d) => d.mode === "markers" && d.yaxis === undefined && d.xaxis === undefined).every((d) => d.x.length === 9));
        const t = await traces(p, "grid-vs-random-plot");
        const grid = t.find((d) => d.name.startsWith("grid ("));
        const random = t.find((d) => d.name.startsWith("random ("));
        assert(grid.n === 9 && new Set(grid.x).size === 3, `grid: ${grid.x}`);
        assert(random.n === 9 && new Set(random.x).size === 9, `random: ${random.x}`);
        assert(/Grid: 9 trials, 3 values of x.*Random: 9 trials, 9 values of x/.test(await p.textContent(".lesson-score")), await p.textContent(".lesson-score"));
      }),
  ],
  [
    "lesson inside-tpe: l(x) and g(x) of a trial's draw, its candidates, and the chosen one is the x the trial ran; replayed, the random start says so",
    async (page, env) =>
      inLesson(env, "inside-tpe", ["objective", "seed", "trials", "plot-history"], async (p) => {
        await start(p);
        // The last trial (24) explained by the engine.
        await p.waitForFunction(() => document.getElementById("tpe-plot").dataset.trial === "24" && (document.getElementById("tpe-plot").data ?? []).length >= 5);
        const t = await p.evaluate(() => document.getElementById("tpe-plot").data.map((d) => ({ name: d.name, x: d.x, y: d.y })));
        const l = t.find((d) => d.name.startsWith("l(x)"));
        const g = t.find((d) => d.name.startsWith("g(x)"));
        const candidates = t.find((d) => d.name.startsWith("candidates"));
        const star = t.find((d) => d.name.startsWith("chosen"));
        assert(l.x.length === 200 && g.x.length === 200 && l.y.every((v) => v > 0) && g.y.every((v) => v > 0), `l and g on 200 points, positive: ${l.x.length}, ${g.x.length}`);
        assert(candidates.x.length === 24 && star.y[0] === Math.max(...candidates.y), `24 candidates, the star on the highest score: ${JSON.stringify(star)}`);
        const ran = await p.$$eval("#trials tbody tr", (trs) => {
          const row = trs.find((r) => r.querySelector("td").textContent.trim() === "24");
          return Number(row.querySelectorAll("td")[3].textContent.replace(/,/g, ""));
        });
        assert(Math.abs(star.x[0] - ran) <= 1e-4 * Math.max(1, Math.abs(ran)), `the chosen candidate ${star.x[0]} is the x trial 24 ran (${ran})`);
        // Replayed to 3 trials: trial 2 was a random start-up draw, and the lesson says so.
        await replayTo(p, 3);
        await p.waitForSelector('#tpe-plot[data-trial="2"][data-phase="startup"]', { state: "attached" });
        assert(/at random/.test(await p.textContent("#lesson-visual .lesson-score")), await p.textContent("#lesson-visual .lesson-score"));
        await p.click("#replay-live");
        await p.waitForSelector('#tpe-plot[data-trial="24"][data-phase="tpe"]', { state: "attached" });
      }),
  ],
  [
    "lesson inside-tpe: a click on the plot runs that x as the next trial; the trial after it is explained with it among the good or the others",
    async (page, env) => {
      await page.goto(`${env.url}#lesson=inside-tpe`);
      await page.waitForSelector('#status[data-state="idle"]');
      for (let k = 1; k <= 6; k++) {
        await page.click("#step");
        await pausedAt(page, k);
      }
      // Trial 5 is the first the model chose (5 random start-up trials).
      await page.waitForFunction(() => {
        const el = document.getElementById("tpe-plot");
        return el.dataset.trial === "5" && el.dataset.phase === "tpe" && el._fullLayout?.xaxis;
      });
      await clickPlotAt(page, "tpe-plot", 0.3);
      await pausedAt(page, 7);
      await page.waitForSelector('#tpe-plot[data-trial="6"][data-phase="yours"]', { state: "attached" });
      const x6 = await page.$$eval("#trials tbody tr", (trs) => Number(trs.find((r) => r.querySelector("td").textContent.trim() === "6").querySelectorAll("td")[3].textContent));
      assert(Math.abs(x6 - 0.3) < 0.01, `trial 6 ran your x = 0.3: ${x6}`);
      assert(/was yours/.test(await page.textContent("#lesson-visual .lesson-score")), "the lesson says the trial was yours");
      // The next trial is the sampler's again, explained with yours among the 7 it saw.
      await page.click("#step");
      await pausedAt(page, 8);
      await page.waitForSelector('#tpe-plot[data-trial="7"][data-phase="tpe"]', { state: "attached" });
      assert(/of the 7 finished trials/.test(await page.textContent("#lesson-visual .lesson-score")), await page.textContent("#lesson-visual .lesson-score"));
    },
  ],
  [
    "lesson inside-cmaes: one ellipse per generation from the engine's explanation, λ trials each, an IPOP restart with λ doubled; replayed to trial k, what the live run showed at k",
    async (page, env) =>
      inLesson(env, "inside-cmaes", ["objective", "seed", "trials", "plot-history"], async (p) => {
        for (let k = 1; k <= 14; k++) {
          await p.click("#step");
          await pausedAt(p, k);
          if (k === 1) {
            await p.waitForSelector('#cmaes-plot[data-trial="0"]', { state: "attached" });
            assert(/drawn at random/.test(await p.textContent("#lesson-visual .lesson-score")), "trial 0 is the random start-up trial");
          }
        }
        // Trials 1-6 are generation 0 (λ = 6 in 2-D), 7-12 generation 1, 13 opens generation 2.
        await p.waitForSelector('#cmaes-plot[data-trial="13"][data-generation="0:2"]', { state: "attached" });
        const shown = () =>
          p.evaluate(() => {
            const el = document.getElementById("cmaes-plot");
            const byName = (prefix) => (el.data ?? []).find((d) => String(d.name).startsWith(prefix));
            return {
              data: { ...el.dataset },
              now: byName("1σ now")?.x,
              drawn: byName("generation ")?.x,
              sentence: document.querySelector("#lesson-visual .lesson-score").textContent,
            };
          });
        await p.waitForFunction(() => (document.getElementById("cmaes-plot").data ?? []).length >= 7);
        const live = await shown();
        assert(live.data.ellipses === "3" && live.data.generations === "3", `three generations, three ellipses: ${JSON.stringify(live.data)}`);
        assert(live.drawn.length === 1 && /generation 2, 1 of its λ = 6/.test(live.sentence), live.sentence);
        await p.click("#pause"); // Resume: the rest of the 700 trials
        await p.waitForSelector('#status[data-state="finished"]');
        await p.waitForSelector('#cmaes-plot[data-trial="699"]', { state: "attached" });
        const end = await p.evaluate(() => {
          const el = document.getElementById("cmaes-plot");
          const byName = (prefix) => el.data.find((d) => String(d.name).startsWith(prefix));
          return {
            data: { ...el.dataset },
            older: byName("earlier generations").x.filter((v) => v === null).length + 1,
            sigma: byName("σ").y.length,
            notes: (el.layout.annotations ?? []).map((a) => a.text),
            contour: el.data[0].type,
          };
        });
        const generations = Number(end.data.generations);
        assert(end.contour === "contour", "the objective's contour under the ellipses");
        assert(Number(end.data.ellipses) === generations && end.older + 1 === generations && end.sigma === generations, `one ellipse and one σ per generation: ${JSON.stringify(end)}`);
        assert(Number(end.data.restarts) >= 1 && end.notes.some((t) => t === "restart 1: λ = 12"), `IPOP restarted with λ = 12: ${JSON.stringify(end)}`);
        // Back to 14 trials with the slider: the very same picture as live.
        await replayTo(p, 14);
        await p.waitForSelector('#cmaes-plot[data-trial="13"]', { state: "attached" });
        await p.waitForFunction(() => (document.getElementById("cmaes-plot").data ?? []).find((d) => String(d.name).startsWith("generation "))?.x.length === 1);
        const replayed = await shown();
        assert(JSON.stringify(replayed) === JSON.stringify(live), `replayed at 14 = live at 14:\n${JSON.stringify(replayed).slice(0, 400)}\n${JSON.stringify(live).slice(0, 400)}`);
        await p.click("#replay-live");
        await p.waitForSelector('#cmaes-plot[data-trial="699"]', { state: "attached" });
      }),
  ],
  [
    "lesson inside-cmaes: a click on the contour runs that point as the next trial, counted in the generation's population",
    async (page, env) => {
      await page.goto(`${env.url}#lesson=inside-cmaes`);
      await page.waitForSelector('#status[data-state="idle"]');
      for (let k = 1; k <= 3; k++) {
        await page.click("#step");
        await pausedAt(page, k);
      }
      await page.waitForFunction(() => {
        const el = document.getElementById("cmaes-plot");
        return el.dataset.trial === "2" && el._fullLayout?.xaxis;
      });
      await clickPlotAt(page, "cmaes-plot", 6, 4);
      await pausedAt(page, 4);
      await page.waitForSelector('#cmaes-plot[data-trial="3"]', { state: "attached" });
      await page.waitForFunction(() => /was yours/.test(document.querySelector("#lesson-visual .lesson-score").textContent));
      const row = await page.$$eval("#trials tbody tr", (trs) => [...trs.find((r) => r.querySelector("td").textContent.trim() === "3").querySelectorAll("td")].map((td) => td.textContent));
      assert(row.some((c) => Math.abs(Number(c) - 6) < 0.15) && row.some((c) => Math.abs(Number(c) - 4) < 0.15), `trial 3 ran your point (6, 4): ${row}`);
      // Yours is one of generation 0's six, with trials 1 and 2: three of them so far.
      const drawn = await page.evaluate(() => document.getElementById("cmaes-plot").data.find((d) => String(d.name).startsWith("generation ")).name);
      assert(drawn === "generation 0: 3 of λ = 6", drawn);
    },
  ],
  [
    "lesson inside-gp: the GP's mean, band and acquisition after each run",
    async (page, env) =>
      inLesson(env, "inside-gp", ["objective", "seed", "trials", "plot-gp"], async (p) => {
        await start(p);
        await p.waitForFunction(() => (document.getElementById("gp").data ?? []).length > 0);
        const names = (await traces(p, "gp")).map((d) => d.name);
        assert(["±2σ", "Mean", "Trials", "Acquisition"].every((n) => names.includes(n)), `GP traces: ${names}`);
      }),
  ],
  [
    "replay: in the GP lesson, the slider at trial k shows what the live run showed at k (the engine's belief and the table)",
    async (page, env) => {
      await page.goto(`${env.url}#lesson=inside-gp`);
      await page.waitForSelector('#status[data-state="idle"]');
      for (let k = 1; k <= 5; k++) {
        await page.click("#step");
        await pausedAt(page, k);
      }
      // What the page shows at trial 5, live: the GP's belief (asked of the engine) and the table.
      const shown = () =>
        page.evaluate(() => ({
          gp: (document.getElementById("gp").data ?? []).map((d) => ({ name: d.name, x: d.x, y: d.y })),
          rows: [...document.querySelectorAll("#trials tbody tr")].map((r) => r.textContent),
        }));
      const belief5 = (s) => s.gp.some((d) => d.name === "Trials" && d.x.length === 5) && s.rows.length === 5;
      // The belief fitted to those 5 (the engine says how many it was fitted to).
      await page.waitForFunction(() => /after 5 trials/.test(document.getElementById("gp").layout?.title?.text) && document.querySelector('#results[data-views="settled"]'));
      const live = await shown();
      assert(belief5(live), `live at 5: ${JSON.stringify(live).slice(0, 300)}`);
      await page.click("#pause"); // Resume: the other 10 trials
      await page.waitForSelector('#status[data-state="finished"]');
      await page.waitForFunction(() => /after 15 trials/.test(document.getElementById("gp").layout?.title?.text));
      assert(JSON.stringify((await shown()).gp) !== JSON.stringify(live.gp), "the belief moved on after trial 5");
      // Back to trial 5 with the slider.
      await replayTo(page, 5);
      await page.waitForSelector('#replay-bar[data-at="5"]');
      await page.waitForFunction((want) => {
        const gp = (document.getElementById("gp").data ?? []).map((d) => ({ name: d.name, x: d.x, y: d.y }));
        return JSON.stringify(gp) === want && document.querySelector('#results[data-views="settled"]');
      }, JSON.stringify(live.gp));
      const replayed = await shown();
      assert(JSON.stringify(replayed.rows) === JSON.stringify(live.rows), `the table as it was: ${replayed.rows.length} rows`);
      // Live again: all 15.
      await page.click("#replay-live");
      await page.waitForFunction(() => (document.getElementById("gp").data ?? []).some((d) => d.name === "Trials" && d.x.length === 15));
      assert((await page.$$eval("#trials tbody tr", (trs) => trs.length)) === 15, "live: 15 rows");
    },
  ],
  [
    "lesson inside-gp: paused, a click on the GP's belief runs that x as the next trial, a diamond the next belief is fitted to",
    async (page, env) => {
      await page.goto(`${env.url}#lesson=inside-gp`);
      await page.waitForSelector('#status[data-state="idle"]');
      for (let k = 1; k <= 4; k++) {
        await page.click("#step");
        await pausedAt(page, k);
      }
      await page.waitForFunction(() => /after 4 trials/.test(document.getElementById("gp").layout?.title?.text) && document.getElementById("gp")._fullLayout?.xaxis);
      await clickPlotAt(page, "gp", 0.8);
      await pausedAt(page, 5);
      const x4 = await page.$$eval("#trials tbody tr", (trs) => Number(trs.find((r) => r.querySelector("td").textContent.trim() === "4").querySelectorAll("td")[3].textContent));
      assert(Math.abs(x4 - 0.8) < 0.01, `trial 4 ran your x = 0.8: ${x4}`);
      // The belief after 5 trials counts yours, drawn apart from the sampler's.
      await page.waitForFunction(() => {
        const el = document.getElementById("gp");
        const yours = (el.data ?? []).find((d) => d.name === "Your trials");
        return /after 5 trials/.test(el.layout?.title?.text) && yours?.x.length === 1;
      });
    },
  ],
  [
    "lesson explore-exploit: Ackley's contour with the trials, and TPE's history raced against Random and GP, stepping together",
    async (page, env) =>
      inLesson(env, "explore-exploit", ["sampler", "sampler-options", "seed", "trials", "race", "plot-contour", "plot-history"], async (p) => {
        assert((await p.$eval("#race", (s) => s.selectedOptions[0].textContent)) === "RandomSampler + GPSampler", "the line-up is the race's choice");
        // Step: the study and both rivals run one trial each, then pause.
        for (let k = 1; k <= 2; k++) {
          await p.click("#step");
          await pausedAt(p, k, true);
        }
        const stepped = await p.textContent("#race-status");
        assert(/RandomSampler \w+, 2 trials/.test(stepped) && /GPSampler \w+, 2 trials/.test(stepped), stepped);
        await p.click("#stop");
        await p.waitForSelector('#status[data-state="stopped"], #status[data-state="finished"]');
        await start(p);
        await p.waitForFunction(() => document.getElementById("race-status").dataset.finished === "true");
        // Each study's values and best-so-far line: the page's and the two rivals'.
        await p.waitForFunction(() => (document.getElementById("history").data ?? []).filter((d) => d.x?.length === 80).length === 6);
        const names = (await traces(p, "history")).map((d) => d.name).join();
        assert(/RandomSampler/.test(names) && /GPSampler/.test(names), names);
        const status = await p.textContent("#race-status");
        assert(/RandomSampler finished, 80 trials/.test(status) && /GPSampler finished, 80 trials/.test(status), status);
        assert(Number(await p.getAttribute("#contour", "data-traces")) > 0, "the contour is drawn");
      }),
  ],
  [
    "lesson pruning: the steps saved add up; ASHA's rungs are drawn on the curves",
    async (page, env) =>
      inLesson(env, "pruning", ["pruner", "pruner-options", "seed", "trials", "plot-intermediate"], async (p) => {
        await start(p);
        const counter = async () => p.evaluate(() => ({ ...document.querySelector(".lesson-counter").dataset, pruned: Number(document.getElementById("progress").dataset.pruned) }));
        const median = await counter();
        assert(Number(median.run) + Number(median.saved) === 40 * 30 && Number(median.saved) > 0 && median.pruned > 0, JSON.stringify(median));
        await p.selectOption("#pruner", "SuccessiveHalvingPruner");
        await start(p);
        // The plot and the counter follow the finished study when their views next draw.
        await p.waitForFunction(() => (document.getElementById("intermediate").data ?? []).filter((d) => /^rung \d$/.test(d.name)).length >= 2);
        await p.waitForFunction(() => /SuccessiveHalvingPruner/.test(document.querySelector(".lesson-counter").textContent));
        const rungs = (await traces(p, "intermediate")).filter((d) => /^rung \d$/.test(d.name));
        assert(rungs.length >= 2 && rungs.every((r, k) => r.x.every((s) => s === 3 ** k)), `rungs at 1, 3, 9...: ${JSON.stringify(rungs)}`);
        assert(/SuccessiveHalvingPruner: \d+ of 1200 training steps run/.test(await p.textContent(".lesson-counter")), await p.textContent(".lesson-counter"));
      }),
  ],
  [
    "lesson pareto: NSGA-II's and multi-objective TPE's Binh–Korn fronts side by side, each with its hypervolume history",
    async (page, env) =>
      inLesson(env, "pareto", ["sampler", "seed", "trials", "race", "plot-pareto"], async (p) => {
        await start(p);
        await p.waitForFunction(() => document.getElementById("race-status").dataset.finished === "true");
        // Both studies' fronts and hypervolume lines, once the engine has answered for all 200 trials of each.
        await p.waitForFunction(() => {
          const data = document.getElementById("pareto").data ?? [];
          const last = (name) => data.find((d) => d.name === name)?.x.at(-1);
          return last("Hypervolume") === 199 && last("TPESampler: hypervolume") === 199;
        });
        const t = await traces(p, "pareto");
        const n = (name) => t.find((d) => d.name === name)?.n ?? 0;
        assert(n("Best trial") > 0 && n("TPESampler: best") > 0, `both fronts: ${JSON.stringify(t.map((d) => [d.name, d.n]))}`);
        const counted = n("Trial") + n("Best trial") + n("Infeasible trial");
        assert(counted === 200, `the page's 200 trials: ${counted}`);
        // Replayed to 50 trials: both studies' fronts and hypervolumes as they were then.
        await replayTo(p, 50);
        await p.waitForFunction(() => {
          const data = document.getElementById("pareto").data ?? [];
          const last = (name) => data.find((d) => d.name === name)?.x.at(-1);
          const count = (names) => names.reduce((k, name) => k + (data.find((d) => d.name === name)?.x.length ?? 0), 0);
          return last("Hypervolume") <= 49 && last("TPESampler: hypervolume") <= 49 &&
            count(["Trial", "Best trial", "Infeasible trial"]) === 50 && count(["TPESampler: trial", "TPESampler: best"]) <= 50;
        });
      }),
  ],
  [
    "lesson mnist: 8 trials train; what the best trial changed, importances and misclassified digits",
    async (page, env) =>
      inLesson(env, "mnist", ["seed", "trials", "plot-importances", "plot-history"], async (p) => {
        await start(p);
        const rows = await p.$$eval('[data-control="best-changed"] tr', (trs) => trs.length);
        assert(rows === 1 + 7, `one row per hyperparameter: ${rows}`);
        await p.waitForFunction(() => (document.getElementById("importances").data ?? []).length > 0);
        assert((await p.$$("#misclassified-grid canvas")).length > 0, "misclassified digits shown");
      }),
  ],
];

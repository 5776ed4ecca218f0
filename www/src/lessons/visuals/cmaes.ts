// The inside-CMA-ES lesson's visual: the search distribution CMA-ES held at each generation, as the
// engine reads it back from the study (`cmaesExplain`: the optimizer the sampler stores in its
// trials). On the objective's contour: the current generation's 1σ and 2σ ellipses, the trials
// drawn from it, the mean's path over the generations of the current run, and every earlier
// generation's 1σ ellipse, faint. Below it, σ over the trials, with IPOP's restarts marked.
// A click on the contour proposes that point as the next trial.
import type { CmaExplanation, CmaGeneration, Distribution, FrozenTrial } from "wasmtune";
import { builtinObjective } from "../../objectives";
import { type Figure, type PlotData, plotText } from "../../plots/figure";
import { explainedTrial } from "./tpe";
import { type LessonVisual, type VisualContext, clickedXY, drawFigure, plotBox } from "./visual";

const COLORS = { now: "#36c", mean: "#c44", drawn: "#d80", earlier: "#8899aa" };
/** Points on each ellipse: smooth at the plot's size, small to send from the worker. */
const ELLIPSE_POINTS = 48;
/** Contour grid per side: the objective is evaluated GRID² times when the lesson opens. */
const GRID = 60;

/** The generation the shown trials end in: the distribution the latest trials were drawn from. */
export function currentGeneration(e: CmaExplanation): CmaGeneration | undefined {
  return e.generations[e.generations.length - 1];
}

const fmt = (v: number): string => (Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(2) : v.toPrecision(3));

/** What a student reads under the plot for explanation `e` of `trial`. */
export function cmaesSentence(e: CmaExplanation, trial: FrozenTrial): string {
  const g = currentGeneration(e);
  if (trial.userAttrs.proposed_by === "you") {
    return `Trial ${trial.number} was yours: CMA-ES counts it in generation ${g?.generation ?? 0}'s population as if it had drawn it, and it moves the next mean like any other.`;
  }
  if (!g || e.independent.includes(trial.number)) {
    return `Trial ${trial.number} was drawn at random: CMA-ES starts once ${e.nStartupTrials} trial${e.nStartupTrials === 1 ? " has" : "s have"} finished (n_startup_trials), from a distribution centred in the box.`;
  }
  const mean = e.shown.map((n, i) => `${n} = ${fmt(g.shownMean[i])}`).join(", ");
  const run = g.restart > 0 ? ` This is run ${g.restart + 1}: IPOP restarted ${g.restart === 1 ? "once" : `${g.restart} times`} from a random point, each time with a population twice as large.` : "";
  return (
    `Trial ${trial.number}: generation ${g.generation}, ${g.trials.length} of its λ = ${g.popsize} trials drawn so far from N(m, σ²C) with σ = ${fmt(g.sigma)} and the mean at ${mean}. ` +
    `Once all ${g.popsize} have finished, the best half moves the mean and reshapes C.${run}`
  );
}

/** The points of several closed curves as one line trace's x and y (null between curves). */
function curves(list: number[][][]): { x: (number | null)[]; y: (number | null)[] } {
  const x: (number | null)[] = [];
  const y: (number | null)[] = [];
  for (const c of list) {
    if (x.length) {
      x.push(null);
      y.push(null);
    }
    for (const p of c) {
      x.push(p[0]);
      y.push(p[1]);
    }
  }
  return { x, y };
}

type Range = { low: number; high: number; log: boolean };

function rangeOf(d: unknown): Range | null {
  const f = d as Distribution;
  if (f.name !== "FloatDistribution" && f.name !== "IntDistribution") return null;
  return { low: f.attributes.low, high: f.attributes.high, log: f.attributes.log };
}

function axisValues(r: Range, n: number): number[] {
  return Array.from({ length: n }, (_, i) => {
    const u = i / (n - 1);
    return r.log ? Math.exp(Math.log(r.low) + u * (Math.log(r.high) - Math.log(r.low))) : r.low + u * (r.high - r.low);
  });
}

/** The objective on a grid over the two shown parameters (log-scaled so that valleys show), when
 *  it is a built-in one of exactly those two parameters. */
export function objectiveContour(objectiveId: string, shown: string[], ranges: Range[]): PlotData | null {
  const objective = builtinObjective(objectiveId);
  if (!objective || shown.length !== 2 || objective.directions.length !== 1 || objective.train) return null;
  const names = Object.keys(objective.searchSpace);
  if (names.length !== 2 || !shown.every((n) => names.includes(n))) return null;
  const xs = axisValues(ranges[0], GRID);
  const ys = axisValues(ranges[1], GRID);
  const f = ys.map((y) => xs.map((x) => objective.evaluate({ [shown[0]]: x, [shown[1]]: y }) as number));
  const flat = f.flat();
  const lo = Math.min(...flat);
  const eps = (Math.max(...flat) - lo) * 1e-4 || 1e-9;
  return {
    type: "contour",
    x: xs,
    y: ys,
    z: f.map((row) => row.map((v) => Math.log10(v - lo + eps))),
    colorscale: "YlGnBu",
    reversescale: true,
    opacity: 0.55,
    showscale: false,
    ncontours: 18,
    contours: { coloring: "heatmap", showlines: true },
    hoverinfo: "skip",
    name: "objective (log scale)",
  };
}

/** The lesson's figure: contour, ellipses, trials and mean path above; σ over trials below. */
export function cmaesFigure(e: CmaExplanation, trials: readonly FrozenTrial[], objectiveId: string): Figure | { note: string } {
  const g = currentGeneration(e);
  if (!g) return { note: "No generation yet: the first trial is random (n_startup_trials)." };
  if (e.shown.length !== 2 || g.ellipse1.length === 0) return { note: "The lesson draws CMA-ES over two numeric parameters." };
  const ranges = e.shown.map((n) => rangeOf(e.axes.find((a) => a.name === n)?.distribution)) as Range[];
  if (ranges.some((r) => r === null)) return { note: "The lesson draws CMA-ES over two numeric parameters." };
  const [px, py] = e.shown;
  const inCurrent = new Set(g.trials);
  const shownTrials = trials.filter((t) => t.state !== "WAITING" && px in t.params && py in t.params);
  const earlier = shownTrials.filter((t) => !inCurrent.has(t.number));
  const now = shownTrials.filter((t) => inCurrent.has(t.number));
  const run = e.generations.filter((h) => h.restart === g.restart);
  const older = e.generations.slice(0, -1).filter((h) => h.ellipse1.length > 0);
  const data: PlotData[] = [];
  const contour = objectiveContour(objectiveId, e.shown, ranges);
  if (contour) data.push(contour);
  data.push(
    { type: "scatter", mode: "lines", name: "earlier generations (1σ)", ...curves(older.map((h) => h.ellipse1)), line: { color: COLORS.earlier, width: 1 }, opacity: 0.45, hoverinfo: "skip" },
    { type: "scatter", mode: "markers", name: "earlier trials", x: earlier.map((t) => t.params[px]), y: earlier.map((t) => t.params[py]), marker: { color: COLORS.earlier, size: 4 }, hoverinfo: "x+y" },
    { type: "scatter", mode: "lines+markers", name: "the mean, generation by generation", x: run.map((h) => h.shownMean[0]), y: run.map((h) => h.shownMean[1]), line: { color: COLORS.mean, width: 1.5 }, marker: { color: COLORS.mean, size: 5 } },
    { type: "scatter", mode: "lines", name: "2σ now", ...curves([g.ellipse2]), line: { color: COLORS.now, width: 1.5, dash: "dash" }, hoverinfo: "skip" },
    { type: "scatter", mode: "lines", name: "1σ now", ...curves([g.ellipse1]), line: { color: COLORS.now, width: 2.5 }, hoverinfo: "skip" },
    { type: "scatter", mode: "markers", name: `generation ${g.generation}: ${now.length} of λ = ${g.popsize}`, x: now.map((t) => t.params[px]), y: now.map((t) => t.params[py]), marker: { color: COLORS.drawn, size: 9, line: { width: 1, color: "#640" } } },
    { type: "scatter", mode: "lines+markers", name: "σ", x: e.generations.map((h) => h.firstTrial), y: e.generations.map((h) => h.sigma), xaxis: "x2", yaxis: "y2", line: { color: COLORS.now, shape: "hv" }, marker: { size: 3 }, showlegend: false },
  );
  const restarts = e.generations.filter((h) => h.restart > 0 && h.generation === 0);
  const axis = (r: Range, n: string) => ({ title: { text: plotText(n) }, type: r.log ? "log" : "linear", range: r.log ? [Math.log10(r.low), Math.log10(r.high)] : [r.low, r.high] });
  return {
    data,
    layout: {
      margin: { l: 60, r: 20, t: 10, b: 40 },
      legend: { orientation: "h", y: -0.1 },
      xaxis: { ...axis(ranges[0], px), anchor: "y" },
      yaxis: { ...axis(ranges[1], py), domain: [0.4, 1], anchor: "x" },
      xaxis2: { anchor: "y2", title: { text: "trial" } },
      yaxis2: { domain: [0, 0.22], type: "log", title: { text: "σ" }, anchor: "x2" },
      shapes: restarts.map((h) => ({ type: "line", xref: "x2", yref: "y2 domain", x0: h.firstTrial, x1: h.firstTrial, y0: 0, y1: 1, line: { color: COLORS.mean, dash: "dot", width: 1 } })),
      annotations: restarts.map((h) => ({ xref: "x2", yref: "y2 domain", x: h.firstTrial, y: 1, yanchor: "bottom", text: `restart ${h.restart}: λ = ${h.popsize}`, showarrow: false, font: { size: 10, color: COLORS.mean } })),
      uirevision: "cmaes",
    },
  };
}

export function cmaesVisual(root: HTMLElement, ctx: VisualContext): LessonVisual {
  root.dataset.control = "plot-cmaes";
  const sentence = document.createElement("p");
  sentence.className = "lesson-score";
  sentence.setAttribute("role", "status");
  root.append(sentence);
  const { el, note } = plotBox(root, "cmaes-plot");
  // The contour needs room to show the ellipses' shape, and σ its own strip under it.
  el.classList.add("tall");
  // One answer kept: an explanation holds every generation, so a cache of all of them would grow
  // with the square of the study.
  let answer: { key: string; value: CmaExplanation | { error: string } } | null = null;
  let asking: string | null = null;
  let shown: { names: string[]; ranges: Range[] } | null = null;
  const draw = () => {
    const trials = ctx.trials();
    const t = explainedTrial(trials);
    if (!t) {
      sentence.textContent = "Press Step: each trial's generation and the distribution it was drawn from appear here.";
      el.dataset.generations = "0";
      el.dataset.ellipses = "0";
      drawFigure(ctx, el, note, { note: "No trial yet." });
      return;
    }
    const key = `${ctx.spec().config.name ?? ""}#${t.number}`;
    if (answer?.key !== key) {
      if (asking !== key) {
        asking = key;
        ctx.ask({ kind: "cmaesExplain", request: { trial: t.number, points: ELLIPSE_POINTS } }).then(
          (r) => (answer = { key, value: r as CmaExplanation }),
          (e: Error) => (answer = { key, value: { error: e.message } }),
        ).finally(() => {
          if (asking === key) asking = null;
          draw();
        });
      }
      return;
    }
    const e = answer.value;
    if ("error" in e) {
      sentence.textContent = `The engine could not explain trial ${t.number}: ${e.error}`;
      drawFigure(ctx, el, note, { note: e.error });
      return;
    }
    const g = currentGeneration(e);
    sentence.textContent = cmaesSentence(e, t);
    el.dataset.trial = String(t.number);
    el.dataset.generations = String(e.generations.length);
    el.dataset.ellipses = String(e.generations.filter((h) => h.ellipse1.length > 0).length);
    el.dataset.restarts = String(g?.restart ?? 0);
    el.dataset.generation = g ? `${g.restart}:${g.generation}` : "";
    el.dataset.sigma = g ? String(g.sigma) : "";
    el.dataset.mean = g ? g.shownMean.join(",") : "";
    shown = { names: e.shown, ranges: e.shown.map((n) => rangeOf(e.axes.find((a) => a.name === n)?.distribution)).filter((r): r is Range => r !== null) };
    drawFigure(ctx, el, note, cmaesFigure(e, trials, String(ctx.spec().config.objective ?? "")));
  };
  el.addEventListener("click", (ev) => {
    if (!shown || shown.names.length !== 2 || shown.ranges.length !== 2) return;
    const p = clickedXY(el, ev.clientX, ev.clientY);
    if (!p) return;
    const [x, y] = p.map((v, i) => (shown!.ranges[i].log ? 10 ** v : v));
    const inside = [x, y].every((v, i) => v >= shown!.ranges[i].low && v <= shown!.ranges[i].high);
    if (inside) ctx.propose?.({ [shown.names[0]]: Number(x.toPrecision(4)), [shown.names[1]]: Number(y.toPrecision(4)) });
  });
  return { update: draw };
}

// The inside-TPE lesson's visual: what TPESampler thought when it chose a trial, as the engine
// explains it (`tpeExplain`: the sampler's own split, densities and candidates, recomputed from
// the trials before it). For one parameter at a time: l(x), the density of the good trials, and
// g(x), that of the others; below them, the candidates drawn from l with their score
// log l − log g, the chosen one (the highest) marked. Without a model yet (the random start-up
// trials), it says so. A click on the plot proposes that value as the next trial.
import type { Distribution, FrozenTrial, ParamValue, TpeExplanation, TpeParamExplanation } from "wasmtune";
import { type Figure, type PlotData, plotText } from "../../plots/figure";
import { type LessonVisual, type VisualContext, clickedX, drawFigure, plotBox } from "./visual";

const COLORS = { good: "#2a7", bad: "#c44", chosen: "#d80" };

/** The trial a position in the study explains: the last one shown (live: the latest). */
export function explainedTrial(trials: readonly FrozenTrial[]): FrozenTrial | undefined {
  let last: FrozenTrial | undefined;
  for (const t of trials) if (t.state !== "RUNNING" && (!last || t.number > last.number)) last = t;
  return last;
}

/** One sentence on what the sampler did for `e`'s trial and parameter `p`. */
export function tpeSentence(e: TpeExplanation, p: TpeParamExplanation): string {
  if (!p.model) {
    return `Trial ${e.trial}: ${p.name} was drawn at random. TPE models the trials only after ${e.nStartupTrials} have finished (n_startup_trials); ${e.nFinished} had.`;
  }
  const m = p.model;
  const v = m.candidates[m.chosen];
  return (
    `Trial ${e.trial}: of the ${e.nFinished} finished trials, the best ${m.nBelow} (γ) make l(${p.name}), the other ${m.nAbove} g(${p.name}). ` +
    `Of ${m.candidates.length} candidates drawn from l, ${p.name} = ${fmt(v)} has the highest log l − log g (${m.score[m.chosen].toFixed(2)}): likely good, unlikely bad.`
  );
}

const fmt = (v: ParamValue): string => (typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toPrecision(4)) : String(v));

/** The densities and the candidates' scores for one parameter's model. */
export function tpeFigure(e: TpeExplanation, p: TpeParamExplanation, trials: readonly FrozenTrial[]): Figure | { note: string } {
  const m = p.model;
  if (!m) return { note: tpeSentence(e, p) };
  const name = plotText(p.name);
  const log = (p.distribution as { attributes?: { log?: boolean } }).attributes?.log === true;
  const cat = m.kind === "mass";
  const earlier = trials.filter((t) => t.number < e.trial && t.state === "COMPLETE" && p.name in t.params);
  const data: PlotData[] = [
    { type: cat ? "bar" : "scatter", mode: "lines", name: `l(${name}): the ${m.nBelow} good`, x: m.axis, y: m.l, line: { color: COLORS.good, width: 2 }, marker: { color: COLORS.good }, opacity: cat ? 0.6 : 1 },
    { type: cat ? "bar" : "scatter", mode: "lines", name: `g(${name}): the ${m.nAbove} others`, x: m.axis, y: m.g, line: { color: COLORS.bad, width: 2, dash: "dot" }, marker: { color: COLORS.bad }, opacity: cat ? 0.6 : 1 },
    { type: "scatter", mode: "markers", name: "trials before it", x: earlier.map((t) => t.params[p.name]), y: earlier.map(() => 0), marker: { symbol: "line-ns-open", size: 12, color: "#567" }, hoverinfo: "x", showlegend: false },
    { type: "scatter", mode: "markers", name: "candidates (log l − log g)", x: m.candidates, y: m.score, yaxis: "y2", marker: { color: "#789", size: 7 } },
    { type: "scatter", mode: "markers", name: `chosen: ${fmt(m.candidates[m.chosen])}`, x: [m.candidates[m.chosen]], y: [m.score[m.chosen]], yaxis: "y2", marker: { symbol: "star", size: 15, color: COLORS.chosen, line: { width: 1, color: "#640" } } },
  ];
  return {
    data,
    layout: {
      margin: { l: 60, r: 20, t: 10, b: 40 },
      legend: { orientation: "h", y: -0.22 },
      barmode: "group",
      xaxis: { title: { text: name }, type: cat ? "category" : log ? "log" : "linear", anchor: "y2" },
      yaxis: { domain: [0.42, 1], title: { text: "density" }, rangemode: "tozero" },
      yaxis2: { domain: [0, 0.32], title: { text: "log l − log g" } },
      uirevision: "tpe",
    },
  };
}

export function tpeVisual(root: HTMLElement, ctx: VisualContext): LessonVisual {
  root.dataset.control = "plot-tpe";
  const tools = document.createElement("div");
  tools.className = "card-tools";
  const label = document.createElement("label");
  label.textContent = "parameter ";
  const pick = document.createElement("select");
  pick.id = "tpe-param";
  label.append(pick);
  tools.append(label);
  const sentence = document.createElement("p");
  sentence.className = "lesson-score";
  sentence.setAttribute("role", "status");
  root.append(tools, sentence);
  const { el, note } = plotBox(root, "tpe-plot");
  /** Each parameter's distribution (Optuna JSON) as the last explanation gave it. */
  const lastDistribution = new Map<string, Distribution>();
  // Answers by study and trial: a trial's explanation depends only on the trials before it.
  const answers = new Map<string, TpeExplanation | { error: string }>();
  let asking: string | null = null;
  const draw = () => {
    const trials = ctx.trials();
    const t = explainedTrial(trials);
    if (!t) {
      sentence.textContent = "Press Start or Step: the explanation of each trial appears here.";
      drawFigure(ctx, el, note, { note: "No trial yet." });
      return;
    }
    if (t.userAttrs.proposed_by === "you") {
      // Not the sampler's choice: there is no draw to explain, only its effect on the next one.
      const mine = Object.entries(t.params).map(([k, v]) => `${k} = ${fmt(v)}`).join(", ");
      sentence.textContent = `Trial ${t.number} was yours (${mine}): TPE did not choose it. Step, and the next trial's l and g count it.`;
      el.dataset.trial = String(t.number);
      el.dataset.phase = "yours";
      drawFigure(ctx, el, note, { note: "Your trial: nothing for the sampler to explain." });
      return;
    }
    const key = `${ctx.spec().config.name ?? ""}#${t.number}`;
    const answer = answers.get(key);
    if (!answer) {
      if (asking !== key) {
        asking = key;
        ctx.ask({ kind: "tpeExplain", request: { trial: t.number, resolution: 200 } }).then(
          (r) => answers.set(key, r as TpeExplanation),
          (e: Error) => answers.set(key, { error: e.message }),
        ).finally(() => {
          if (asking === key) asking = null;
          draw();
        });
      }
      return;
    }
    if ("error" in answer) {
      sentence.textContent = `The engine could not explain trial ${t.number}: ${answer.error}`;
      drawFigure(ctx, el, note, { note: answer.error });
      return;
    }
    const names = answer.params.map((p) => p.name);
    if ([...pick.options].map((o) => o.value).join("\u0000") !== names.join("\u0000")) {
      const keep = pick.value;
      pick.replaceChildren(...names.map((n) => new Option(n, n)));
      if (names.includes(keep)) pick.value = keep;
    }
    const p = answer.params.find((q) => q.name === pick.value) ?? answer.params[0];
    for (const q of answer.params) lastDistribution.set(q.name, q.distribution as Distribution);
    sentence.textContent = tpeSentence(answer, p);
    el.dataset.trial = String(answer.trial);
    el.dataset.phase = p.model ? "tpe" : "startup";
    el.dataset.chosen = p.model ? String(p.model.candidates[p.model.chosen]) : "";
    drawFigure(ctx, el, note, tpeFigure(answer, p, trials));
  };
  pick.addEventListener("change", draw);
  // A click on the plot proposes that value of the shown parameter as the next trial (the others
  // left to the sampler): then the next explanation shows how the model took it in.
  el.addEventListener("click", (e) => {
    const shown = pick.value;
    const d = lastDistribution.get(shown);
    if (!d || d.name !== "FloatDistribution") return;
    const raw = clickedX(el, e.clientX);
    if (raw === null) return;
    const x = d.attributes.log ? 10 ** raw : raw;
    if (x >= d.attributes.low && x <= d.attributes.high) ctx.propose?.({ [shown]: Number(x.toPrecision(4)) });
  });
  return { update: draw };
}

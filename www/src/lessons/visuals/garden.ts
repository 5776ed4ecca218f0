// The garden lesson's visual: the fence problem drawn to scale. Two gardens against the wall, the
// latest trial's and the best one's (sides x, 500 − 2x), and below them the curve A(x) with every
// trial on it. A click on the curve proposes that x as the next trial.
import type { FrozenTrial } from "wasmtune";
import type { Figure, PlotData } from "../../plots/figure";
import { garden as gardenObjective } from "../../objectives/garden";
import { type LessonVisual, type VisualContext, bestOf, clickedX, completed, drawFigure, plotBox } from "./visual";

const FENCE = 500;
const SVG_NS = "http://www.w3.org/2000/svg";
/** Both gardens at one scale, so that their sizes compare: 500 m of wall in `WALL_PX` px. */
const WALL_PX = 260;
const SCALE = WALL_PX / FENCE;

/** The curve A(x) over the search range, every trial on it, the best and the latest marked. */
export function gardenFigure(trials: readonly FrozenTrial[], rival: readonly FrozenTrial[]): Figure {
  const xs = Array.from({ length: 126 }, (_, i) => i * 2);
  const done = completed(trials);
  const best = bestOf(trials, "maximize");
  const latest = done.at(-1);
  const yours = done.filter((t) => t.userAttrs.proposed_by === "you");
  const sampled = done.filter((t) => t.userAttrs.proposed_by !== "you");
  const data: PlotData[] = [
    { type: "scatter", mode: "lines", name: "A(x) = x·(500 − 2x)", x: xs, y: xs.map((x) => gardenObjective.evaluate({ x }) as number), line: { color: "#9ab" }, hoverinfo: "skip" },
    { type: "scatter", mode: "markers", name: "trials", x: sampled.map((t) => t.params.x), y: sampled.map((t) => t.value), marker: { color: sampled.map((t) => t.number), colorscale: "Blues", size: 7, line: { width: 0.5, color: "#234" } }, text: sampled.map((t) => `trial ${t.number}`) },
  ];
  if (yours.length) {
    data.push({ type: "scatter", mode: "markers", name: "your trials", x: yours.map((t) => t.params.x), y: yours.map((t) => t.value), marker: { symbol: "diamond", size: 10, color: "#d80", line: { width: 1, color: "#640" } }, text: yours.map((t) => `trial ${t.number} (you)`) });
  }
  const rivalDone = completed(rival);
  if (rivalDone.length) {
    data.push({ type: "scatter", mode: "markers", name: "race rival", x: rivalDone.map((t) => t.params.x), y: rivalDone.map((t) => t.value), marker: { symbol: "x", color: "#a60", size: 6 } });
  }
  if (best) data.push({ type: "scatter", mode: "markers", name: "best", x: [best.params.x], y: [best.value], marker: { symbol: "star", size: 14, color: "#2a7" } });
  if (latest) data.push({ type: "scatter", mode: "markers", name: "latest", x: [latest.params.x], y: [latest.value], marker: { symbol: "circle-open", size: 14, color: "#c44", line: { width: 2 } } });
  return {
    data,
    layout: {
      margin: { l: 60, r: 20, t: 10, b: 40 },
      legend: { orientation: "h", x: 0, y: 1.02, yanchor: "bottom" },
      xaxis: { title: { text: "x (m)" }, range: [0, 250] },
      yaxis: { title: { text: "area (m²)" }, range: [0, 33000] },
      uirevision: "garden",
    },
  };
}

/** One garden against the wall: x deep, 500 − 2x along it, at `scale` px per metre. */
function gardenGroup(label: string, t: FrozenTrial | undefined, scale: number, left: number, color: string): SVGGElement {
  const g = document.createElementNS(SVG_NS, "g");
  g.setAttribute("data-garden", label);
  const caption = document.createElementNS(SVG_NS, "text");
  caption.setAttribute("x", String(left));
  caption.setAttribute("y", "14");
  caption.setAttribute("class", "garden-caption");
  if (!t) {
    caption.textContent = `${label}: none yet`;
    g.append(caption);
    return g;
  }
  const x = Number(t.params.x);
  const along = FENCE - 2 * x;
  g.dataset.x = String(x);
  caption.textContent = `${label} (trial ${t.number}): x = ${x.toFixed(1)} m, A = ${Math.round(t.value!).toLocaleString("en")} m²`;
  const wall = document.createElementNS(SVG_NS, "rect");
  wall.setAttribute("x", String(left));
  wall.setAttribute("y", "22");
  wall.setAttribute("width", String(FENCE * scale));
  wall.setAttribute("height", "5");
  wall.setAttribute("class", "garden-wall");
  const bed = document.createElementNS(SVG_NS, "rect");
  bed.setAttribute("x", String(left + ((FENCE - along) / 2) * scale));
  bed.setAttribute("y", "27");
  bed.setAttribute("width", String(Math.max(along * scale, 0.5)));
  bed.setAttribute("height", String(Math.max(x * scale, 0.5)));
  bed.setAttribute("fill", color);
  bed.setAttribute("class", "garden-bed");
  g.append(caption, wall, bed);
  return g;
}

/** The lesson's contest (issue #18's score line): the best area of the student's `k` proposals
 *  against the best of the sampler's first `k` trials, and of the race rival's: the same number
 *  of tries each. Null where a contestant has no complete trial among them. */
export function gardenScore(
  trials: readonly FrozenTrial[],
  rival: readonly FrozenTrial[],
): { k: number; you: number | null; sampler: number | null; rival: number | null } {
  const best = (ts: FrozenTrial[]) => (ts.length ? Math.max(...ts.map((t) => t.value!)) : null);
  const byNumber = (ts: readonly FrozenTrial[]) => completed(ts).sort((a, b) => a.number - b.number);
  const mine = byNumber(trials);
  const yours = mine.filter((t) => t.userAttrs.proposed_by === "you");
  const k = yours.length;
  return {
    k,
    you: best(yours),
    sampler: best(mine.filter((t) => t.userAttrs.proposed_by !== "you").slice(0, k)),
    rival: best(byNumber(rival).slice(0, k)),
  };
}

export function gardenVisual(root: HTMLElement, ctx: VisualContext): LessonVisual {
  root.dataset.control = "garden";
  const drawing = document.createElementNS(SVG_NS, "svg");
  drawing.setAttribute("viewBox", `0 0 ${2 * WALL_PX + 60} ${28 + 250 * SCALE}`);
  drawing.setAttribute("class", "garden-drawing");
  drawing.setAttribute("role", "img");
  drawing.setAttribute("aria-label", "The latest and the best garden against the wall, to scale");
  const hint = document.createElement("p");
  hint.className = "hint";
  hint.textContent = "A(x) with every trial: click on the curve to propose an x as the next trial (yours are diamonds).";
  const score = document.createElement("p");
  score.className = "lesson-score";
  root.append(drawing, hint, score);
  const { el, note } = plotBox(root, "garden-curve");
  el.classList.add("short");
  el.addEventListener("click", (e) => {
    const x = clickedX(el, e.clientX);
    if (x !== null && x >= 0 && x <= 250) ctx.propose?.({ x: Math.round(x * 10) / 10 });
  });
  return {
    update() {
      const trials = ctx.trials();
      const done = completed(trials);
      drawing.replaceChildren(gardenGroup("latest", done.at(-1), SCALE, 10, "#c9d9a0"), gardenGroup("best", bestOf(trials, "maximize"), SCALE, WALL_PX + 50, "#8c6"));
      drawFigure(ctx, el, note, gardenFigure(trials, ctx.rival()));
      const s = gardenScore(trials, ctx.rival());
      const spec = ctx.spec();
      const m = (a: number | null) => (a === null ? "–" : `${Math.round(a).toLocaleString("en-US")} m²`);
      score.textContent =
        s.k === 0
          ? "Click on the curve to try an x yourself: your best is then set against the samplers' after as many trials."
          : `Best area after ${s.k} trial${s.k === 1 ? "" : "s"} each: you ${m(s.you)} · ${spec.config.sampler.name} ${m(s.sampler)}${spec.race ? ` · ${spec.race} ${m(s.rival)}` : ""}`;
      score.dataset.k = String(s.k);
      score.dataset.you = String(s.you);
      score.dataset.sampler = String(s.sampler);
      score.dataset.rival = String(s.rival);
    },
  };
}

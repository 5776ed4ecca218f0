// Pareto front (Optuna's plot_pareto_front) with the hypervolume history beside it (Optuna's
// plot_hypervolume_history): 2 objectives on a plane, 3 in a 3-D scene. The study's Pareto-optimal
// trials and the hypervolume come from the engine (through the study worker); infeasible trials
// (a constraint value > 0, Optuna's `constraints` attribute) are drawn apart in grey.
import type { FrozenTrial } from "wasmtune";
import { type PlotData, type PlotResult, baseLayout, scatterType } from "./figure";
import { objectiveLabels } from "./parallel";

export const PARETO_NEEDS_OBJECTIVES =
  "Pareto front: needs a study with 2 or 3 objectives (this one has one). Pick a multi-objective problem such as Binh–Korn or DTLZ2.";
export const NO_PARETO_TRIALS = "Pareto front: no complete trial yet.";

/** What the study worker computes for this plot. */
export interface ParetoInfo {
  /** Trial numbers on the study's Pareto front. */
  front: number[];
  /** Hypervolume after each listed trial, against `reference` (in each objective's direction). */
  history: [number, number][];
  reference: number[];
}

/** A race's rival study on the same problem, drawn beside the page's. */
export interface RivalFront {
  name: string;
  trials: readonly FrozenTrial[];
  info: ParetoInfo | null;
}

/** Colors of the rivals' trials and fronts (the page's study is blue and red). */
const RIVAL_COLORS: [string, string][] = [["#fdd0a2", "#e6550d"], ["#c7e9c0", "#31a354"], ["#dadaeb", "#756bb1"]];

export function feasible(t: FrozenTrial): boolean {
  const c = t.systemAttrs?.constraints;
  return !Array.isArray(c) || c.every((v) => typeof v === "number" && v <= 0);
}

/** The Pareto front of `trials` (front membership and hypervolume from the engine's `info`), with
 *  each rival's trials and front overlaid and its hypervolume beside the page's (the same
 *  reference point, when the page asked for one shared). */
export function paretoPlot(trials: readonly FrozenTrial[], nObjectives: number, info: ParetoInfo | null, rivals: readonly RivalFront[] = []): PlotResult {
  if (nObjectives < 2 || nObjectives > 3) return { note: PARETO_NEEDS_OBJECTIVES };
  const complete = trials.filter((t) => t.state === "COMPLETE" && t.values && t.values.length === nObjectives);
  if (!complete.length) return { note: NO_PARETO_TRIALS };
  const front = new Set(info?.front ?? []);
  const groups: [string, FrozenTrial[], string][] = [
    ["Trial", complete.filter((t) => feasible(t) && !front.has(t.number)), "#6baed6"],
    ["Best trial", complete.filter((t) => front.has(t.number)), "#d62728"],
    ["Infeasible trial", complete.filter((t) => !feasible(t)), "#bbbbbb"],
  ];
  rivals.forEach((r, i) => {
    const [light, dark] = RIVAL_COLORS[i % RIVAL_COLORS.length];
    const theirs = r.trials.filter((t) => t.state === "COMPLETE" && t.values && t.values.length === nObjectives && feasible(t));
    const best = new Set(r.info?.front ?? []);
    // Drawn first, so that the page's own front stays on top where the fronts meet.
    groups.splice(2 * i, 0, [`${r.name}: trial`, theirs.filter((t) => !best.has(t.number)), light], [`${r.name}: best`, theirs.filter((t) => best.has(t.number)), dark]);
  });
  const labels = objectiveLabels(nObjectives);
  const three = nObjectives === 3;
  const data: PlotData[] = groups
    .filter(([name, rows]) => rows.length || name !== "Infeasible trial")
    .map(([name, rows, color]) => ({
      type: three ? "scatter3d" : scatterType(complete.length),
      mode: "markers",
      name,
      x: rows.map((t) => t.values![0]),
      y: rows.map((t) => t.values![1]),
      ...(three ? { z: rows.map((t) => t.values![2]), scene: "scene" } : {}),
      text: rows.map((t) => `trial ${t.number}`),
      marker: { size: three ? 3 : 6, color },
    }));
  const layout = baseLayout("Pareto front and hypervolume history", "pareto");
  if (three) {
    layout.scene = { domain: { x: [0, 0.58], y: [0, 1] }, xaxis: { title: { text: labels[0] } }, yaxis: { title: { text: labels[1] } }, zaxis: { title: { text: labels[2] } } };
  } else {
    layout.xaxis = { domain: [0, 0.55], title: { text: labels[0] } };
    layout.yaxis = { title: { text: labels[1] } };
  }
  if (info?.history.length) {
    data.push({
      type: "scatter",
      mode: "lines+markers",
      name: "Hypervolume",
      x: info.history.map(([n]) => n),
      y: info.history.map(([, hv]) => hv),
      xaxis: "x2",
      yaxis: "y2",
      marker: { size: 3 },
      line: { color: "#2ca02c" },
    });
    rivals.forEach((r, i) => {
      if (!r.info?.history.length) return;
      data.push({
        type: "scatter",
        mode: "lines+markers",
        name: `${r.name}: hypervolume`,
        x: r.info.history.map(([n]) => n),
        y: r.info.history.map(([, hv]) => hv),
        xaxis: "x2",
        yaxis: "y2",
        marker: { size: 3 },
        line: { color: RIVAL_COLORS[i % RIVAL_COLORS.length][1], dash: "dot" },
      });
    });
    layout.xaxis2 = { domain: [0.68, 1], anchor: "y2", title: { text: "Trial" } };
    layout.yaxis2 = { anchor: "x2", title: { text: "Hypervolume" } };
  }
  return { data, layout };
}

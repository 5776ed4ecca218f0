// The page's whole configuration is one `RunSpec` (the engine's StudyConfig plus the custom code),
// kept in the URL hash: sharing a study is copying the link.
import type { Direction, Distribution, StudyConfig } from "wasmtune";
import { BUILTIN_OBJECTIVES, CUSTOM_ID, DEFAULT_CUSTOM_CODE, builtinObjective } from "./objectives";
import type { RunSpec } from "./protocol";
export { readViewOptions } from "./view-options";

/** Main options per sampler, with Optuna's keyword names and defaults, so that Optuna's docs apply.
 *  `seed` has its own field. Samplers not listed start with no options. */
export const SAMPLER_OPTIONS: Record<string, Record<string, unknown>> = {
  RandomSampler: {},
  QMCSampler: { qmc_type: "sobol", scramble: false },
  BruteForceSampler: { avoid_premature_stop: false },
  TPESampler: { n_startup_trials: 10, n_ei_candidates: 24, multivariate: false },
  CmaEsSampler: { sigma0: null, n_startup_trials: 1 },
  GPSampler: { n_startup_trials: 10, deterministic_objective: false },
  SMACSampler: { n_trials: 100, surrogate_model_rf_num_trees: 10, init_design_type: "sobol", acq_func_type: "ei_log" },
  NSGAIISampler: { population_size: 50 },
  NSGAIIISampler: { population_size: 50, dividing_parameter: 3 },
  AutoSampler: { switch_trials: null, cma_es_start: "best", gp_every: 2 },
};

/** Options per pruner, with Optuna's keyword names: sensible starting points for the 30-step
 *  learning-curve objective (Optuna's defaults otherwise). */
export const PRUNER_OPTIONS: Record<string, Record<string, unknown>> = {
  NopPruner: {},
  MedianPruner: { n_startup_trials: 5, n_warmup_steps: 5 },
  PercentilePruner: { percentile: 25.0, n_startup_trials: 5, n_warmup_steps: 5 },
  ThresholdPruner: { upper: 2.0 },
  PatientPruner: { wrapped_pruner: { name: "MedianPruner", kwargs: { n_startup_trials: 5, n_warmup_steps: 5 } }, patience: 3 },
  SuccessiveHalvingPruner: { min_resource: 1, reduction_factor: 3, min_early_stopping_rate: 0 },
  HyperbandPruner: { min_resource: 1, max_resource: 30, reduction_factor: 3 },
  WilcoxonPruner: { p_threshold: 0.1, n_startup_steps: 2 },
};

export function defaultPrunerOptions(name: string): Record<string, unknown> {
  return structuredClone(PRUNER_OPTIONS[name] ?? {});
}

/** Options for a sampler, given the search space (GridSampler needs the grid itself). */
export function defaultSamplerOptions(name: string, space: Record<string, Distribution> | undefined): Record<string, unknown> {
  if (name === "GridSampler") return { search_space: gridFor(space ?? {}, 5) };
  if (name === "PartialFixedSampler") {
    const first = Object.keys(space ?? {})[0];
    const d = first ? space![first] : undefined;
    const fixed = d && d.name !== "CategoricalDistribution" ? { [first!]: d.attributes.low } : {};
    return { fixed_params: fixed, base_sampler: { name: "RandomSampler" } };
  }
  return structuredClone(SAMPLER_OPTIONS[name] ?? {});
}

/** `points` evenly spaced values per numeric parameter (every choice for a categorical). */
export function gridFor(space: Record<string, Distribution>, points: number): Record<string, unknown[]> {
  const grid: Record<string, unknown[]> = {};
  for (const [name, d] of Object.entries(space)) {
    if (d.name === "CategoricalDistribution") {
      grid[name] = [...d.attributes.choices];
      continue;
    }
    const { low, high, log } = d.attributes;
    const values = Array.from({ length: points }, (_, i) => {
      const t = i / (points - 1);
      const v = log ? Math.exp(Math.log(low) + t * (Math.log(high) - Math.log(low))) : low + t * (high - low);
      return d.name === "IntDistribution" ? Math.round(v) : Number(v.toPrecision(12));
    });
    grid[name] = [...new Set(values)];
  }
  return grid;
}

/** The spec the page starts with: the garden study, AutoSampler (it picks the sampler and says
 *  why), 100 trials, seed 1. */
export function defaultSpec(objective = "garden"): RunSpec {
  const builtin = builtinObjective(objective);
  const directions: Direction[] = builtin ? builtin.directions : ["minimize"];
  const space = builtin ? structuredClone(builtin.searchSpace) : undefined;
  const config: StudyConfig = {
    objective,
    directions,
    sampler: { name: "AutoSampler", kwargs: null },
    pruner: { name: "NopPruner", kwargs: null },
    n_trials: 100,
    seed: 1,
  };
  if (space) config.search_space = space;
  return objective === CUSTOM_ID ? { config, code: DEFAULT_CUSTOM_CODE } : { config };
}

export function encodeSpec(spec: RunSpec): string {
  return "#" + encodeURIComponent(JSON.stringify(spec));
}

/** Reads a spec from a URL hash; anything unreadable gives the default (the engine validates
 *  the rest when the study starts, with its own messages). */
export function decodeSpec(hash: string): RunSpec {
  const text = hash.startsWith("#") ? hash.slice(1) : hash;
  if (!text) return defaultSpec();
  try {
    const spec = JSON.parse(decodeURIComponent(text)) as RunSpec;
    const id = spec?.config?.objective;
    const known = id === CUSTOM_ID || BUILTIN_OBJECTIVES.some((o) => o.id === id);
    if (!known || !Array.isArray(spec.config.directions) || typeof spec.config.sampler?.name !== "string") {
      return defaultSpec();
    }
    if (id === CUSTOM_ID && typeof spec.code !== "string") spec.code = DEFAULT_CUSTOM_CODE;
    if (spec.workers !== undefined && !(Number.isInteger(spec.workers) && spec.workers >= 1)) delete spec.workers;
    if (spec.race !== undefined && typeof spec.race !== "string") delete spec.race;
    if (spec.timeout !== undefined && !(typeof spec.timeout === "number" && Number.isFinite(spec.timeout) && spec.timeout >= 0)) delete spec.timeout;
    if (spec.lesson !== undefined && typeof spec.lesson !== "string") delete spec.lesson;
    if (spec.terminate !== undefined && spec.terminate !== true) delete spec.terminate;
    if (spec.hide !== undefined) spec.hide = Array.isArray(spec.hide) ? spec.hide.filter((h): h is string => typeof h === "string") : undefined;
    return spec;
  } catch {
    return defaultSpec();
  }
}


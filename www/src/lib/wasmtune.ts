// The typed JS API over the wasm bindings: `createStudy`, `study.optimize`, `trial.suggestFloat`...
// It translates (camelCase methods, option objects, JS exceptions) and drives the async objective
// loop, because an engine call cannot await a JS promise. Every decision (sampling, validation, the
// best trial, a trial's state) is the engine's; nothing here re-implements it.
//
//   await init();
//   const study = createStudy({ directions: ["maximize"], sampler: { name: "RandomSampler", seed: 1 } });
//   await study.optimize((trial) => {
//     const x = trial.suggestFloat("x", 0, 250);
//     return 500 * x - 2 * x * x;
//   }, { nTrials: 100 });
//   study.bestValue; study.bestParams; study.trials;

/**
 * Optuna's samplers, pruners and journal storage for JavaScript: `createStudy`, `study.optimize`,
 * `trial.suggestFloat`, ask and tell.
 * @module wasmtune
 */

import initWasm, {
  WasmStudy,
  hypervolume as wasmHypervolume,
  paretoFront as wasmParetoFront,
  journalStudies as wasmJournalStudies,
  samplerNames as wasmSamplerNames,
  prunerNames as wasmPrunerNames,
} from "../../pkg/wasmtune.js";
import type { InitInput } from "../../pkg/wasmtune.js";
/** What `init` takes: the wasm module, its bytes, a `Response`, or its URL. */
export type { InitInput };

/** Which way an objective is optimized (Optuna's `StudyDirection`). */
export type Direction = "minimize" | "maximize";
/** A parameter's value as the objective sees it (categorical choices are JSON scalars). */
export type ParamValue = number | string | boolean | null;
/** Optuna's trial states. */
export type TrialState = "RUNNING" | "COMPLETE" | "PRUNED" | "FAIL" | "WAITING";

/** A distribution in Optuna's JSON (`optuna.distributions.distribution_to_json`). */
export type Distribution =
  | { name: "FloatDistribution"; attributes: { low: number; high: number; log: boolean; step: number | null } }
  | { name: "IntDistribution"; attributes: { low: number; high: number; log: boolean; step: number } }
  | { name: "CategoricalDistribution"; attributes: { choices: ParamValue[] } };

/** A recorded trial (Optuna's `FrozenTrial`, camelCase), as a plain object. */
export interface FrozenTrial {
  /** Position in the study, from 0. */
  number: number;
  /** Where the trial is in its life. */
  state: TrialState;
  /** One value per objective once complete; null otherwise. */
  values: number[] | null;
  /** The single objective value (single-objective studies), else null. */
  value: number | null;
  /** Suggested values by parameter name, as the objective received them. */
  params: Record<string, ParamValue>;
  /** Each parameter's distribution, in Optuna's JSON. */
  distributions: Record<string, Distribution>;
  /** Reported values by step (`trial.report`); keys are the steps as strings. */
  intermediateValues: Record<string, number>;
  /** What the objective recorded with `trial.setUserAttr`. */
  userAttrs: Record<string, unknown>;
  /** Engine and sampler attributes; `fail_reason` says why a trial failed. */
  systemAttrs: Record<string, unknown>;
  /** Milliseconds since the Unix epoch. */
  datetimeStart: number | null;
  /** Milliseconds since the Unix epoch, once finished. */
  datetimeComplete: number | null;
  /** Milliseconds, once finished. */
  duration: number | null;
}

/** A sampler or pruner: Optuna's class name and Optuna's keyword arguments, e.g.
 *  `{ name: "QMCSampler", qmc_type: "halton", seed: 1 }`. */
export interface ComponentOptions {
  /** Optuna's class name, e.g. `"TPESampler"` or `"MedianPruner"` (or OptunaHub's `"SMACSampler"`). */
  name: string;
  /** Optuna's keyword arguments, e.g. `n_startup_trials` or `seed`. */
  [keyword: string]: unknown;
}

/** What `createStudy` takes. */
export interface StudyOptions {
  /** One per objective (default `["minimize"]`). */
  directions?: Direction[];
  /** Shorthand for a single objective. */
  direction?: Direction;
  /** The sampler (default `RandomSampler`): Optuna's class name and keyword arguments. */
  sampler?: ComponentOptions;
  /** The pruner (default `NopPruner`). */
  pruner?: ComponentOptions;
  /** Given to the sampler when its options set no `seed`. */
  seed?: number;
  /** The study's name (what a journal records and Optuna's `load_study` finds it by). */
  studyName?: string;
}

/** The engine's one serializable study configuration (`StudyConfig` in crate/src/config.rs),
 *  shared with the CLI, the page and its URL state; keys as the engine spells them. */
export interface StudyConfig {
  /** The study's name. */
  name?: string;
  /** Which of the page's objectives the study runs (the engine does not read it). */
  objective?: string;
  /** One per objective. */
  directions: Direction[];
  /** The sampler: Optuna's class name and keyword arguments (null for none). */
  sampler: { name: string; kwargs: Record<string, unknown> | null };
  /** The pruner, likewise. */
  pruner: { name: string; kwargs: Record<string, unknown> | null };
  /** A fixed search space (define-and-run: the CLI and fixed-space objectives). */
  search_space?: Record<string, Distribution>;
  /** The trial budget. */
  n_trials?: number;
  /** Given to the sampler when its kwargs set no `seed`. */
  seed?: number;
}

let ready = false;

/** Loads the wasm module (once; later calls return at once). Pass the module or its URL where
 *  the default (next to `wasmtune.js`) does not apply. */
export async function init(module?: InitInput): Promise<void> {
  if (ready) return;
  await initWasm(module === undefined ? undefined : { module_or_path: module });
  ready = true;
}

function requireInit(): void {
  if (!ready) throw new Error("wasmtune: call `await init()` before creating a study");
}

/** The sampler class names this build knows. */
export function samplerNames(): string[] {
  requireInit();
  return wasmSamplerNames();
}

/** The pruner class names this build knows. */
export function prunerNames(): string[] {
  requireInit();
  return wasmPrunerNames();
}

function splitComponent(c: ComponentOptions): { name: string; kwargs: Record<string, unknown> | null } {
  const { name, ...kwargs } = c;
  return { name, kwargs: Object.keys(kwargs).length ? kwargs : null };
}

/** `createStudy`'s options as the engine's configuration. */
export function toStudyConfig(options: StudyOptions = {}): StudyConfig {
  if (options.direction && options.directions) {
    throw new Error("createStudy: give `direction` or `directions`, not both");
  }
  const config: StudyConfig = {
    directions: options.directions ?? [options.direction ?? "minimize"],
    sampler: splitComponent(options.sampler ?? { name: "RandomSampler" }),
    pruner: splitComponent(options.pruner ?? { name: "NopPruner" }),
  };
  if (options.seed !== undefined) config.seed = options.seed;
  if (options.studyName !== undefined) config.name = options.studyName;
  return config;
}

import { TrialPruned } from "./pruned.js";
export { TrialPruned };

/** The error wasm-bindgen throws carries the engine's message; keep it, drop the wrapper. */
function rethrow(e: unknown): never {
  if (e instanceof Error) throw e;
  throw new Error(String(e));
}

function call<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    rethrow(e);
  }
}

/** A running trial (define-by-run): what an objective receives. */
export class Trial {
  /** @hidden Trials come from `study.ask()` or as the objective's argument. */
  constructor(
    private readonly inner: WasmStudy,
    /** Position in the study, from 0. */
    readonly number: number,
  ) {}

  /** A float in [low, high]; `step` discretizes, `log` samples on a log scale. */
  suggestFloat(name: string, low: number, high: number, options: { step?: number; log?: boolean } = {}): number {
    return call(() => this.inner.suggestFloat(this.number, name, low, high, options.step, options.log ?? false));
  }

  /** An integer in [low, high] (both included). */
  suggestInt(name: string, low: number, high: number, options: { step?: number; log?: boolean } = {}): number {
    return call(() => this.inner.suggestInt(this.number, name, low, high, options.step ?? 1, options.log ?? false));
  }

  /** One of `choices` (null, booleans, numbers, strings). */
  suggestCategorical<T extends ParamValue>(name: string, choices: readonly T[]): T {
    return call(() => this.inner.suggestCategorical(this.number, name, choices)) as T;
  }

  /** Suggests from a distribution in Optuna's JSON. */
  suggest(name: string, distribution: Distribution): ParamValue {
    return call(() => this.inner.suggest(this.number, name, distribution)) as ParamValue;
  }

  /** Records an intermediate value at `step` (a non-negative integer). */
  report(value: number, step: number): void {
    call(() => this.inner.report(this.number, value, step));
  }

  /** Whether the pruner says to stop now (then throw `new TrialPruned()`). */
  shouldPrune(): boolean {
    return call(() => this.inner.shouldPrune(this.number));
  }

  /** Records a value (anything JSON can hold) with the trial, as Optuna's `set_user_attr`. */
  setUserAttr(key: string, value: unknown): void {
    call(() => this.inner.setUserAttr(this.number, key, value));
  }

  /** Constraint values (feasible when every one is ≤ 0; Optuna's `constraints` attribute). */
  setConstraint(values: number[]): void {
    call(() => this.inner.setConstraint(this.number, values));
  }
}

/** What `study.importances` takes (Optuna's `get_param_importances` arguments). */
export interface ImportanceRequest {
  /** Optuna's evaluator class (default fANOVA). */
  evaluator?: "FanovaImportanceEvaluator" | "PedAnovaImportanceEvaluator";
  /** The evaluator's keyword arguments, e.g. `seed` or `n_trees`. */
  kwargs?: Record<string, unknown>;
  /** The parameters to assess (default: every parameter of the complete trials). */
  params?: string[];
  /** Which objective, for a multi-objective study (its index). */
  target?: number;
  /** Whether the importances sum to 1 (default true, as Optuna). */
  normalize?: boolean;
  /** Only the trials numbered below this: the study as it was after that many trials. */
  before?: number;
}

/** What the GP sampler's model believes over one or two parameters (objective units). 1-D: flat
 *  arrays of length n; 2-D: z[j][i], j along the second parameter (Plotly's contour layout). */
export interface GpBelief {
  /** The one or two parameters the belief is drawn over. */
  params: string[];
  /** The grid along each parameter, in its units. */
  axes: number[][];
  /** The model's posterior mean at each grid point. */
  mean: number[] | number[][];
  /** The posterior standard deviation, likewise. */
  std: number[] | number[][];
  /** The acquisition function (log EI) the sampler maximizes, likewise. */
  acquisition: number[] | number[][];
  /** How many complete trials the model was fitted to. */
  nTrials: number;
}

/** Which trial `study.tpeExplain` explains. */
export interface TpeExplainRequest {
  /** The trial's number. */
  trial: number;
  /** Parameters to explain (default: all the trial's, in suggestion order). */
  params?: string[];
  /** Points on each density's axis (default 200, 2 to 2000). */
  resolution?: number;
}

/** Random startup sampling (before `n_startup_trials` complete or pruned trials) or the model. */
export type TpePhase = "startup" | "tpe";

/** What TPE weighed for one parameter of a trial. */
export interface TpeModel {
  /** Observations in the good set (l's): Optuna's gamma rule, min(ceil(0.1 n), 25) by default. */
  nBelow: number;
  /** Observations in the bad set (g's), running trials included under the constant liar. */
  nAbove: number;
  /** The good set's share of the finished trials the model saw. */
  gamma: number;
  /** "density" for continuous floats (per unit of ln x on a log scale); "mass" for categorical,
   *  integer and stepped parameters (the probability of each value). */
  kind: "density" | "mass";
  /** Whether the parameter was drawn jointly with others (multivariate): then `l` and `g` are
   *  its marginals and `logL`, `logG`, `score` are the joint ones. */
  joint: boolean;
  /** The parameters drawn together with it (itself included). */
  group: string[];
  /** Values of the parameter in its own units (geometric for log scales; every choice of a
   *  categorical; grid values for integers and stepped floats). */
  axis: ParamValue[];
  /** l, the good set's density (or mass) at each axis value. */
  l: number[];
  /** g, the bad set's density (or mass) at each axis value. */
  g: number[];
  /** The candidates drawn from l, in draw order (this parameter's value of each). */
  candidates: ParamValue[];
  /** log l at each candidate. */
  logL: number[];
  /** log g at each candidate. */
  logG: number[];
  /** logL − logG: the score TPE maximizes. */
  score: number[];
  /** Index of the candidate kept (the best score). */
  chosen: number;
}

/** One parameter of an explained trial. */
export interface TpeParamExplanation {
  /** The parameter's name. */
  name: string;
  /** Its distribution, in Optuna's JSON. */
  distribution: Distribution;
  /** Whether this parameter came from the random startup or the model. */
  phase: TpePhase;
  /** What the model picks (null in startup, where the value was random). */
  value: ParamValue | null;
  /** What the trial has. */
  recorded: ParamValue;
  /** The model; null in startup and for a distribution with a single value. */
  model: TpeModel | null;
}

/** Why TPESampler picked a trial's parameters: the engine's replay of its own draw. */
export interface TpeExplanation {
  /** The trial's number. */
  trial: number;
  /** Whether the trial came from the random startup or the model. */
  phase: TpePhase;
  /** Complete and pruned trials when the trial started. */
  nFinished: number;
  /** The sampler's `n_startup_trials`. */
  nStartupTrials: number;
  /** Whether the sampler models parameters jointly. */
  multivariate: boolean;
  /** Whether each modelled `value` is the sampler's draw replayed exactly (then it equals
   *  `recorded`): a seeded study, and no other trial ran while this one did. */
  reproduced: boolean;
  /** Why the replay is not exact, when it is not. */
  caveat: string | null;
  /** Each parameter, in suggestion order (or as requested). */
  params: TpeParamExplanation[];
}

/** Up to which trial, and on which parameters, `study.cmaesExplain` explains. */
export interface CmaExplainRequest {
  /** The last trial to take into account (default: every trial). */
  trial?: number;
  /** One or two parameters of the space CMA-ES searches (default: its first two). */
  params?: string[];
  /** Points on each ellipse (default 64, 8 to 1000). */
  points?: number;
}

/** One generation of a CMA-ES search: the distribution N(mean, sigma² cov) in the sampler's
 *  [0, 1] box, and the trials drawn from it. */
export interface CmaGeneration {
  /** Restarts before this run (IPOP and BIPOP start runs with larger populations). */
  restart: number;
  /** The generation within its run. */
  generation: number;
  /** λ, trials per generation. */
  popsize: number;
  /** σ, the step size. */
  sigma: number;
  /** The distribution's mean, in the box. */
  mean: number[];
  /** Row-major, in the box. */
  cov: number[];
  /** The mean on the shown parameters, in their units. */
  shownMean: number[];
  /** The 1σ contour on the shown parameters (closed: the first point repeated last); with one
   *  shown parameter, the interval's two ends. */
  ellipse1: number[][];
  /** The 2σ contour, likewise. */
  ellipse2: number[][];
  /** The trial whose start recorded this distribution. */
  firstTrial: number;
  /** The trials drawn from it, in number order. */
  trials: number[];
}

/** A CMA-ES study explained up to one trial: every generation's search distribution, as the
 *  sampler stored it in the study. */
export interface CmaExplanation {
  /** The last trial taken into account (null: every trial). */
  trial: number | null;
  /** The parameters CMA-ES searches jointly, in its column order: each one's name, its
   *  distribution in Optuna's JSON, and whether the box holds its logarithm. */
  axes: { name: string; distribution: unknown; log: boolean }[];
  /** The parameters the means and ellipses are projected on. */
  shown: string[];
  /** The sampler's `n_startup_trials`. */
  nStartupTrials: number;
  /** Trials the independent sampler drew (before CMA-ES started, or outside its space). */
  independent: number[];
  /** Every generation up to the trial, in order. */
  generations: CmaGeneration[];
}

/** Which trial `study.autoExplain` explains. */
export interface AutoExplainRequest {
  /** The choice recorded on this trial, from the trials before it (default: the next trial's). */
  trial?: number;
}

/** Which sampler AutoSampler uses, and why: the engine's own rule, run on the study's trials. */
export interface AutoExplanation {
  /** The sampler in use, as recorded in each trial's `auto:sampler` system attribute. */
  sampler: "GPSampler" | "TPESampler" | "CmaEsSampler" | "NSGAIISampler" | "NSGAIIISampler";
  /** One sentence: what decided, and what comes next. */
  reason: string;
  /** Complete trials so far. */
  nComplete: number;
  /** Objectives of the study. */
  nObjectives: number;
  /** Parameters seen so far. */
  nParams: number;
  /** Whether any parameter seen so far is categorical. */
  categorical: boolean;
  /** Whether trials have different sets of parameters. */
  conditional: boolean;
  /** Whether trials carry constraint values. */
  constrained: boolean;
  /** The complete-trial count at which it switches to `next` (null when it stays). */
  switchAt: number | null;
  /** The sampler it switches to at `switchAt` (null when it stays). */
  next: AutoExplanation["sampler"] | null;
}

/** Bindings that newer engine builds add; feature-detected so that the page works on either. */
interface OptionalBindings {
  importances?: (request: ImportanceRequest) => unknown;
  gpBelief?: (request: { params: string[]; resolution?: number; before?: number }) => unknown;
  tpeExplain?: (request: TpeExplainRequest) => unknown;
  cmaesExplain?: (request: CmaExplainRequest) => unknown;
  autoExplain?: (request: AutoExplainRequest) => unknown;
  terminator?: (request: TerminatorRequest) => unknown;
}

/** An evaluator of the terminator: Optuna's class name and keyword arguments. */
export interface EvaluatorSpec {
  /** e.g. `"RegretBoundEvaluator"`, `"EMMREvaluator"`, `"BestValueStagnationEvaluator"`,
   *  `"CrossValidationErrorEvaluator"`, `"StaticErrorEvaluator"`, `"MedianErrorEvaluator"`. */
  name: string;
  /** Optuna's keyword arguments, e.g. `{ max_stagnation_trials: 30 }`. */
  kwargs?: Record<string, unknown>;
}

/** Optuna's `Terminator`: stops a study once the improvement still possible is below the
 *  objective's own error. Every field is optional (Optuna's defaults: RegretBoundEvaluator, the
 *  cross-validation error, 20 trials). Without cross-validation scores, pair the improvement
 *  evaluator with another error evaluator, e.g. `EMMREvaluator` with `MedianErrorEvaluator`. */
export interface TerminatorSpec {
  /** How much the best value could still improve (default `RegretBoundEvaluator`). */
  improvement_evaluator?: EvaluatorSpec;
  /** The objective's own error: the threshold (default: the cross-validation error, or 0 with
   *  `BestValueStagnationEvaluator`). */
  error_evaluator?: EvaluatorSpec;
  /** Complete trials before the terminator may stop the study (default 20). */
  min_n_trials?: number;
}

/** What `study.terminator` is asked. */
export interface TerminatorRequest {
  /** The terminator (Optuna's defaults where absent). */
  terminator?: TerminatorSpec;
  /** Also the improvement plot's points for the trials numbered this and up (each computed over
   *  the complete trials up to it, as Optuna's `plot_terminator_improvement`; every point from the
   *  first is computed, a model fit each for the GP evaluators, whatever this is). */
  history_from?: number;
  /** Only the trials numbered below this: the study as it was then. */
  before?: number;
}

/** One point of Optuna's terminator improvement plot. */
export interface ImprovementPoint {
  /** The trial the estimate was taken after. */
  trial_number: number;
  /** Complete trials up to and including it (what `min_n_trials` counts; failed and pruned
   *  trials get a point too). */
  n_complete: number;
  /** The improvement estimate over the complete trials up to it. */
  improvement: number;
  /** The error estimate there (the threshold). */
  error: number | null;
}

/** One check of the terminator. */
export interface TerminatorDecision {
  /** Complete trials seen. */
  n_complete: number;
  /** How much the best value could still improve (null below `min_n_trials`). */
  improvement: number | null;
  /** The threshold (null below `min_n_trials`). */
  error: number | null;
  /** Whether to stop: `improvement < error`. */
  terminate: boolean;
}

/** The terminator's answer. */
export interface TerminatorReport {
  /** The improvement evaluator's class name. */
  improvement_evaluator: string;
  /** The error evaluator's class name. */
  error_evaluator: string;
  /** Complete trials before the terminator may stop a study. */
  min_n_trials: number;
  /** The decision over the study's trials now: stop when `improvement < error` (both null below
   *  `min_n_trials` complete trials). */
  decision: TerminatorDecision;
  /** The improvement plot's points asked for with `history_from` (empty otherwise). */
  history: ImprovementPoint[];
}

/** What an objective may return: one number per objective. */
export type ObjectiveResult = number | number[];
/** The function a study optimizes: it suggests parameters on its trial and returns the value(s),
 *  or throws `TrialPruned` when the pruner says to stop. It may be async. */
export type Objective = (trial: Trial) => ObjectiveResult | Promise<ObjectiveResult>;
/** Called after each trial ends; `optimize` awaits it, so it may pause the loop. */
export type Callback = (study: Study, trial: FrozenTrial) => void | Promise<void>;

/** How long `study.optimize` runs (Optuna's `n_trials`, `timeout`, `callbacks`). */
export interface OptimizeOptions {
  /** How many trials to run (default: until `timeout` or `study.stop()`). */
  nTrials?: number;
  /** Seconds, as Optuna's `timeout`. */
  timeout?: number;
  /** Called in order after each trial. */
  callbacks?: Callback[];
}

function describe(v: unknown): string {
  if (v === undefined) return "undefined";
  if (v === null) return "null";
  if (typeof v === "object") return Array.isArray(v) ? "an array" : "an object";
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** An optimization study (Optuna's `Study`). */
export class Study {
  private readonly inner: WasmStudy;

  /** With `journal` (an Optuna journal's text, may be ""), the study lives in an in-memory
   *  journal: the study named `config.name` is continued if the journal has it, else created. */
  constructor(config: StudyConfig, journal?: string) {
    requireInit();
    this.inner = call(() => (journal === undefined ? new WasmStudy(config) : WasmStudy.withJournal(config, journal)));
  }

  /** Journal lines appended since the last call (journal studies only). */
  takeJournal(): string[] {
    return call(() => this.inner.takeJournal()) as string[];
  }
  /** The whole journal text (Optuna's JournalStorage file format). */
  exportJournal(): string {
    return call(() => this.inner.exportJournal());
  }
  /** What the replay of the starting journal applied and skipped. */
  journalReport(): { applied: number; skipped: [string, string][] } {
    return call(() => this.inner.journalReport()) as { applied: number; skipped: [string, string][] };
  }
  /** Marks every RUNNING trial FAIL (Optuna's stale-trial handling); returns their numbers. */
  failStaleTrials(reason: string): number[] {
    return call(() => this.inner.failStaleTrials(reason)) as number[];
  }

  /** Whether this engine build computes parameter importances. */
  get hasImportances(): boolean {
    return typeof (this.inner as unknown as OptionalBindings).importances === "function";
  }
  /** Whether this engine build exposes the GP sampler's model. */
  get hasGpBelief(): boolean {
    return typeof (this.inner as unknown as OptionalBindings).gpBelief === "function";
  }
  /** Whether this engine build explains TPE's draws. */
  get hasTpeExplain(): boolean {
    return typeof (this.inner as unknown as OptionalBindings).tpeExplain === "function";
  }
  /** Whether this engine build explains CMA-ES's search distributions. */
  get hasCmaesExplain(): boolean {
    return typeof (this.inner as unknown as OptionalBindings).cmaesExplain === "function";
  }
  /** Whether this engine build explains AutoSampler's choice. */
  get hasAutoExplain(): boolean {
    return typeof (this.inner as unknown as OptionalBindings).autoExplain === "function";
  }
  /** Parameter importances (descending), the engine's fANOVA or PED-ANOVA. */
  importances(request: ImportanceRequest = {}): Record<string, number> {
    const f = (this.inner as unknown as OptionalBindings).importances;
    if (!f) throw new Error("needs a newer engine build");
    return call(() => f.call(this.inner, request)) as Record<string, number>;
  }
  /** The GP model's mean, σ and acquisition over `params` (GPSampler studies). */
  gpBelief(request: { params: string[]; resolution?: number; before?: number }): GpBelief {
    const f = (this.inner as unknown as OptionalBindings).gpBelief;
    if (!f) throw new Error("needs a newer engine build");
    return call(() => f.call(this.inner, request)) as GpBelief;
  }
  /** Why TPESampler picked a trial's parameters (TPESampler studies): its draw replayed. */
  tpeExplain(request: TpeExplainRequest): TpeExplanation {
    const f = (this.inner as unknown as OptionalBindings).tpeExplain;
    if (!f) throw new Error("needs a newer engine build");
    return call(() => f.call(this.inner, request)) as TpeExplanation;
  }

  /** What CmaEsSampler believed generation by generation (CmaEsSampler studies). */
  cmaesExplain(request: CmaExplainRequest = {}): CmaExplanation {
    const f = (this.inner as unknown as OptionalBindings).cmaesExplain;
    if (!f) throw new Error("needs a newer engine build");
    return call(() => f.call(this.inner, request)) as CmaExplanation;
  }

  /** The terminator over this study's trials: its decision now and, with `history_from`, the
   *  improvement plot's points (single-objective studies). */
  terminator(request: TerminatorRequest = {}): TerminatorReport {
    const f = (this.inner as unknown as OptionalBindings).terminator;
    if (!f) throw new Error("needs a newer engine build");
    return call(() => f.call(this.inner, request)) as TerminatorReport;
  }

  /** Whether the terminator says to stop now (Optuna's `Terminator.should_terminate`). */
  shouldTerminate(spec: TerminatorSpec = {}): boolean {
    return this.terminator({ terminator: spec }).decision.terminate;
  }

  /** Which sampler AutoSampler uses and why (AutoSampler studies). */
  autoExplain(request: AutoExplainRequest = {}): AutoExplanation {
    const f = (this.inner as unknown as OptionalBindings).autoExplain;
    if (!f) throw new Error("needs a newer engine build");
    return call(() => f.call(this.inner, request)) as AutoExplanation;
  }

  /** Every trial, in number order, as plain objects. */
  get trials(): FrozenTrial[] {
    return call(() => this.inner.trials()) as FrozenTrial[];
  }
  /** The best complete trial (single-objective studies; throws when none is complete). */
  get bestTrial(): FrozenTrial {
    return call(() => this.inner.bestTrial()) as FrozenTrial;
  }
  /** The best trial's value. */
  get bestValue(): number {
    return call(() => this.inner.bestValue());
  }
  /** The best trial's parameters. */
  get bestParams(): Record<string, ParamValue> {
    return call(() => this.inner.bestParams()) as Record<string, ParamValue>;
  }
  /** The Pareto front (multi-objective), or every best trial. */
  get bestTrials(): FrozenTrial[] {
    return call(() => this.inner.bestTrials()) as FrozenTrial[];
  }
  /** One per objective. */
  get directions(): Direction[] {
    return call(() => this.inner.directions()) as Direction[];
  }

  /** A handle on running trial `number` (for a coordinator that relays an evaluator's calls). */
  trialAt(number: number): Trial {
    return new Trial(this.inner, number);
  }

  /** Starts a trial (ask-and-tell interface). */
  ask(): Trial {
    return new Trial(this.inner, call(() => this.inner.ask()));
  }

  /** Ends a trial: with its value(s), or `{ state: "pruned" }` / `{ state: "fail" }`. A
   *  non-finite value fails the trial, as in Optuna. Returns the trial as recorded. */
  tell(
    trial: Trial | number,
    values?: ObjectiveResult,
    options: { state?: "complete" | "pruned" | "fail"; reason?: string } = {},
  ): FrozenTrial {
    const n = typeof trial === "number" ? trial : trial.number;
    return call(() => this.inner.tell(n, values, options.state, options.reason)) as FrozenTrial;
  }

  /** Adds a trial with these parameters fixed; the next `ask` takes it. */
  enqueueTrial(params: Record<string, ParamValue>, options: { skipIfExists?: boolean } = {}): number | undefined {
    return call(() => this.inner.enqueueTrial(params, options.skipIfExists ?? false));
  }

  private stopRequested = false;

  /** Finishes `optimize` after the current trial (Optuna's `study.stop()`). Kept on this side
   *  so that a later `optimize` starts afresh, as Optuna's does. */
  stop(): void {
    this.stopRequested = true;
  }

  /** Whether `stop()` was called or the sampler asked to stop (e.g. a grid is exhausted). */
  get isStopped(): boolean {
    return this.stopRequested || this.inner.isStopped();
  }

  /** Runs the objective on new trials until `nTrials` ran, `timeout` seconds passed, or the study
   *  was stopped. A throwing objective fails its trial and the study goes on (Optuna's
   *  `catch=(Exception,)`); `TrialPruned` prunes it. */
  async optimize(objective: Objective, options: OptimizeOptions = {}): Promise<void> {
    const { nTrials, timeout, callbacks = [] } = options;
    if (nTrials === undefined && timeout === undefined) {
      throw new Error("optimize needs nTrials, a timeout, or both");
    }
    const t0 = Date.now();
    this.stopRequested = false;
    for (let done = 0; nTrials === undefined || done < nTrials; done++) {
      if (timeout !== undefined && Date.now() - t0 >= timeout * 1000) break;
      const trial = this.ask();
      const frozen = await this.runOne(objective, trial);
      for (const cb of callbacks) await cb(this, frozen);
      if (this.isStopped) break;
    }
  }

  private async runOne(objective: Objective, trial: Trial): Promise<FrozenTrial> {
    let result: unknown;
    try {
      result = await objective(trial);
    } catch (e) {
      if (e instanceof TrialPruned) return this.tell(trial, undefined, { state: "pruned" });
      const reason = e instanceof Error ? `${e.name}: ${e.message}` : `thrown: ${String(e)}`;
      return this.tell(trial, undefined, { state: "fail", reason });
    }
    const ok = typeof result === "number" || (Array.isArray(result) && result.every((v) => typeof v === "number"));
    if (!ok) {
      return this.tell(trial, undefined, {
        state: "fail",
        reason: `the objective returned ${describe(result)}; it must return a number (or one per objective)`,
      });
    }
    return this.tell(trial, result as ObjectiveResult);
  }

  /** Frees the wasm memory now (otherwise the garbage collector does, eventually). */
  free(): void {
    this.inner.free();
  }
}

/** Optuna's `TerminatorCallback`: a callback for `optimize` that stops the study once the
 *  terminator says so. `onDecision`, when given, sees every decision (for a log or a plot). */
export function terminatorCallback(
  spec: TerminatorSpec = {},
  onDecision?: (report: TerminatorReport) => void,
): Callback {
  return (study) => {
    const report = study.terminator({ terminator: spec });
    onDecision?.(report);
    if (report.decision.terminate) study.stop();
  };
}

/** Creates a study. `sampler` and `pruner` take Optuna's class names and keyword names. */
export function createStudy(options: StudyOptions = {}): Study {
  return new Study(toStudyConfig(options));
}

/** Creates a study from the engine's configuration object (as the page and the URL state hold it). */
export function createStudyFromConfig(config: StudyConfig): Study {
  return new Study(config);
}

/** A study kept in an Optuna journal (see `Study`'s constructor). */
export function createStudyWithJournal(config: StudyConfig, journal: string): Study {
  return new Study(config, journal);
}

/** The names of the studies in an Optuna journal's text. */
export function journalStudies(text: string): string[] {
  requireInit();
  return call(() => wasmJournalStudies(text)) as string[];
}

/** Which of `points` no other point dominates under `directions`: their indices, ascending (the
 *  engine's Pareto front, as `study.bestTrials` finds it, for any set of points). */
export function paretoFront(points: number[][], directions: Direction[]): number[] {
  requireInit();
  return Array.from(call(() => wasmParetoFront(points, directions)));
}

/** The hypervolume dominated by `points` (all objectives minimized) up to `reference`. */
export function hypervolume(points: number[][], reference: number[]): number {
  requireInit();
  return call(() => wasmHypervolume(points, reference));
}

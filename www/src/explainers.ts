// One or two sentences per sampler and pruner, shown beside the menus: what it does and when to
// use it, written for the page (Optuna's class names as keys).

export const SAMPLER_EXPLAINERS: Record<string, string> = {
  AutoSampler:
    "Picks the sampler for you from the search space, the trials so far and the number of objectives: GP first over numeric parameters, then CMA-ES started at GP's best trial to refine it; TPE for conditional parameters; NSGA-II for long multi-objective runs. Which one it uses now, and why, shows below while the study runs.",
  RandomSampler: "Draws every parameter independently and uniformly (log-uniformly on log scales). A baseline; hard to beat with very few trials or many workers.",
  TPESampler:
    "Tree-structured Parzen Estimator: splits past trials into good and bad, models each as a density, and proposes points likely under the good one. A strong default for mixed and conditional spaces.",
  GPSampler:
    "A Gaussian-process model of the objective with an acquisition function that trades predicted value against uncertainty. Best for few, expensive trials over continuous parameters.",
  SMACSampler:
    "SMAC: a random forest models the objective, its trees' disagreement standing in for uncertainty; expected improvement, searched locally around the best trials, picks the next one, with a random trial one time in five. Suits mixed, categorical and conditional spaces.",
  CmaEsSampler:
    "CMA-ES: evolves a multivariate normal over the parameters, adapting its shape to the landscape. Good for continuous problems with hundreds of trials or more.",
  QMCSampler: "Quasi-Monte Carlo (Sobol or Halton): spreads points evenly over the space. Better coverage than random search for the same budget; no learning.",
  GridSampler: "Tries every combination of the listed values. For small discrete spaces where you want them all.",
  BruteForceSampler: "Enumerates every point of a discrete (and conditional) space once. Floats need a step.",
  PartialFixedSampler: "Holds some parameters at fixed values and lets another sampler choose the rest: to explore a slice of the space.",
  NSGAIISampler: "A genetic algorithm for several objectives: keeps a population ranked by Pareto dominance and spread. For multi-objective studies with many trials.",
  NSGAIIISampler:
    "NSGA-II's successor for three or more objectives: keeps the population spread along reference directions instead of by crowding. For many-objective studies.",
};

export const PRUNER_EXPLAINERS: Record<string, string> = {
  NopPruner: "Never prunes: every trial runs to the end.",
  MedianPruner: "Stops a trial whose intermediate value is worse than the median of earlier trials at the same step. A simple, robust default.",
  PercentilePruner: "Like the median rule, at a percentile you choose: lower percentiles prune more aggressively.",
  ThresholdPruner: "Stops a trial whose intermediate value leaves the bounds you set (e.g. a loss that diverges).",
  PatientPruner: "Wraps another pruner and only lets it prune after the trial has stopped improving for `patience` steps.",
  SuccessiveHalvingPruner: "Asynchronous successive halving: at each rung only the best fraction of trials continues. Saves much of the budget on many cheap trials.",
  HyperbandPruner: "Runs several successive-halving brackets with different aggressiveness, so that slow starters also get a chance.",
  WilcoxonPruner: "For objectives evaluated over many instances: prunes when a signed-rank test says the trial is worse than the best so far.",
};

export function samplerExplainer(name: string): string {
  return SAMPLER_EXPLAINERS[name] ?? "";
}

export function prunerExplainer(name: string): string {
  return PRUNER_EXPLAINERS[name] ?? "";
}

// Messages between the page and the study worker. The worker owns the study; the page sends
// commands and renders what the worker reports.
import type { FrozenTrial, ParamValue, StudyConfig } from "./lib/wasmtune";

/** Everything a run needs: the engine's configuration (with `objective`, `search_space`,
 *  `n_trials`, `seed`), plus the code when the objective is the custom one. */
export interface RunSpec {
  config: StudyConfig;
  code?: string;
}

export type Command =
  | { type: "start"; run: RunSpec }
  | { type: "pause" }
  | { type: "resume" }
  | { type: "stop" };

export interface Best {
  number: number;
  value: number;
  params: Record<string, ParamValue>;
}

export type FinishReason = "completed" | "stopped" | "exhausted";

export type Report =
  | { type: "ready"; samplers: string[]; pruners: string[] }
  /** The run was refused before any trial (bad configuration, code that does not parse). */
  | { type: "error"; message: string }
  | { type: "started" }
  /** Trials finished since the last report (batched: at most about 30 reports a second). */
  | { type: "trials"; trials: FrozenTrial[]; best: Best | null; /** the worker's clock, ms */ sentAt: number }
  | { type: "paused"; done: number }
  | { type: "resumed" }
  | { type: "finished"; reason: FinishReason; done: number; best: Best | null };

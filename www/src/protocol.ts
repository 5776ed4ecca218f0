// Messages between the page and the study worker. The worker owns the study; the page sends
// commands and renders what the worker reports.
import type { Direction, FrozenTrial, ParamValue, StudyConfig, TerminatorReport } from "wasmtune";
import type { MnistOptions } from "./objectives/mnist";

/** Everything a run needs: the engine's configuration (with `objective`, `search_space`,
 *  `n_trials`, `seed`), plus the code when the objective is the custom one. */
export interface RunSpec {
  config: StudyConfig;
  code?: string;
  /** Evaluator workers running trials at once (1: the study worker runs built-in objectives
   *  itself; see `timeout` for custom ones). */
  workers?: number;
  /** Seconds a trial may run before it ends as FAIL and its worker is replaced (default
   *  `DEFAULT_TRIAL_TIMEOUT_S`; 0: no limit). Custom objectives run in an evaluator worker whenever
   *  there is a limit, so that a trial that never returns can be stopped without the study. */
  timeout?: number;
  /** The page's view settings (filters, plot choices; see ui/plots-panel.ts), for the link. */
  view?: Record<string, unknown>;
  /** A rival sampler racing this study on the same objective (its history overlaid), or several
   *  separated by commas (see `racers`). */
  race?: string;
  /** The MNIST objectives' subset size and backend (absent: 8,000 digits, backend auto). */
  mnist?: MnistOptions;
  /** Controls hidden from the page (`data-control` names): a teacher's stripped-down lesson. */
  hide?: string[];
  /** The lesson the page shows beside the views (lessons/catalog.ts), if any. */
  lesson?: string;
  /** Stop the study when improvement is unlikely (the engine's terminator, see terminator.ts). */
  terminate?: boolean;
}

/** The rival samplers a spec's `race` names, in order. */
export function racers(race: string | undefined): string[] {
  return (race ?? "").split(",").map((s) => s.trim()).filter(Boolean);
}

/** The per-trial time limit when a spec sets none, in seconds. */
export const DEFAULT_TRIAL_TIMEOUT_S = 60;

/** The per-trial time limit of `spec` in milliseconds (0: none); throws on a bad setting. */
export function trialTimeoutMs(spec: RunSpec): number {
  const s = spec.timeout ?? DEFAULT_TRIAL_TIMEOUT_S;
  if (typeof s !== "number" || !Number.isFinite(s) || s < 0) {
    throw new Error(`the trial time limit must be a number of seconds (0 for none), got ${JSON.stringify(s)}`);
  }
  return s * 1000;
}

/** Questions the page asks the study worker about the study on the page (answered between
 *  trials, from the engine). */
export type Query =
  | { kind: "importances"; request: { evaluator?: string; params?: string[]; target?: number; normalize?: boolean } }
  | { kind: "gpBelief"; request: { params: string[]; resolution?: number; before?: number } }
  | { kind: "tpeExplain"; request: { trial: number; params?: string[]; resolution?: number } }
  | { kind: "cmaesExplain"; request: { trial?: number; params?: string[]; points?: number } }
  | { kind: "autoExplain"; request: { trial?: number } }
  | { kind: "pareto"; reference?: number[]; before?: number }
  | { kind: "terminator"; before?: number };

export type Command =
  /** The engine's wasm, compiled by the page (see engine-module.ts): the worker instantiates it
   *  instead of fetching and compiling its own. Without `module`, it loads the wasm itself. */
  | { type: "engine"; module?: WebAssembly.Module }
  /** Runs `run.config.name` (kept in an Optuna journal: `journal` is its saved text, "" for a new
   *  study) until it has `n_trials` trials. With `steps`, it pauses after that many trials (Step:
   *  a study watched one trial at a time). With `propose`, its first trial is at those parameters
   *  (the student's proposal: Optuna's enqueue_trial, marked with the user attribute
   *  `proposed_by: "you"`). */
  | { type: "start"; run: RunSpec; journal: string; steps?: number; propose?: Record<string, ParamValue> }
  /** Loads a saved study without running it (stale RUNNING trials become FAIL). */
  | { type: "open"; run: RunSpec; journal: string }
  /** Lists the studies in a journal file. */
  | { type: "inspect"; text: string }
  | { type: "query"; id: number; query: Query }
  | { type: "pause" }
  | { type: "resume" }
  /** Runs one more trial, then pauses again (from a pause: the Step button). */
  | { type: "step" }
  /** From a pause: the next trial at these parameters (the student's proposal), then a pause. */
  | { type: "propose"; params: Record<string, ParamValue> }
  | { type: "stop" }
  /** The page has stored the journal lines of report `{type: "journal", ack}`. */
  | { type: "saved"; ack: number };

export interface Best {
  number: number;
  value: number;
  params: Record<string, ParamValue>;
}

export type FinishReason = "completed" | "stopped" | "exhausted" | "terminated";

export type Report =
  | { type: "ready"; samplers: string[]; pruners: string[] }
  /** The run was refused before any trial (bad configuration, code that does not parse). */
  | { type: "error"; message: string }
  /** A command refused (a proposal the engine would not take); the study stays as it was. */
  | { type: "refused"; message: string }
  | { type: "started" }
  /** Trials finished since the last report (batched: at most about 30 reports a second). */
  | {
      type: "trials";
      trials: FrozenTrial[];
      best: Best | null;
      /** the worker's clock, ms */ sentAt: number;
      /** New journal lines since the last report, in order (to persist). */
      lines: string[];
    }
  /** Journal lines sent ahead of the next batch (a slow trial has started: its RUNNING record).
   *  With `ack`, the worker waits to hear `{type: "saved", ack}` once the page has stored them. */
  | { type: "journal"; lines: string[]; ack?: number }
  /** A saved study, loaded: all its trials; `lines` are the FAIL records of stale trials. */
  | {
      type: "opened";
      name: string;
      trials: FrozenTrial[];
      best: Best | null;
      directions: Direction[];
      stale: number[];
      skipped: number;
      lines: string[];
    }
  | { type: "inspected"; studies: string[]; lineCount: number }
  /** The answer to query `id`: its result, or the engine's message. */
  | { type: "answer"; id: number; result?: unknown; error?: string }
  /** The terminator's check after a trial (runs with `terminate` on). */
  | { type: "terminator"; report: TerminatorReport }
  | { type: "paused"; done: number }
  | { type: "resumed" }
  | { type: "finished"; reason: FinishReason; done: number; best: Best | null };

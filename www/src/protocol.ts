// Messages between the page and the study worker. The worker owns the study; the page sends
// commands and renders what the worker reports.
import type { Direction, FrozenTrial, ParamValue, StudyConfig } from "./lib/wasmtune";

/** Everything a run needs: the engine's configuration (with `objective`, `search_space`,
 *  `n_trials`, `seed`), plus the code when the objective is the custom one. */
export interface RunSpec {
  config: StudyConfig;
  code?: string;
}

export type Command =
  /** Runs `run.config.name` (kept in an Optuna journal: `journal` is its saved text, "" for a new
   *  study) until it has `n_trials` trials. */
  | { type: "start"; run: RunSpec; journal: string }
  /** Loads a saved study without running it (stale RUNNING trials become FAIL). */
  | { type: "open"; run: RunSpec; journal: string }
  /** Lists the studies in a journal file. */
  | { type: "inspect"; text: string }
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
  | {
      type: "trials";
      trials: FrozenTrial[];
      best: Best | null;
      /** the worker's clock, ms */ sentAt: number;
      /** New journal lines since the last report, in order (to persist). */
      lines: string[];
    }
  /** Journal lines sent ahead of the next batch (a slow trial has started: its RUNNING record). */
  | { type: "journal"; lines: string[] }
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
  | { type: "paused"; done: number }
  | { type: "resumed" }
  | { type: "finished"; reason: FinishReason; done: number; best: Best | null };

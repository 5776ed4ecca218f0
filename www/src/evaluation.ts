// Messages between the study worker (the coordinator: it owns the study, so there is one source of
// truth) and its evaluator workers (each runs the objective on the trials it is handed). An
// evaluator cannot wait for an answer inside a synchronous objective, so it runs the objective
// again from the start whenever it needs one: known answers are replayed, the first unknown
// question (a new parameter, a pruning decision) is sent, and the run restarts when it is
// answered. The objective must therefore be deterministic given its parameters (the built-in ones
// are; reports already sent are not sent again).
import type { Distribution, ParamValue } from "wasmtune";
import type { RunSpec } from "./protocol";

export type ToEvaluator =
  /** `engine`: the study worker's compiled wasm, instantiated here when the objective runs the
   *  engine (MNIST) rather than fetched and compiled once more. */
  | { type: "init"; run: RunSpec; engine?: WebAssembly.Module }
  /** Run trial `number`; `params` are those the coordinator already suggested. */
  | { type: "trial"; number: number; params: Record<string, ParamValue> }
  | { type: "param"; number: number; name: string; value?: ParamValue; error?: string }
  | { type: "prune"; number: number; call: number; prune?: boolean; error?: string };

export type FromEvaluator =
  | { type: "ready" }
  | { type: "suggest"; number: number; name: string; distribution: Distribution }
  /** New reports since the last message; answered with `prune` for `shouldPrune` call `call`. */
  | { type: "report"; number: number; reports: [number, number][]; call: number }
  | {
      type: "tell";
      number: number;
      reports: [number, number][];
      attrs: Record<string, unknown>;
      constraints: number[] | null;
      values?: number | number[];
      state?: "pruned" | "fail";
      reason?: string;
    }
  /** The objective closed the worker (`self.close()`): it is gone after this message. */
  | { type: "closing" };

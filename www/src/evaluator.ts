// An evaluator worker: runs the objective on trials the study worker hands it (see evaluation.ts
// for the replay scheme). It holds no study: every suggestion and pruning decision is the
// coordinator's.
/// <reference lib="webworker" />
import type { FromEvaluator, ToEvaluator } from "./evaluation";
import type { Objective, Trial } from "wasmtune";
import { TrialPruned } from "./lib/pruned";
import { errorMessage } from "./objectives/custom";
import { isMnist } from "./objectives/mnist";
import { objectiveFor } from "./objective-for";
import { NeedAnswer, TrialProxy } from "./trial-proxy";

declare const self: DedicatedWorkerGlobalScope;
const post = (m: FromEvaluator) => self.postMessage(m);

let objective: Objective | null = null;
let trial: TrialProxy | null = null;

/** Runs (or replays) the current trial until it ends or asks something. */
async function step(): Promise<void> {
  const t = trial;
  if (!t || !objective) return;
  t.restart();
  let outcome: Omit<Extract<FromEvaluator, { type: "tell" }>, "type" | "number" | "reports" | "attrs" | "constraints">;
  try {
    const result = await objective(t as unknown as Trial);
    outcome = { values: result as number | number[] };
  } catch (e) {
    if (e instanceof NeedAnswer) {
      post(e.message);
      return;
    }
    outcome = e instanceof TrialPruned ? { state: "pruned" } : { state: "fail", reason: errorMessage(e) };
  }
  trial = null;
  post({ type: "tell", number: t.number, reports: t.takeReports(), attrs: t.attrs, constraints: t.constraints, ...outcome });
}

// An objective that closes its worker leaves the coordinator waiting: say so first.
const close = self.close.bind(self);
self.close = () => {
  post({ type: "closing" });
  close();
};

self.onmessage = (e: MessageEvent<ToEvaluator>) => {
  const m = e.data;
  switch (m.type) {
    case "init":
      objective = objectiveFor(m.run);
      // Instantiated before "ready", so that the objective's own `init()` finds the engine loaded
      // and does not fetch and compile the wasm once more.
      if (m.engine && isMnist(m.run.config.objective)) {
        const engine = m.engine;
        void import("wasmtune")
          .then((w) => w.init(engine))
          .catch(() => {}) // the objective's `init()` tries again, and fails its trials if it must
          .then(() => post({ type: "ready" }));
      } else post({ type: "ready" });
      break;
    case "trial":
      trial = new TrialProxy(m.number, m.params);
      void step();
      break;
    case "param":
      if (trial?.number !== m.number) break;
      trial.answer(m.name, m.value, m.error);
      void step();
      break;
    case "prune":
      if (trial?.number !== m.number) break;
      trial.decisions[m.call] = m.error ?? m.prune ?? false;
      void step();
      break;
  }
};

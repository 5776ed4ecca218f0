// An evaluator worker: runs the objective on trials the study worker hands it (see evaluation.ts
// for the replay scheme). It holds no study: every suggestion and pruning decision is the
// coordinator's.
/// <reference lib="webworker" />
import type { FromEvaluator, ToEvaluator } from "./evaluation";
import type { Distribution, Objective, ParamValue, Trial } from "./lib/wasmtune";
import { TrialPruned } from "./lib/pruned";
import { errorMessage } from "./objectives/custom";
import { objectiveFor } from "./objective-for";

declare const self: DedicatedWorkerGlobalScope;
const post = (m: FromEvaluator) => self.postMessage(m);

/** Thrown inside the objective when it asks something not answered yet. */
class NeedAnswer {
  constructor(readonly message: FromEvaluator) {}
}

/** One trial's state across replays. */
class TrialProxy {
  readonly params: Record<string, ParamValue>;
  private readonly errors = new Map<string, string>();
  readonly decisions: (boolean | string)[] = [];
  private readonly sent = new Set<number>();
  private pending: [number, number][] = [];
  private calls = 0;
  attrs: Record<string, unknown> = {};
  constraints: number[] | null = null;

  constructor(
    readonly number: number,
    params: Record<string, ParamValue>,
  ) {
    this.params = { ...params };
  }

  /** Before each replay. */
  restart(): void {
    this.calls = 0;
    this.attrs = {};
    this.constraints = null;
  }
  answer(name: string, value: ParamValue | undefined, error: string | undefined): void {
    if (error !== undefined) this.errors.set(name, error);
    else this.params[name] = value as ParamValue;
  }
  takeReports(): [number, number][] {
    const r = this.pending;
    this.pending = [];
    return r;
  }

  suggest(name: string, distribution: Distribution): ParamValue {
    const err = this.errors.get(name);
    if (err !== undefined) throw new Error(err);
    if (name in this.params) return this.params[name];
    throw new NeedAnswer({ type: "suggest", number: this.number, name, distribution });
  }
  suggestFloat(name: string, low: number, high: number, o: { step?: number; log?: boolean } = {}): number {
    return this.suggest(name, { name: "FloatDistribution", attributes: { low, high, log: o.log ?? false, step: o.step ?? null } }) as number;
  }
  suggestInt(name: string, low: number, high: number, o: { step?: number; log?: boolean } = {}): number {
    return this.suggest(name, { name: "IntDistribution", attributes: { low, high, log: o.log ?? false, step: o.step ?? 1 } }) as number;
  }
  suggestCategorical<T extends ParamValue>(name: string, choices: readonly T[]): T {
    return this.suggest(name, { name: "CategoricalDistribution", attributes: { choices: [...choices] } }) as T;
  }
  report(value: number, step: number): void {
    if (this.sent.has(step)) return;
    this.sent.add(step);
    this.pending.push([step, value]);
  }
  shouldPrune(): boolean {
    const k = this.calls++;
    const d = this.decisions[k];
    if (typeof d === "string") throw new Error(d);
    if (d !== undefined) return d;
    throw new NeedAnswer({ type: "report", number: this.number, reports: this.takeReports(), call: k });
  }
  setUserAttr(key: string, value: unknown): void {
    this.attrs[key] = value;
  }
  setConstraint(values: number[]): void {
    this.constraints = [...values];
  }
}

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
      post({ type: "ready" });
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

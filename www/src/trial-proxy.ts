// The trial an evaluator worker's objective sees (see evaluation.ts): answers it has are replayed,
// the first question it has no answer for is thrown as `NeedAnswer` (the evaluator sends it and
// reruns the objective once it is answered).
import type { FromEvaluator } from "./evaluation";
import type { Distribution, ParamValue } from "wasmtune";

/** Thrown inside the objective when it asks something not answered yet. */
export class NeedAnswer {
  constructor(readonly message: FromEvaluator) {}
}

/** One trial's state across replays: what the coordinator answered so far, the reports
 *  already sent, and what this run of the objective set. */
export class TrialProxy {
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


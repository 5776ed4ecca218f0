// The evaluator's replay scheme: a define-by-run objective run again and again on a TrialProxy,
// answering each question it throws, ends with the same result as one run against a study.
import { describe, expect, it } from "vitest";
import type { FromEvaluator } from "../src/evaluation";
import type { ParamValue } from "wasmtune";
import { NeedAnswer, TrialProxy } from "../src/trial-proxy";

/** Runs `objective` on a proxy until it returns, answering questions with `answer`; returns the
 *  result and the messages the evaluator would have sent. */
function replay(
  objective: (t: TrialProxy) => number,
  answer: (m: FromEvaluator) => { value?: ParamValue; prune?: boolean; error?: string },
  params: Record<string, ParamValue> = {},
) {
  const t = new TrialProxy(7, params);
  const sent: FromEvaluator[] = [];
  for (let i = 0; i < 100; i++) {
    t.restart();
    try {
      return { result: objective(t), sent, reports: t.takeReports(), attrs: t.attrs, runs: i + 1 };
    } catch (e) {
      if (!(e instanceof NeedAnswer)) throw e;
      sent.push(e.message);
      const a = answer(e.message);
      if (e.message.type === "suggest") t.answer(e.message.name, a.value, a.error);
      else if (e.message.type === "report") t.decisions[e.message.call] = a.error ?? a.prune ?? false;
    }
  }
  throw new Error("did not finish");
}

describe("TrialProxy (evaluator replay)", () => {
  it("asks each new parameter once, replays known ones, and keeps the last run's attributes", () => {
    const r = replay(
      (t) => {
        const x = t.suggestFloat("x", 0, 1);
        const k = t.suggestCategorical("k", ["a", "b"]);
        t.setUserAttr("k", k);
        return x + (k === "b" ? 10 : 0);
      },
      (m) => ({ value: m.type === "suggest" && m.name === "x" ? 0.25 : "b" }),
    );
    expect(r.result).toBe(10.25);
    expect(r.sent.map((m) => (m.type === "suggest" ? [m.name, m.distribution.name] : m.type))).toEqual([
      ["x", "FloatDistribution"],
      ["k", "CategoricalDistribution"],
    ]);
    expect(r.attrs).toEqual({ k: "b" });
    expect(r.runs).toBe(3);
  });

  it("parameters given up front need no question", () => {
    const r = replay((t) => t.suggestInt("n", 1, 5) * 2, () => ({}), { n: 3 });
    expect(r.result).toBe(6);
    expect(r.sent).toEqual([]);
  });

  it("sends each report once, asks a pruning decision per shouldPrune call, and a refused suggestion throws in the objective", () => {
    let decisions = 0;
    const r = replay(
      (t) => {
        for (let step = 0; step < 3; step++) {
          t.report(step * 10, step);
          if (t.shouldPrune()) return -1;
        }
        return 99;
      },
      () => ({ prune: ++decisions === 3 }),
    );
    expect(r.result).toBe(-1);
    const reports = r.sent.filter((m) => m.type === "report").map((m) => (m.type === "report" ? [m.call, m.reports] : null));
    expect(reports).toEqual([
      [0, [[0, 0]]],
      [1, [[1, 10]]],
      [2, [[2, 20]]],
    ]);
    expect(r.reports).toEqual([]);
    expect(() => replay((t) => t.suggestFloat("x", 1, 0), () => ({ error: "low > high" }))).toThrow("low > high");
  });
});

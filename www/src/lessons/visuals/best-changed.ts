// The MNIST lesson's "what the best trial changed": the best trial's hyperparameters beside the
// first trial's, and the accuracy each reached.
import type { FrozenTrial, ParamValue } from "wasmtune";
import { type LessonVisual, type VisualContext, bestOf, completed } from "./visual";

const show = (v: ParamValue | undefined) => (typeof v === "number" ? Number(v.toPrecision(4)).toString() : String(v ?? "–"));

/** Rows (parameter, first trial's value, best trial's value, changed?) for the two trials. */
export function changes(first: FrozenTrial, best: FrozenTrial): [string, string, string, boolean][] {
  const names = [...new Set([...Object.keys(first.params), ...Object.keys(best.params)])].sort();
  return names.map((n) => [n, show(first.params[n]), show(best.params[n]), first.params[n] !== best.params[n]]);
}

export function bestChangedVisual(root: HTMLElement, ctx: VisualContext): LessonVisual {
  root.dataset.control = "best-changed";
  const caption = document.createElement("p");
  caption.className = "hint";
  const table = document.createElement("table");
  table.className = "changes";
  root.append(caption, table);
  return {
    update() {
      const done = completed(ctx.trials());
      const best = bestOf(done, ctx.directions()[0] ?? "maximize");
      const first = done[0];
      if (!best || !first) {
        caption.textContent = "What the best trial changed: shown once a trial has finished.";
        table.replaceChildren();
        return;
      }
      caption.textContent = `What the best trial (${best.number}, accuracy ${best.value!.toFixed(3)}) changed against the first (${first.number}, ${first.value!.toFixed(3)}):`;
      const head = document.createElement("tr");
      for (const h of ["parameter", `trial ${first.number}`, `trial ${best.number}`]) {
        const th = document.createElement("th");
        th.textContent = h;
        head.append(th);
      }
      table.replaceChildren(
        head,
        ...changes(first, best).map(([name, a, b, changed]) => {
          const tr = document.createElement("tr");
          if (changed) tr.dataset.changed = "";
          for (const text of [name, a, b]) {
            const td = document.createElement("td");
            td.textContent = text;
            tr.append(td);
          }
          return tr;
        }),
      );
    },
  };
}

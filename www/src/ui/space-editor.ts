// The search space of a built-in objective as a small form: low, high and log scale per numeric
// parameter (categorical ones are listed, not edited). What is typed is passed on as typed: the
// engine validates it.
import type { Distribution } from "wasmtune";

/** Shows `space` in `box` (nothing when there is none: a custom objective defines its own). */
export function renderSpaceEditor(box: HTMLElement, space: Record<string, Distribution> | undefined): void {
  if (!space) {
    box.replaceChildren();
    return;
  }
  const head = document.createElement("div");
  head.className = "space-row space-head";
  for (const t of ["param", "low", "high", "log"]) {
    const s = document.createElement("span");
    s.textContent = t;
    head.append(s);
  }
  const rows = Object.entries(space).map(([name, d]) => {
    const row = document.createElement("div");
    row.className = "space-row";
    row.dataset.param = name;
    const n = document.createElement("span");
    n.textContent = name;
    row.append(n);
    if (d.name === "CategoricalDistribution") return row;
    for (const key of ["low", "high"] as const) {
      const input = document.createElement("input");
      input.type = "number";
      input.step = "any";
      input.value = String(d.attributes[key]);
      input.dataset.key = key;
      input.setAttribute("aria-label", `${name} ${key}`);
      row.append(input);
    }
    const log = document.createElement("input");
    log.type = "checkbox";
    log.checked = d.attributes.log;
    log.dataset.key = "log";
    log.setAttribute("aria-label", `${name} log scale`);
    row.append(log);
    return row;
  });
  box.replaceChildren(head, ...rows);
}

/** `base` (the objective's own space) with the bounds and scales typed into `box`. */
export function readSpaceEditor(box: HTMLElement, base: Record<string, Distribution>): Record<string, Distribution> {
  const space: Record<string, Distribution> = structuredClone(base);
  for (const row of box.querySelectorAll<HTMLElement>(".space-row[data-param]")) {
    const d = space[row.dataset.param!];
    if (!d || d.name === "CategoricalDistribution") continue;
    for (const input of row.querySelectorAll<HTMLInputElement>("input")) {
      if (input.dataset.key === "log") d.attributes.log = input.checked;
      else if (input.dataset.key === "low" || input.dataset.key === "high") d.attributes[input.dataset.key] = Number(input.value);
    }
  }
  return space;
}

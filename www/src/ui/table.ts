// The trials table: number, state, value, each parameter, duration, and the user attributes worth
// a column (which backend trained an MNIST trial); click a header to sort.
import type { FrozenTrial, ParamValue } from "wasmtune";

export type SortKey = "number" | "state" | "value" | "duration" | `param:${string}` | `attr:${string}`;

/** User attributes shown as columns (when some trial has them), with their headers: "backend"
 *  says where an MNIST trial trained ("cpu" or "webgpu"). Other attributes stay in the CSV. */
export const ATTR_COLUMNS: [string, string][] = [["backend", "Backend"]];
export interface Sort {
  key: SortKey;
  descending: boolean;
}

function keyOf(t: FrozenTrial, key: SortKey): ParamValue | undefined {
  if (key.startsWith("param:")) return t.params[key.slice(6)];
  if (key.startsWith("attr:")) {
    const v = t.userAttrs?.[key.slice(5)];
    return typeof v === "number" || typeof v === "string" ? v : undefined;
  }
  return t[key as "number" | "state" | "value" | "duration"];
}

/** Sorted copy; missing values (a failed trial's value, an absent parameter) always go last. */
export function sortTrials(trials: readonly FrozenTrial[], sort: Sort): FrozenTrial[] {
  const sign = sort.descending ? -1 : 1;
  return [...trials].sort((a, b) => {
    const x = keyOf(a, sort.key);
    const y = keyOf(b, sort.key);
    const xm = x === undefined || x === null;
    const ym = y === undefined || y === null;
    if (xm || ym) return xm && ym ? a.number - b.number : xm ? 1 : -1;
    if (typeof x === "number" && typeof y === "number") return sign * (x - y) || a.number - b.number;
    return sign * String(x).localeCompare(String(y)) || a.number - b.number;
  });
}

export function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined) return "";
  if (Number.isInteger(v)) return v.toLocaleString("en-US");
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(4);
  return Number(v.toPrecision(6)).toLocaleString("en-US", { maximumFractionDigits: 6 });
}

function formatParam(v: ParamValue | undefined): string {
  if (v === undefined) return "";
  if (typeof v === "number") return formatNumber(v);
  return v === null ? "null" : String(v);
}

/** Above this many trials only the rows in view (and a margin) are in the document. */
export const VIRTUAL_ROWS = 1000;
const MARGIN_ROWS = 30;

/** The rows to put in the document for a scroll position: [start, end). */
export function rowWindow(total: number, scrollTop: number, viewHeight: number, rowHeight: number): [number, number] {
  const first = Math.floor(scrollTop / rowHeight);
  const start = Math.max(0, first - MARGIN_ROWS);
  const end = Math.min(total, first + Math.ceil(viewHeight / rowHeight) + MARGIN_ROWS);
  return [start, Math.max(start, end)];
}

/** Renders into `table` (textContent only: parameter values are data, never markup). Past
 *  `VIRTUAL_ROWS` trials the table is virtualized: spacer rows stand for those out of view, and
 *  scrolling its container redraws the window. */
export class TrialsTable {
  private sort: Sort = { key: "number", descending: false };

  constructor(
    private readonly table: HTMLTableElement,
    private readonly onSort: () => void,
  ) {}

  private shownColumns = "";
  private shownRows = 0;
  private shownContiguous = false;
  private body: HTMLTableSectionElement | null = null;

  /** Redraws the table. In the default order (by number, ascending) with the same columns, rows
   *  already shown are kept and only new trials are appended: a 1,000-trial study does not rebuild
   *  1,000 rows several times a second. */
  render(trials: readonly FrozenTrial[]): void {
    const paramSet = new Set<string>();
    for (const t of trials) for (const k of Object.keys(t.params)) paramSet.add(k);
    const params = [...paramSet];
    const attrs = ATTR_COLUMNS.filter(([name]) => trials.some((t) => t.userAttrs?.[name] !== undefined));
    this.attrs = attrs;
    this.table.dataset.rows = String(trials.length);
    if (trials.length > VIRTUAL_ROWS) {
      this.virtual = { sorted: sortTrials(trials, this.sort), params };
      this.shownColumns = "";
      this.body = null;
      this.drawWindow();
      return;
    }
    this.virtual = null;
    const columnsKey = JSON.stringify([params, attrs, this.sort]);
    // Rows can only be appended when those shown are trials 0..n-1 exactly: with several workers,
    // trials finish out of order and a later one may have been shown before an earlier one.
    const appendOnly =
      this.body !== null &&
      this.shownContiguous &&
      columnsKey === this.shownColumns &&
      this.sort.key === "number" &&
      !this.sort.descending &&
      trials.length >= this.shownRows &&
      trials.every((t, i) => t.number === i);
    if (appendOnly) {
      for (const t of trials.slice(this.shownRows)) this.body!.append(this.row(t, params));
      this.shownRows = trials.length;
      return;
    }
    this.shownColumns = columnsKey;
    this.shownRows = trials.length;
    this.shownContiguous = trials.every((t, i) => t.number === i);
    const body = document.createElement("tbody");
    for (const t of sortTrials(trials, this.sort)) body.append(this.row(t, params));
    this.body = body;
    this.table.replaceChildren(this.head(params), body);
  }

  private virtual: { sorted: FrozenTrial[]; params: string[] } | null = null;
  private attrs: [string, string][] = [];
  private rowHeight = 0;
  private scrollHooked = false;

  /** The virtualized table's rows in view, between two spacers. */
  private drawWindow(): void {
    const v = this.virtual;
    if (!v) return;
    const wrap = this.table.parentElement!;
    if (!this.scrollHooked) {
      this.scrollHooked = true;
      let queued = false;
      wrap.addEventListener(
        "scroll",
        () => {
          if (queued || !this.virtual) return;
          queued = true;
          requestAnimationFrame(() => {
            queued = false;
            this.drawWindow();
          });
        },
        { passive: true },
      );
    }
    const rowHeight = this.rowHeight || 22;
    const [start, end] = rowWindow(v.sorted.length, wrap.scrollTop, wrap.clientHeight || 600, rowHeight);
    const body = document.createElement("tbody");
    const spacer = (rows: number) => {
      const tr = document.createElement("tr");
      tr.className = "spacer";
      tr.setAttribute("aria-hidden", "true");
      tr.style.height = `${rows * rowHeight}px`;
      return tr;
    };
    if (start > 0) body.append(spacer(start));
    for (const t of v.sorted.slice(start, end)) body.append(this.row(t, v.params));
    if (end < v.sorted.length) body.append(spacer(v.sorted.length - end));
    this.table.replaceChildren(this.head(v.params), body);
    if (!this.rowHeight) {
      const first = body.querySelector<HTMLElement>("tr:not(.spacer)");
      if (first && first.offsetHeight > 0) {
        this.rowHeight = first.offsetHeight;
        this.drawWindow();
      }
    }
  }

  private head(params: string[]): HTMLTableSectionElement {
    const columns: [SortKey, string][] = [
      ["number", "#"],
      ["state", "State"],
      ["value", "Value"],
      ...params.map((p): [SortKey, string] => [`param:${p}`, p]),
      ["duration", "Duration (ms)"],
      ...this.attrs.map(([name, header]): [SortKey, string] => [`attr:${name}`, header]),
    ];
    const head = document.createElement("tr");
    for (const [key, text] of columns) {
      const th = document.createElement("th");
      th.scope = "col";
      th.dataset.key = key;
      const active = this.sort.key === key;
      th.textContent = text + (active ? (this.sort.descending ? " ▼" : " ▲") : "");
      th.setAttribute("aria-sort", active ? (this.sort.descending ? "descending" : "ascending") : "none");
      // Sortable from the keyboard too: Tab to a header, Enter or Space.
      th.tabIndex = 0;
      const sortBy = () => {
        this.sort = { key, descending: this.sort.key === key ? !this.sort.descending : false };
        this.onSort();
        (this.table.querySelector(`th[data-key="${CSS.escape(key)}"]`) as HTMLElement | null)?.focus();
      };
      th.addEventListener("click", sortBy);
      th.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          sortBy();
        }
      });
      head.append(th);
    }
    const thead = document.createElement("thead");
    thead.append(head);
    return thead;
  }

  private row(t: FrozenTrial, params: string[]): HTMLTableRowElement {
    const tr = document.createElement("tr");
    tr.dataset.state = t.state;
    const cells = [
      String(t.number),
      t.state,
      formatNumber(t.value),
      ...params.map((p) => formatParam(t.params[p])),
      t.duration === null ? "" : t.duration.toFixed(1),
      ...this.attrs.map(([name]) => formatParam(keyOf(t, `attr:${name}`) as ParamValue | undefined)),
    ];
    for (const c of cells) {
      const td = document.createElement("td");
      td.textContent = c;
      tr.append(td);
    }
    const reason = t.systemAttrs["fail_reason"];
    const fallback = t.userAttrs?.backend_fallback;
    const adapter = t.userAttrs?.adapter;
    if (typeof reason === "string") tr.title = reason;
    else if (typeof fallback === "string") tr.title = `trained on the CPU: ${fallback}`;
    else if (typeof adapter === "string") tr.title = `trained on ${adapter}`;
    else if (t.state === "PRUNED") {
      const steps = Object.keys(t.intermediateValues ?? {}).map(Number);
      tr.title = steps.length ? `pruned after step ${Math.max(...steps)}` : "pruned";
    }
    return tr;
  }
}

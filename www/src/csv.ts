// Trials as CSV with the columns of Optuna's `study.trials_dataframe()` (default attrs,
// multi_index=False): number, value (values_0, values_1, ... with several objectives),
// datetime_start, datetime_complete, duration, params_*, user_attrs_*, system_attrs_*, state;
// within each group the names are sorted and a column appears only when some trial has it, as in
// Optuna. Datetimes and durations are written as pandas writes them.
import type { FrozenTrial } from "wasmtune";

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** `2024-05-01 12:34:56.789000` (local time, as Optuna's naive datetimes). */
export function formatDatetime(ms: number | null): string {
  if (ms === null || ms === undefined) return "";
  const d = new Date(ms);
  const micro = Math.round((ms - Math.floor(ms)) * 1000) + d.getMilliseconds() * 1000;
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(micro, 6)}`
  );
}

/** `0 days 00:00:01.250000` (pandas' Timedelta). */
export function formatDuration(ms: number | null): string {
  if (ms === null || ms === undefined) return "";
  const micro = Math.round(ms * 1000);
  const days = Math.floor(micro / 86_400_000_000);
  let rest = micro - days * 86_400_000_000;
  const h = Math.floor(rest / 3_600_000_000);
  rest -= h * 3_600_000_000;
  const m = Math.floor(rest / 60_000_000);
  rest -= m * 60_000_000;
  const s = Math.floor(rest / 1_000_000);
  rest -= s * 1_000_000;
  return `${days} days ${pad(h)}:${pad(m)}:${pad(s)}.${pad(rest, 6)}`;
}

/** One CSV field: quoted when it holds a comma, a quote or a line break (quotes doubled). */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return "";
  let s: string;
  if (typeof v === "number") s = Number.isFinite(v) ? String(v) : Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
  else if (typeof v === "boolean") s = v ? "True" : "False";
  else if (typeof v === "string") s = v;
  else s = JSON.stringify(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The column names, as `trials_dataframe` would have them for these trials. */
export function csvColumns(trials: FrozenTrial[], nObjectives: number): string[] {
  const names = (pick: (t: FrozenTrial) => Record<string, unknown> | null | undefined) =>
    [...new Set(trials.flatMap((t) => Object.keys(pick(t) ?? {})))].sort();
  const valueCols = nObjectives > 1 ? Array.from({ length: nObjectives }, (_, i) => `values_${i}`) : ["value"];
  return [
    "number",
    ...valueCols,
    "datetime_start",
    "datetime_complete",
    "duration",
    ...names((t) => t.params).map((n) => `params_${n}`),
    ...names((t) => t.userAttrs).map((n) => `user_attrs_${n}`),
    ...names((t) => t.systemAttrs).map((n) => `system_attrs_${n}`),
    "state",
  ];
}

/** The CSV text (header and one row per trial, in number order; lines end with "\n"). */
export function trialsCsv(trials: FrozenTrial[], nObjectives = 1): string {
  const sorted = trials.filter(Boolean).sort((a, b) => a.number - b.number);
  const columns = csvColumns(sorted, nObjectives);
  const cell = (t: FrozenTrial, c: string): unknown => {
    if (c === "number") return t.number;
    if (c === "value") return t.values?.[0] ?? null;
    if (c.startsWith("values_")) return t.values?.[Number(c.slice(7))] ?? null;
    if (c === "datetime_start") return formatDatetime(t.datetimeStart);
    if (c === "datetime_complete") return formatDatetime(t.datetimeComplete);
    if (c === "duration") return formatDuration(t.duration);
    if (c === "state") return t.state;
    if (c.startsWith("params_")) return t.params[c.slice(7)];
    if (c.startsWith("user_attrs_")) return t.userAttrs?.[c.slice(11)];
    if (c.startsWith("system_attrs_")) return t.systemAttrs?.[c.slice(13)];
    return null;
  };
  const rows = sorted.map((t) => columns.map((c) => csvField(cell(t, c))).join(","));
  return [columns.join(","), ...rows].map((l) => l + "\n").join("");
}

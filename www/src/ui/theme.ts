// Light / dark: the system's choice by default, or the person's (kept in this browser). Plots read
// `isDark()` to draw on a transparent background with light text.
const KEY = "wasmtune-theme";
type Theme = "auto" | "dark" | "light";

export function isDark(): boolean {
  const t = document.documentElement.dataset.theme;
  if (t === "dark") return true;
  if (t === "light") return false;
  return typeof matchMedia === "function" && matchMedia("(prefers-color-scheme: dark)").matches;
}

/** Plotly layout settings for the current theme. */
export function plotTheme(): Record<string, unknown> {
  if (!isDark()) return {};
  const axis = { gridcolor: "#3a4049", zerolinecolor: "#59616b", linecolor: "#59616b" };
  return { paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)", font: { color: "#e3e6ea" }, xaxis: axis, yaxis: axis };
}

/** Merges the theme into a figure's layout (axis settings into every axis it has). */
export function themed(layout: Record<string, unknown>): Record<string, unknown> {
  const t = plotTheme();
  if (!("font" in t)) return layout;
  const out: Record<string, unknown> = { ...layout, paper_bgcolor: t.paper_bgcolor, plot_bgcolor: t.plot_bgcolor, font: t.font };
  for (const [k, v] of Object.entries(layout)) {
    if (/^[xy]axis\d*$/.test(k) && v && typeof v === "object") out[k] = { ...(t.xaxis as object), ...(v as object) };
  }
  if (!("xaxis" in layout)) out.xaxis = t.xaxis;
  if (!("yaxis" in layout)) out.yaxis = t.yaxis;
  return out;
}

/** Wires the header's toggle (auto → dark → light); `onChange` redraws the plots. */
export function setupTheme(button: HTMLButtonElement, onChange: () => void): void {
  const apply = (t: Theme) => {
    if (t === "auto") delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = t;
    button.textContent = `Theme: ${t}`;
    button.setAttribute("aria-label", `Color theme: ${t === "auto" ? "follows the system" : t}`);
  };
  let theme = (localStorage.getItem(KEY) as Theme | null) ?? "auto";
  apply(theme);
  button.addEventListener("click", () => {
    theme = theme === "auto" ? "dark" : theme === "dark" ? "light" : "auto";
    try {
      localStorage.setItem(KEY, theme);
    } catch {
      // private mode: the choice lasts for this page
    }
    apply(theme);
    onChange();
  });
  matchMedia?.("(prefers-color-scheme: dark)").addEventListener?.("change", onChange);
}

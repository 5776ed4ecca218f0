// Plotly, typed as far as the page uses it. The strict bundle runs under a Content-Security-Policy
// without 'unsafe-eval' (its WebGL shaders, used by parcoords, are precompiled).
import PlotlyLib from "plotly.js-strict-dist-min";

export type PlotData = Record<string, unknown>;

export interface PlotlyApi {
  react(el: HTMLElement, data: PlotData[], layout: Record<string, unknown>, config?: Record<string, unknown>): Promise<unknown>;
  purge(el: HTMLElement): void;
}

export const Plotly = PlotlyLib as unknown as PlotlyApi;

export const PLOT_CONFIG: Record<string, unknown> = { responsive: true, displaylogo: false };

// What every plot module returns: a Plotly figure, or a note saying why there is nothing to draw
// (the page shows the note instead of an empty chart). User data (parameter names, categorical
// choices, attribute values) reaches Plotly only through `plotText`, because Plotly reads a
// small HTML subset (<b>, <a href>, <br>) in titles, tick labels and hover text.
export type PlotData = Record<string, unknown>;

export interface Figure {
  data: PlotData[];
  layout: Record<string, unknown>;
}

export interface Note {
  note: string;
}

export type PlotResult = Figure | Note;

export const isNote = (r: PlotResult): r is Note => "note" in r;

/** `s` as text for Plotly: its markup characters as entities, so that they print as themselves. */
export function plotText(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The margins and legend every plot shares. */
export function baseLayout(title: string, revision: string): Record<string, unknown> {
  return {
    title: { text: title },
    margin: { l: 70, r: 20, t: 40, b: 50 },
    legend: { orientation: "h", y: -0.2 },
    uirevision: revision,
  };
}

/** Above this many points a scatter is drawn with WebGL (`scattergl`): SVG redraws of thousands
 *  of points cost the browser more layout and paint than the page can spare while a study runs. */
export const WEBGL_POINTS = 1000;

export function scatterType(points: number): "scatter" | "scattergl" {
  return points > WEBGL_POINTS ? "scattergl" : "scatter";
}

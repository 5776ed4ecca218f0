// Where a click on a Plotly plot landed, in data units: a student's click proposes a trial there.

/** The data x of a click at `clientX` on Plotly plot `el` (its first x axis), or null when Plotly
 *  has not drawn it or the click is outside the axis. */
export function clickedX(el: HTMLElement, clientX: number): number | null {
  const xa = (el as unknown as { _fullLayout?: { xaxis?: { _offset: number; _length: number; p2d(px: number): number } } })._fullLayout?.xaxis;
  if (!xa) return null;
  const px = clientX - el.getBoundingClientRect().left - xa._offset;
  if (px < 0 || px > xa._length) return null;
  return xa.p2d(px);
}

/** The data (x, y) of a click on Plotly plot `el` (its first x and y axes), or null when Plotly
 *  has not drawn it or the click is outside them. Log axes give log10 of the value, as Plotly's. */
export function clickedXY(el: HTMLElement, clientX: number, clientY: number): [number, number] | null {
  type Axis = { _offset: number; _length: number; p2d(px: number): number };
  const layout = (el as unknown as { _fullLayout?: { xaxis?: Axis; yaxis?: Axis } })._fullLayout;
  const xa = layout?.xaxis;
  const ya = layout?.yaxis;
  if (!xa || !ya) return null;
  const box = el.getBoundingClientRect();
  const px = clientX - box.left - xa._offset;
  const py = clientY - box.top - ya._offset;
  if (px < 0 || px > xa._length || py < 0 || py > ya._length) return null;
  return [xa.p2d(px), ya.p2d(py)];
}

// The MNIST objectives' grid of misclassified validation digits for the best trial (the one with
// the highest accuracy): each trial keeps a few as the user attribute `misclassified`
// ([source index, true label, predicted label]); the pixels come from the same mnist.bin the
// worker trains on (16-byte header, then 784 bytes per digit).
import mnistUrl from "../../data/mnist.bin?url";
import type { FrozenTrial } from "wasmtune";

const HEADER = 16;
const SIDE = 28;

let file: Promise<Uint8Array> | null = null;
let shown = "";

function loadFile(): Promise<Uint8Array> {
  file ??= fetch(mnistUrl)
    .then((r) => (r.ok ? r.arrayBuffer() : Promise.reject(new Error(`HTTP ${r.status}`))))
    .then((b) => new Uint8Array(b));
  file.catch(() => (file = null));
  return file;
}

/** Shows (or hides, without an MNIST trial to show) the best trial's misclassified digits in `box`. */
export async function showMisclassified(box: HTMLElement, trials: FrozenTrial[]): Promise<void> {
  let best: FrozenTrial | null = null;
  for (const t of trials) {
    if (t.state !== "COMPLETE" || !Array.isArray(t.userAttrs?.misclassified)) continue;
    if (!best || (t.values?.[0] ?? -Infinity) > (best.values?.[0] ?? -Infinity)) best = t;
  }
  const grid = box.querySelector<HTMLElement>("#misclassified-grid")!;
  if (!best) {
    box.hidden = true;
    shown = "";
    return;
  }
  const key = `${best.number}:${JSON.stringify(best.userAttrs.misclassified)}`;
  if (key === shown) return;
  shown = key;
  const bytes = await loadFile().catch(() => null);
  if (shown !== key) return;
  box.hidden = false;
  box.dataset.trial = String(best.number);
  if (!bytes) {
    grid.textContent = "(the digits could not be loaded)";
    return;
  }
  const cells = (best.userAttrs.misclassified as [number, number, number][]).map(([source, label, predicted]) => {
    const figure = document.createElement("figure");
    figure.className = "digit";
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = SIDE;
    const ctx = canvas.getContext("2d");
    if (ctx) {
      const img = ctx.createImageData(SIDE, SIDE);
      const start = HEADER + source * SIDE * SIDE;
      for (let i = 0; i < SIDE * SIDE; i++) {
        // Ink dark on a light ground, as digits are written.
        const v = 255 - (bytes[start + i] ?? 0);
        img.data.set([v, v, v, 255], i * 4);
      }
      ctx.putImageData(img, 0, 0);
    }
    canvas.setAttribute("aria-hidden", "true");
    const caption = document.createElement("figcaption");
    caption.textContent = `${label} → ${predicted}`;
    figure.append(canvas, caption);
    return figure;
  });
  grid.replaceChildren(...cells);
}

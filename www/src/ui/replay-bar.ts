// The trial slider: replays the study on the page. At position k every view (the plots, the table,
// the lesson's visual, and what the engine explains, which it computes from the trials numbered
// below k) shows the study as it was after its first k trials. While trials are being added
// (running, opening) it stays live.
import { type PageState, type Phase, type Store } from "../page-state";
import type { StudyTrials } from "../study-trials";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** Phases in which the trials can be replayed: nothing is adding to them. */
const STILL: ReadonlySet<Phase> = new Set(["paused", "finished", "stopped", "opened"]);

export class ReplayBar {
  private readonly ui = {
    bar: $("replay-bar"),
    slider: $<HTMLInputElement>("replay"),
    at: $("replay-at"),
    live: $<HTMLButtonElement>("replay-live"),
  };

  /** `redraw` is called after the position changed (the trials' version is bumped first). */
  constructor(
    private readonly page: Store<PageState>,
    private readonly trials: StudyTrials,
    private readonly redraw: () => void,
  ) {
    const { ui } = this;
    ui.slider.addEventListener("input", () => {
      const k = Number(ui.slider.value);
      page.update({ replay: k >= this.trials.count() ? null : k });
    });
    ui.live.addEventListener("click", () => page.update({ replay: null }));
    page.subscribe((s, changed) => {
      if (changed.has("phase") && !STILL.has(s.phase) && s.replay !== null) page.update({ replay: null });
      else if (changed.has("replay")) {
        trials.setReplay(s.replay);
        this.redraw();
      }
      if (changed.has("phase") || changed.has("replay")) this.refresh();
    });
  }

  /** Follows the trials reported (call after each batch, and when the study changes). */
  refresh(): void {
    const { ui, trials } = this;
    const n = trials.count();
    const { phase, replay } = this.page.get();
    ui.bar.hidden = n === 0;
    ui.slider.disabled = !STILL.has(phase);
    ui.slider.max = String(n);
    ui.slider.value = String(replay ?? n);
    ui.live.disabled = replay === null;
    ui.bar.dataset.at = String(replay ?? n);
    ui.at.textContent = replay === null ? `all ${n} trials (live)` : `the first ${replay} of ${n} trials`;
  }
}

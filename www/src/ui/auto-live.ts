// AutoSampler's live explanation under the sampler menu: which sampler it uses now and why, in
// the engine's words (`autoExplain`), asked again as trials come in. The rule lives in the engine
// only; this shows its answer.
import type { AutoExplanation } from "wasmtune";
import type { Query } from "../protocol";

export class AutoLive {
  private asking = false;
  private again = false;

  /** `sampler`: the class name of the study on the page (undefined before any). */
  constructor(
    private readonly el: HTMLElement,
    private readonly sampler: () => string | undefined,
    private readonly ask: (q: Query) => Promise<unknown>,
  ) {}

  /** New trials or a new study: asks the engine again (one question in flight at a time). */
  refresh(): void {
    if (this.sampler() !== "AutoSampler") {
      this.el.hidden = true;
      this.el.textContent = "";
      delete this.el.dataset.sampler;
      return;
    }
    if (this.asking) {
      this.again = true;
      return;
    }
    this.asking = true;
    this.ask({ kind: "autoExplain", request: {} })
      .then(
        (answer) => {
          const e = answer as AutoExplanation;
          this.el.textContent = `Now: ${e.reason}`;
          // The sampler in use, for tests and styles.
          this.el.dataset.sampler = e.sampler;
          this.el.hidden = false;
        },
        // No study in the worker yet, or an engine without the binding: nothing to say.
        () => {},
      )
      .finally(() => {
        this.asking = false;
        if (this.again) {
          this.again = false;
          this.refresh();
        }
      });
  }
}

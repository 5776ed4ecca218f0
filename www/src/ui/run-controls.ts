// Start, Step, Pause/Resume, Stop and Reset, the status line, and the error box. Start reads the
// controls; code that came with a link runs only once the user has seen it and allowed it.
import { CUSTOM_ID } from "../objectives";
import { type PageState, type Phase, type Store, isBusy } from "../page-state";
import type { RunSpec } from "../protocol";
import { askToAllow, isAllowed } from "./code-consent";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const STATUS: Record<Phase, string> = {
  loading: "Loading the engine…",
  idle: "Ready.",
  opening: "Opening…",
  opened: "Saved study opened",
  running: "Running",
  paused: "Paused — Step runs the next trial, Resume the rest",
  stopping: "Stopping…",
  finished: "Finished",
  stopped: "Stopped",
  error: "Error",
};

/** What the buttons do. */
export interface RunActions {
  /** The configuration to run, as the controls show it (throws on options that do not read). */
  read(): RunSpec;
  /** Runs `spec` as a new study; with `steps`, pausing after that many trials. */
  start(spec: RunSpec, steps?: number): void;
  /** One more trial of the paused study, then a pause. */
  step(): void;
  pause(): void;
  resume(): void;
  stop(): void;
  reset(): void;
}

/** The run buttons and what they say about the phase. */
export class RunControls {
  private readonly ui = {
    start: $<HTMLButtonElement>("start"),
    step: $<HTMLButtonElement>("step"),
    pause: $<HTMLButtonElement>("pause"),
    stop: $<HTMLButtonElement>("stop"),
    reset: $<HTMLButtonElement>("reset"),
    status: $("status"),
    error: $("error"),
    consent: $("code-consent"),
  };

  /** Wires the buttons; a link's custom code is shown for consent at once. */
  constructor(
    private readonly page: Store<PageState>,
    private readonly actions: RunActions,
  ) {
    const { ui } = this;
    ui.start.addEventListener("click", () => this.start());
    // Step: from a pause, one more trial; otherwise a new study that pauses after its first.
    ui.step.addEventListener("click", () => (page.get().phase === "paused" ? actions.step() : this.start(1)));
    ui.pause.addEventListener("click", () => this.pauseOrResume());
    ui.stop.addEventListener("click", () => actions.stop());
    ui.reset.addEventListener("click", () => actions.reset());
    page.subscribe((s, changed) => {
      if (changed.has("phase")) this.showPhase(s.phase);
      if (changed.has("error")) {
        ui.error.hidden = s.error === null;
        ui.error.textContent = s.error ?? "";
      }
    });
    const spec = page.get().spec;
    if (spec.config.objective === CUSTOM_ID && !isAllowed(spec.code ?? "")) askToAllow(ui.consent, spec.code ?? "", () => this.start());
  }

  private start(steps?: number): void {
    this.page.update({ error: null });
    let next: RunSpec;
    try {
      next = this.actions.read();
    } catch (e) {
      this.page.update({ error: e instanceof Error ? e.message : String(e) });
      return;
    }
    if (next.config.objective === CUSTOM_ID && !isAllowed(next.code ?? "")) {
      askToAllow(this.ui.consent, next.code ?? "", () => this.start(steps));
      return;
    }
    this.ui.consent.hidden = true;
    this.actions.start(next, steps);
  }

  private pauseOrResume(): void {
    // The label turns at once; the phase follows when the worker confirms.
    const p = this.page.get().phase;
    if (p === "running") {
      this.actions.pause();
      this.ui.pause.textContent = "Resume";
    } else if (p === "paused") {
      this.actions.resume();
      this.ui.pause.textContent = "Pause";
    }
  }

  private showPhase(p: Phase): void {
    const { ui } = this;
    ui.start.disabled = isBusy(p) || p === "loading";
    ui.step.disabled = ui.start.disabled && p !== "paused";
    ui.pause.disabled = !(p === "running" || p === "paused");
    ui.pause.textContent = p === "paused" ? "Resume" : "Pause";
    ui.stop.disabled = !(p === "running" || p === "paused");
    ui.status.dataset.state = p;
    ui.status.textContent = STATUS[p];
  }
}

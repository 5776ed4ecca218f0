// The results beside the controls: the summary (progress, best so far, misclassified digits), the
// plots, the trials table, and a race's status. While a study runs, views refresh on the
// scheduler's terms (plots at most a few times a second, so that clicks are handled at once);
// otherwise at once.
import type { Direction } from "wasmtune";
import { isMnist } from "../objectives/mnist";
import { type PageState, type Store, isBusy } from "../page-state";
import type { PlotlyApi } from "../plots/plotly";
import type { Query } from "../protocol";
import { type StudyTrials, trialsBefore } from "../study-trials";
import { showMisclassified } from "./digits";
import { PlotsPanel } from "./plots-panel";
import { Race } from "./race";
import { type View, ViewScheduler } from "./scheduler";
import { TrialsTable, formatNumber } from "./table";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** What the views draw besides the trials. */
export interface ResultsSource {
  /** The study's directions and sampler (before any study, the configuration's). */
  directions(): Direction[];
  sampler(): string;
  objective(): string | undefined;
}

/** The `#results` section. */
export class ResultsView {
  private readonly ui = {
    results: $("results"),
    progress: $("progress"),
    bestValue: $("best-value"),
    bestParams: $("best-params"),
    misclassified: $("misclassified"),
    raceStatus: $("race-status"),
  };
  /** The rival study of a race (its own worker), overlaid on the history and EDF plots. */
  readonly race = new Race(() => this.showRace());
  /** The plots. */
  readonly panel: PlotsPanel;
  private readonly table: TrialsTable;
  private readonly views: ViewScheduler;
  /** Whether Plotly has arrived: until then the plots are not drawn. */
  private plotsDrawn = false;
  /** Whether Plotly is on its way (see `expectPlotly`). */
  private plotsExpected = false;
  private viewsSettled = false;
  /** Whether the table has shown this study's first trials. */
  private tableStarted = false;

  constructor(
    page: Store<PageState>,
    private readonly trials: StudyTrials,
    private readonly source: ResultsSource,
    ask: (q: Query) => Promise<unknown>,
    /** Views besides the plots and the table (a lesson's visual), redrawn on the same terms. */
    extraViews: View[] = [],
  ) {
    this.panel = new PlotsPanel(
      {
        trials: () => trials.all(),
        version: () => trials.version,
        directions: () => source.directions(),
        sampler: () => source.sampler(),
        // Paused, the worker is free: the engine's answers (importances, the GP's belief) need not
        // wait, and a stepped study shows the model after each trial.
        busy: () => page.get().phase === "running",
        replay: () => page.get().replay,
        others: () => this.race.series().map((s) => ({ ...s, trials: trialsBefore(s.trials, page.get().replay) })),
        askRival: (name, q) => this.race.ask(name, q),
      },
      page,
      ask,
      (names) => this.views.invalidate(names),
    );
    this.table = new TrialsTable($<HTMLTableElement>("trials"), () => this.table.render(this.panel.filtered()));
    this.views = new ViewScheduler(
      [...this.panel.views(), { name: "table", render: () => this.table.render(this.panel.filtered()) }, ...extraViews],
      300,
      6,
      () => performance.now(),
      (settled) => {
        this.viewsSettled = settled;
        this.showSettled();
      },
    );
    this.panel.showOptions();
    page.subscribe((s, changed) => {
      // A pause leaves the views to the scheduler too, so that a quick Resume is never kept waiting.
      if (changed.has("phase")) isBusy(s.phase) ? this.schedule() : this.now();
    });
  }

  /** Plotly arrived (it loads after the controls are up). */
  setPlotly(p: { Plotly: PlotlyApi; PLOT_CONFIG: Record<string, unknown> }): void {
    this.panel.setPlotly(p);
    this.plotsDrawn = true;
    this.views.flush();
  }

  /** Plotly is loading (main.ts loads it with the first trial, or at once for a lesson): the views
   *  are not settled until it has drawn. */
  expectPlotly(): void {
    this.plotsExpected = true;
    this.showSettled();
  }

  /** `data-views="settled"`: every view shows every trial reported so far, the plots drawn (the
   *  tests wait on it). Before any trial the plots have nothing to draw and Plotly is not fetched,
   *  unless something already asked for it. */
  private showSettled(): void {
    const plotsDone = this.plotsDrawn || (!this.plotsExpected && this.trials.count() === 0);
    this.ui.results.dataset.views = this.viewsSettled && plotsDone ? "settled" : "pending";
  }

  /** A new study on the page: what the plots asked of the engine starts over. */
  newStudy(): void {
    this.panel.newStudy();
    this.tableStarted = false;
  }

  /** The trials changed: the summary now, the views when the scheduler allows. */
  schedule(): void {
    this.showSummary();
    this.views.invalidate();
    // The first trials go on screen at once, not after the interval the views keep since the
    // study's start redrew them: a first result is what the page is waited on for.
    if (!this.tableStarted && this.trials.count() > 0) {
      this.tableStarted = true;
      this.views.flush(["table"]);
    }
  }

  /** Everything redrawn as soon as possible (each view still in its own task). */
  now(): void {
    this.showSummary();
    this.views.flush();
  }

  /** The theme changed. */
  redrawAll(): void {
    this.panel.redrawAll();
    this.views.flush();
  }

  private showRace(): void {
    const { race } = this;
    const status = this.ui.raceStatus;
    const summary = race.summary(formatNumber);
    status.textContent = summary ? `Race: ${summary}` : "";
    status.dataset.done = String(race.done);
    status.dataset.finished = String(race.finished);
    this.views.invalidate(["history", "edf", "pareto", "lesson"]);
  }

  private showSummary(): void {
    const { ui, trials } = this;
    const finished = trials.count();
    const pruned = trials.pruned();
    ui.progress.textContent = trials.total ? `${finished} / ${trials.total} trials${pruned ? ` (${pruned} pruned)` : ""}` : "";
    ui.progress.dataset.done = String(finished);
    ui.progress.dataset.pruned = String(pruned);
    const best = trials.best;
    if (best) {
      ui.bestValue.textContent = formatNumber(best.value);
      ui.bestValue.dataset.value = String(best.value);
      ui.bestParams.textContent =
        `at trial ${best.number}: ` +
        Object.entries(best.params)
          .map(([k, v]) => `${k} = ${typeof v === "number" ? formatNumber(v) : String(v)}`)
          .join(", ");
    } else {
      ui.bestValue.textContent = "–";
      delete ui.bestValue.dataset.value;
      ui.bestParams.textContent = "";
    }
    void showMisclassified(ui.misclassified, isMnist(this.source.objective()) ? trials.all() : []);
  }
}

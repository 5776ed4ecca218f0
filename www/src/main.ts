// The page: controls, the study worker, and the live views, wired together. The worker owns the
// study; this thread only sends commands and renders what it reports. Each panel lives in its own
// module and reads the page's state from one store, which the URL hash mirrors.
import "./style.css";
import { renderGallery } from "./lessons/gallery";
import { LessonView } from "./lessons/lesson-view";
import { leaveLesson, lessonIdFromHash, lessonSpecFromHash } from "./lessons/route";
import { type PageState, Store, mirrorToHash } from "./page-state";
import { SavedStudies } from "./saved-studies";
import { decodeSpec, readViewOptions } from "./state";
import { StudyClient } from "./study-client";
import { StudySession } from "./study-session";
import { StudyTrials, trialsBefore } from "./study-trials";
import { Controls } from "./ui/controls";
import { ImportExport } from "./ui/import-export";
import { ReplayBar } from "./ui/replay-bar";
import { ResultsView } from "./ui/results-view";
import { RunControls } from "./ui/run-controls";
import { StoragePanel } from "./ui/storage-panel";
import { TerminatorPanel } from "./ui/terminator-panel";
import { setupTheme } from "./ui/theme";
import { AutoLive } from "./ui/auto-live";

const linked = lessonSpecFromHash(location.hash) ?? decodeSpec(location.hash);
const page = new Store<PageState>({ spec: linked, view: readViewOptions(linked.view), phase: "loading", error: null, replay: null });
const hash = mirrorToHash(page);
const trials = new StudyTrials();
const client = new StudyClient((message) => session.fail(message));
const saved = new SavedStudies((message) => storage.showFailure(message));

const controls = new Controls(page);
new TerminatorPanel(client);
client.on("ready", (r) => controls.setChoices(r.samplers, r.pruners));
// Before any study, the plots draw for the configuration the controls were last set to.
const results: ResultsView = new ResultsView(
  page,
  trials,
  {
    directions: () => session.study?.directions ?? controls.baseline.config.directions,
    sampler: () => session.study?.spec.config.sampler.name ?? controls.baseline.config.sampler.name,
    objective: () => controls.baseline.config.objective,
  },
  client.ask,
  [{ name: "lesson", render: () => lesson.update() }],
);
const storage = new StoragePanel(page, saved, {
  study: () => session.study,
  reported: () => trials.count(),
  ended: () => trials.ended(),
  open: (id) => void session.openSaved(id),
  resume: () => session.resumeStudy(),
});
const files = new ImportExport(page, saved, client, {
  study: () => session.study,
  trials: () => trials.reported(),
  open: (meta, text) => session.open(meta, text),
});
const session: StudySession = new StudySession({ page, hash, client, saved, trials, controls, results, storage, files });
new RunControls(page, {
  read: () => controls.read(),
  start: (spec, steps) => session.start(spec, steps),
  step: () => session.step(),
  pause: () => session.pause(),
  resume: () => session.resume(),
  stop: () => session.stop(),
  reset: () => session.reset(),
});

// AutoSampler says, live, which sampler it uses and why.
const autoLive = new AutoLive(document.getElementById("sampler-live")!, () => session.study?.spec.config.sampler.name, client.ask);
client.on("trials", () => autoLive.refresh());
client.on("opened", () => autoLive.refresh());
client.on("started", () => autoLive.refresh());

// The trial slider: the views as they were after the first k trials.
const replay = new ReplayBar(page, trials, () => results.now());
client.on("trials", () => replay.refresh());
client.on("opened", () => replay.refresh());

// A lesson: its text, its visual (drawn from the same trials as the results), the gallery of them.
const lesson: LessonView = new LessonView(
  page,
  {
    trials: () => trials.all(),
    rival: () => trialsBefore(results.race.series()[0]?.trials ?? [], page.get().replay),
    spec: () => session.study?.spec ?? page.get().spec,
    directions: () => session.study?.directions ?? page.get().spec.config.directions,
    ask: client.ask,
    propose: (params) => session.propose(params),
  },
  {
    enter(spec) {
      session.reset();
      controls.show(spec);
      hash.flush();
      window.scrollTo(0, 0);
    },
    leave: () => controls.show(leaveLesson(page.get().spec)),
  },
);
results.panel.onPropose((params) => session.propose(params));
renderGallery(document.getElementById("lesson-list")!, (id) => lesson.open(id));
addEventListener("hashchange", () => {
  const id = lessonIdFromHash(location.hash);
  if (id) lesson.open(id);
});

setupTheme(document.getElementById("theme") as HTMLButtonElement, () => results.redrawAll());
void storage.refresh();
results.now();

let plots: Promise<void> | null = null;
/** Loads Plotly (most of the page's JS, about 1.5 MB gzip) once. Nothing waits for it: the table
 *  and the progress line come first, and the plots draw when it arrives. Loaded right after the
 *  first trial is on screen (or a saved study is opened), so that a person who takes their time
 *  before Start still fetches only the engine before their first trial; at once in a lesson,
 *  whose visual draws its objective before any trial. */
function loadPlots(): void {
  results.expectPlotly();
  plots ??= import("./plots/plotly").then(
    (m) => {
      results.setPlotly(m);
      lesson.setPlotly(m);
    },
    (e) => page.update({ error: `could not load the plotting library: ${e instanceof Error ? e.message : String(e)}` }),
  );
}
// After the session's own handlers (registered first), in a task after the table's render.
client.on("trials", () => setTimeout(loadPlots, 0));
client.on("opened", () => setTimeout(loadPlots, 0));
// A lesson: once the engine is in (its transfer first: Start waits on it), or when one is entered.
function loadPlotsForLesson(s: ReturnType<typeof page.get>): void {
  if (s.spec.lesson && s.phase !== "loading") loadPlots();
}
client.on("ready", () => loadPlotsForLesson(page.get()));
page.subscribe((s, changed) => {
  if (changed.has("spec")) loadPlotsForLesson(s);
});

// A lesson on the page: its text beside the controls (title, paragraphs, a question to try,
// previous/next, a way out to the full playground) and its visual above the results. Which lesson
// is shown is the configuration's `lesson` (so the link keeps it); the visual redraws as one of
// the results' views.
import type { PageState, Store } from "../page-state";
import type { PlotlyApi } from "../plots/plotly";
import type { RunSpec } from "../protocol";
import { LESSONS, lessonById } from "./catalog";
import type { Lesson } from "./lesson";
import { lessonLink } from "./route";
import { type LessonVisual, type VisualContext, mountVisual } from "./visuals";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** What the lesson view does to the page. */
export interface LessonActions {
  /** Opens lesson `spec` (a new page state: no study, the lesson's configuration). */
  enter(spec: RunSpec): void;
  /** Leaves the lesson: the same configuration, nothing hidden. */
  leave(): void;
}

export class LessonView {
  private readonly ui = {
    text: $("lesson-text"),
    title: $("lesson-title"),
    paragraphs: $("lesson-paragraphs"),
    tryThis: $("lesson-try"),
    prev: $<HTMLAnchorElement>("lesson-prev"),
    next: $<HTMLAnchorElement>("lesson-next"),
    count: $("lesson-count"),
    leave: $<HTMLButtonElement>("lesson-leave"),
    visual: $("lesson-visual"),
  };
  private shown: Lesson | undefined;
  private visual: LessonVisual | null = null;
  private plotly: { Plotly: PlotlyApi; PLOT_CONFIG: Record<string, unknown> } | null = null;

  constructor(
    page: Store<PageState>,
    private readonly ctx: Omit<VisualContext, "plotly">,
    private readonly actions: LessonActions,
  ) {
    for (const a of [this.ui.prev, this.ui.next]) {
      a.addEventListener("click", (e) => {
        e.preventDefault();
        const id = a.dataset.lesson;
        if (id) this.open(id);
      });
    }
    this.ui.leave.addEventListener("click", () => actions.leave());
    page.subscribe((s, changed) => {
      if (changed.has("spec")) this.show(lessonById(s.spec.lesson));
    });
    this.show(lessonById(page.get().spec.lesson));
  }

  /** Opens lesson `id` (a gallery card, previous/next, a lesson link typed into the address bar). */
  open(id: string): void {
    const lesson = lessonById(id);
    if (lesson) this.actions.enter(lesson.spec());
  }

  /** Plotly arrived: the visual's plots can draw. */
  setPlotly(p: { Plotly: PlotlyApi; PLOT_CONFIG: Record<string, unknown> }): void {
    this.plotly = p;
    this.update();
  }

  /** Whether a lesson is on the page. */
  get active(): boolean {
    return this.shown !== undefined;
  }

  /** Redraws the visual (one of the results' views: see main.ts). */
  update(): void {
    this.visual?.update();
  }

  private show(lesson: Lesson | undefined): void {
    if (lesson === this.shown) return;
    this.shown = lesson;
    const { ui } = this;
    document.body.classList.toggle("lesson-mode", !!lesson);
    ui.text.hidden = !lesson;
    ui.visual.hidden = !lesson?.visual;
    this.visual = null;
    ui.visual.replaceChildren();
    // The lesson's plots in the order it names them: its main one first.
    for (const card of document.querySelectorAll<HTMLElement>(".plots > [data-control]")) {
      const i = lesson ? lesson.show.indexOf(card.dataset.control!) : -1;
      card.style.order = i < 0 ? "" : String(i - lesson!.show.length);
    }
    if (!lesson) return;
    ui.text.dataset.lesson = lesson.id;
    ui.title.textContent = lesson.title;
    ui.paragraphs.replaceChildren(
      ...lesson.paragraphs.map((text) => {
        const p = document.createElement("p");
        p.textContent = text;
        return p;
      }),
    );
    ui.tryThis.textContent = lesson.tryThis;
    const i = LESSONS.indexOf(lesson);
    ui.count.textContent = `Lesson ${i + 1} of ${LESSONS.length}`;
    link(ui.prev, LESSONS[i - 1], "← Previous");
    link(ui.next, LESSONS[i + 1], "Next →");
    if (lesson.visual) {
      this.visual = mountVisual(lesson.visual, ui.visual, { ...this.ctx, plotly: () => this.plotly });
      this.visual.update();
    }
  }
}

function link(a: HTMLAnchorElement, lesson: Lesson | undefined, label: string): void {
  a.hidden = !lesson;
  if (!lesson) return;
  a.href = lessonLink(lesson.id);
  a.dataset.lesson = lesson.id;
  a.textContent = label;
  a.title = lesson.title;
}

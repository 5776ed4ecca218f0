// The saved studies: the list (open, delete), the study on the page and its Resume button, and
// the journal lines that reach IndexedDB as the worker reports them.
import { type PageState, type Store, isBusy } from "../page-state";
import type { SavedStudies } from "../saved-studies";
import type { PageStudy } from "../study-session";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** What the panel reads from the page and asks of it. */
export interface StorageSource {
  /** The study on the page (null: none). */
  study(): PageStudy | null;
  /** Its trials reported so far, and those of them that have ended. */
  reported(): number;
  ended(): number;
  open(id: string): void;
  resume(): void;
}

/** The "Saved studies" box, less import and export. */
export class StoragePanel {
  private readonly ui = {
    note: $("storage-note"),
    list: $("saved-list"),
    resume: $<HTMLButtonElement>("resume-study"),
    studyName: $("study-name"),
  };

  constructor(
    private readonly page: Store<PageState>,
    private readonly saved: SavedStudies,
    private readonly source: StorageSource,
  ) {
    this.ui.resume.addEventListener("click", () => source.resume());
    page.subscribe((_, changed) => {
      if (changed.has("phase")) this.showPhase();
    });
  }

  /** Studies cannot be saved: says why, once, and empties the list. */
  showFailure(message: string): void {
    this.ui.note.hidden = false;
    this.ui.note.textContent = message;
    this.ui.list.replaceChildren();
  }

  /** Appends the study's new journal lines (in memory, and in the store when there is one). */
  saveLines(lines: string[]): Promise<void> {
    const c = this.source.study();
    if (!c || lines.length === 0) return Promise.resolve();
    c.lines.push(...lines);
    const count = this.source.ended();
    const total = c.lines.length;
    // `data-lines` / `data-saved-lines`: journal lines received and written (the tests wait on them).
    this.ui.studyName.dataset.lines = String(total);
    return this.saved
      .persist((s) => s.append(c.id, lines, count))
      .then(() => {
        if (this.source.study() === c && this.saved.available) this.ui.studyName.dataset.savedLines = String(total);
      });
  }

  /** Lists the saved studies again (after the writes queued so far). */
  async refresh(): Promise<void> {
    const saved = await this.saved.list();
    if (!saved) return;
    const busy = isBusy(this.page.get().phase);
    this.ui.list.replaceChildren(
      ...saved.map((st) => {
        const li = document.createElement("li");
        li.dataset.id = st.id;
        li.dataset.trials = String(st.trials);
        const name = document.createElement("span");
        name.className = "name";
        name.textContent = st.studyName;
        const meta = document.createElement("span");
        meta.className = "meta";
        meta.textContent = `${new Date(st.created).toLocaleString()} · ${st.trials} trials${st.source === "import" ? " · imported" : ""}`;
        const open = document.createElement("button");
        open.type = "button";
        open.className = "open";
        open.textContent = "Open";
        open.disabled = busy;
        open.addEventListener("click", () => this.source.open(st.id));
        const del = document.createElement("button");
        del.type = "button";
        del.className = "delete";
        del.textContent = "Delete";
        del.disabled = busy;
        del.addEventListener("click", () => void this.saved.persist((s) => s.delete(st.id)).then(() => this.refresh()));
        li.append(name, meta, open, del);
        return li;
      }),
    );
  }

  private showPhase(): void {
    const p = this.page.get().phase;
    const busy = isBusy(p);
    const c = this.source.study();
    this.ui.resume.disabled = busy || p === "loading" || !c || c.source !== "page" || this.source.reported() >= (c.spec.config.n_trials ?? 0);
    this.ui.studyName.textContent = c ? c.studyName : "–";
    for (const b of this.ui.list.querySelectorAll("button")) (b as HTMLButtonElement).disabled = busy;
  }
}

// Export (the study's Optuna journal, its trials as CSV) and import (an Optuna journal file, dropped
// or chosen: the worker lists its studies, and the one chosen is saved and opened). The note below
// the drop zone says what came of an import or of opening a study.
import { trialsCsv } from "../csv";
import type { FrozenTrial } from "wasmtune";
import { type PageState, type Store, isBusy } from "../page-state";
import type { SavedStudies } from "../saved-studies";
import { type SavedStudy, journalLines } from "../store";
import type { StudyClient } from "../study-client";
import type { PageStudy } from "../study-session";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** What the panel reads from the page and asks of it. */
export interface FilesSource {
  study(): PageStudy | null;
  trials(): FrozenTrial[];
  /** Loads a study from its journal text into the page. */
  open(meta: SavedStudy, text: string): void;
}

function download(text: string, filename: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const fileSafe = (name: string) => name.replace(/[^A-Za-z0-9._-]+/g, "_");

/** The export buttons, the drop zone and the import note. */
export class ImportExport {
  private readonly ui = {
    exportJournal: $<HTMLButtonElement>("export-journal"),
    exportCsv: $<HTMLButtonElement>("export-csv"),
    dropZone: $("drop-zone"),
    file: $<HTMLInputElement>("import-file"),
    note: $("import-note"),
    studies: $("import-studies"),
  };
  /** The journal file being imported (its studies are listed; one is imported on request). */
  private importing: { text: string; file: string } | null = null;

  constructor(
    private readonly page: Store<PageState>,
    private readonly saved: SavedStudies,
    private readonly client: StudyClient,
    private readonly source: FilesSource,
  ) {
    const { ui } = this;
    ui.exportJournal.addEventListener("click", () => this.exportJournal());
    ui.exportCsv.addEventListener("click", () => this.exportCsv());
    ui.file.addEventListener("change", () => {
      const f = ui.file.files?.[0];
      if (f) void this.read(f);
      ui.file.value = "";
    });
    ui.dropZone.addEventListener("dragover", (e) => {
      e.preventDefault();
      ui.dropZone.classList.add("over");
    });
    ui.dropZone.addEventListener("dragleave", () => ui.dropZone.classList.remove("over"));
    ui.dropZone.addEventListener("drop", (e) => {
      e.preventDefault();
      ui.dropZone.classList.remove("over");
      const f = e.dataTransfer?.files?.[0];
      if (f) void this.read(f);
    });
    client.on("inspected", (r) => this.showChoices(r.studies, r.lineCount));
    page.subscribe((s, changed) => {
      if (!changed.has("phase")) return;
      const c = source.study();
      ui.exportJournal.disabled = !c || s.phase === "opening";
      ui.exportCsv.disabled = !c || s.phase === "opening";
      for (const b of ui.studies.querySelectorAll("button")) (b as HTMLButtonElement).disabled = isBusy(s.phase);
    });
  }

  /** Shows `text` in the note. */
  note(text: string): void {
    this.ui.note.hidden = false;
    this.ui.note.textContent = text;
  }

  clearNotes(): void {
    this.ui.note.hidden = true;
    this.ui.note.textContent = "";
  }

  private exportJournal(): void {
    const c = this.source.study();
    if (!c) return;
    download(c.lines.map((l) => l + "\n").join(""), `${fileSafe(c.studyName)}.log`, "text/plain");
  }

  private exportCsv(): void {
    const c = this.source.study();
    if (!c) return;
    download(trialsCsv(this.source.trials(), c.directions.length), `${fileSafe(c.studyName)}.csv`, "text/csv");
  }

  private async read(file: File): Promise<void> {
    this.clearNotes();
    this.ui.studies.replaceChildren();
    this.importing = { text: await file.text(), file: file.name };
    this.client.send({ type: "inspect", text: this.importing.text });
  }

  private showChoices(studies: string[], lineCount: number): void {
    if (!this.importing) return;
    const file = this.importing;
    if (studies.length === 0) {
      this.note(`“${file.file}” is not an Optuna journal file: no study found in its ${lineCount} line${lineCount === 1 ? "" : "s"}.`);
      return;
    }
    this.note(`“${file.file}” holds ${studies.length} stud${studies.length === 1 ? "y" : "ies"}: import one.`);
    this.ui.studies.replaceChildren(
      ...studies.map((name) => {
        const li = document.createElement("li");
        const span = document.createElement("span");
        span.className = "name";
        span.textContent = name;
        const b = document.createElement("button");
        b.type = "button";
        b.textContent = "Import";
        b.addEventListener("click", () => this.import(file.text, name));
        li.append(span, b);
        return li;
      }),
    );
  }

  /** Saves study `name` of the journal `text` as an imported study, and opens it. */
  private import(text: string, name: string): void {
    if (isBusy(this.page.get().phase)) return;
    const created = Date.now();
    const meta: SavedStudy = {
      id: `import-${new Date(created).toISOString()}-${name}`,
      studyName: name,
      created,
      spec: {
        config: { name, directions: ["minimize"], sampler: { name: "RandomSampler", kwargs: null }, pruner: { name: "NopPruner", kwargs: null } },
      },
      trials: 0,
      source: "import",
    };
    this.ui.studies.replaceChildren();
    this.importing = null;
    void this.saved.persist((s) => s.create(meta, journalLines(text)));
    this.source.open(meta, text);
  }
}

// Saved studies in IndexedDB (through `idb`): per study, its metadata (the page's configuration,
// when it was made, how many trials it has) and its Optuna journal, kept as append-only lines in
// the order the engine wrote them. A study's journal text is its lines joined with newlines.
import { type DBSchema, type IDBPDatabase, openDB } from "idb";
import type { RunSpec } from "./protocol";

export interface SavedStudy {
  /** The store's key (unique per saved study). */
  id: string;
  /** The study's name in its journal. */
  studyName: string;
  /** Milliseconds since the Unix epoch. */
  created: number;
  /** The page's configuration (for an imported study, only the name and directions). */
  spec: RunSpec;
  trials: number;
  /** "page": run here; "import": from a journal file. */
  source: "page" | "import";
}

interface Schema extends DBSchema {
  studies: { key: string; value: SavedStudy };
  lines: { key: number; value: { study: string; line: string }; indexes: { study: string } };
}

export const DB_NAME = "wasmtune";

export class StudyStore {
  private constructor(private readonly db: IDBPDatabase<Schema>) {}

  /** Opens (or creates) the database; throws where IndexedDB is unavailable (or refuses). */
  static async open(name = DB_NAME): Promise<StudyStore> {
    if (typeof indexedDB === "undefined") throw new Error("IndexedDB is not available");
    const db = await openDB<Schema>(name, 1, {
      upgrade(db) {
        db.createObjectStore("studies", { keyPath: "id" });
        db.createObjectStore("lines", { autoIncrement: true }).createIndex("study", "study");
      },
    });
    return new StudyStore(db);
  }

  /** Saves a new study with its starting journal lines (none for a study about to run). */
  async create(study: SavedStudy, lines: string[] = []): Promise<void> {
    const tx = this.db.transaction(["studies", "lines"], "readwrite");
    void tx.objectStore("studies").add(study);
    const ls = tx.objectStore("lines");
    for (const line of lines) void ls.add({ study: study.id, line });
    await tx.done;
  }

  /** Appends journal lines (in order) and updates the trial count, in one transaction. */
  async append(id: string, lines: string[], trials?: number): Promise<void> {
    const tx = this.db.transaction(["studies", "lines"], "readwrite");
    const ls = tx.objectStore("lines");
    for (const line of lines) void ls.add({ study: id, line });
    if (trials !== undefined) {
      const studies = tx.objectStore("studies");
      const meta = await studies.get(id);
      if (meta && meta.trials !== trials) await studies.put({ ...meta, trials });
    }
    await tx.done;
  }

  /** Every saved study, newest first. */
  async list(): Promise<SavedStudy[]> {
    const all = await this.db.getAll("studies");
    return all.sort((a, b) => b.created - a.created);
  }

  async get(id: string): Promise<SavedStudy | undefined> {
    return this.db.get("studies", id);
  }

  /** The study's journal text (its lines in the order they were appended, each with a newline). */
  async journal(id: string): Promise<string> {
    // Keys are auto-incremented: the index returns a study's records in key (append) order.
    const records = await this.db.getAllFromIndex("lines", "study", id);
    return records.map((r) => r.line + "\n").join("");
  }

  async delete(id: string): Promise<void> {
    const tx = this.db.transaction(["studies", "lines"], "readwrite");
    void tx.objectStore("studies").delete(id);
    const index = tx.objectStore("lines").index("study");
    for (let cursor = await index.openKeyCursor(IDBKeyRange.only(id)); cursor; cursor = await cursor.continue()) {
      void tx.objectStore("lines").delete(cursor.primaryKey);
    }
    await tx.done;
  }

  close(): void {
    this.db.close();
  }
}

/** Splits a journal's text into the lines stored: complete lines only (a trailing line without a
 *  newline is left out, as Optuna's reader ignores it). */
export function journalLines(text: string): string[] {
  const lines = text.split("\n");
  lines.pop(); // "" after the last newline, or the partial line
  return lines;
}

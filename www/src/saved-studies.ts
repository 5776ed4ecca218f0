// The page's side of the IndexedDB store: writes run one after another, so that journal lines reach
// the store in the order the engine wrote them, and the first failure (no IndexedDB, a full quota)
// switches the page to memory only, said once.
import { type SavedStudy, StudyStore } from "./store";

/** Saved studies in IndexedDB, or in memory only once the store has failed. */
export class SavedStudies {
  private store: StudyStore | null = null;
  /** The last write queued (each waits for the one before). */
  private writes: Promise<unknown>;
  private failed = false;

  /** Opens the store; `onFailure` is told why studies cannot be saved, once. */
  constructor(private readonly onFailure: (message: string) => void) {
    this.writes = StudyStore.open().then(
      (s) => {
        this.store = s;
      },
      (e) => this.fail(e),
    );
  }

  /** Whether studies are being saved (the store opened and has not failed since). */
  get available(): boolean {
    return this.store !== null;
  }

  /** Runs a store operation after the ones before it; a failure switches to memory only. */
  persist(op: (s: StudyStore) => Promise<unknown>): Promise<void> {
    const next = this.writes.then(() => (this.store ? op(this.store) : undefined)).catch((e) => this.fail(e));
    this.writes = next;
    return next.then(() => undefined);
  }

  /** The saved studies once every queued write is done (null: none can be saved). */
  async list(): Promise<SavedStudy[] | null> {
    await this.writes;
    if (!this.store) return null;
    try {
      return await this.store.list();
    } catch (e) {
      this.fail(e);
      return null;
    }
  }

  /** A saved study and its journal text, once every queued write is done. */
  async load(id: string): Promise<{ meta: SavedStudy; text: string } | null> {
    if (!this.store) return null;
    await this.writes;
    try {
      const meta = await this.store.get(id);
      return meta ? { meta, text: await this.store.journal(id) } : null;
    } catch (e) {
      this.fail(e);
      return null;
    }
  }

  private fail(e: unknown): void {
    if (!this.store && this.failed) return;
    this.store = null;
    this.failed = true;
    // A full quota arrives as a DOMException whose message may be empty: its name says it.
    const quota = e instanceof DOMException && e.name === "QuotaExceededError";
    const why = quota ? "the browser's storage quota is full" : e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    this.onFailure(`Studies cannot be saved in this browser (IndexedDB: ${why}). ` + "The study runs in memory only; export still works.");
  }
}

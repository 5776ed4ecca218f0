// The study worker, seen from the page: commands go out, reports come in, and questions about the
// study (queries) are answered by id. The worker may be replaced (a custom objective that never
// returns cannot be interrupted otherwise); the page keeps what it was told before.
import { sendEngine } from "./engine-module";
import type { Command, Query, Report } from "./protocol";

type ReportOf<K extends Report["type"]> = Extract<Report, { type: K }>;
type Handlers = { [K in Report["type"]]?: ((r: ReportOf<K>) => void)[] };

/** How long a stopped study may take to finish its trial before its worker is replaced. */
const HARD_STOP_MS = 2000;

/** The page's one study worker (a race has its own: see ui/race.ts). */
export class StudyClient {
  private worker!: Worker;
  private readonly handlers: Handlers = {};
  /** Questions awaiting their answer, by id. */
  private readonly queries = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextQuery = 0;
  private hardStop: ReturnType<typeof setTimeout> | undefined;

  /** Starts the worker; `onFailure` hears of a worker that failed outright. */
  constructor(private readonly onFailure: (message: string) => void) {
    this.spawn();
  }

  /** Calls `handler` with every report of this type, after the handlers registered before it. */
  on<K extends Report["type"]>(type: K, handler: (r: ReportOf<K>) => void): void {
    ((this.handlers[type] ??= []) as ((r: ReportOf<K>) => void)[]).push(handler);
  }

  /** Posts a command to the worker. */
  send(cmd: Command): void {
    this.worker.postMessage(cmd);
  }

  /** Asks the worker about the study on the page (answered between trials). */
  readonly ask = (query: Query): Promise<unknown> => {
    const id = this.nextQuery++;
    return new Promise((resolve, reject) => {
      this.queries.set(id, { resolve, reject });
      this.send({ type: "query", id, query });
    });
  };

  /** Asks the worker to stop after the current trial; if the objective never returns (an endless
   *  loop in custom code), replaces the worker, keeping the trials already reported, and calls
   *  `onForced`. */
  stop(onForced: () => void): void {
    this.send({ type: "stop" });
    this.hardStop = setTimeout(() => {
      this.worker.terminate();
      this.spawn();
      onForced();
    }, HARD_STOP_MS);
  }

  /** Ends the worker at once, whatever it is doing, and starts a fresh one. */
  replace(): void {
    clearTimeout(this.hardStop);
    this.worker.terminate();
    this.spawn();
  }

  private spawn(): void {
    // Questions the old worker will never answer.
    for (const q of this.queries.values()) q.reject(new Error("the study worker was replaced"));
    this.queries.clear();
    this.worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
    this.worker.onmessage = (e: MessageEvent<Report>) => this.receive(e.data);
    this.worker.onerror = (e) => this.onFailure(`the study worker failed: ${e.message || "unknown error"}`);
    sendEngine(this.worker);
  }

  private receive(r: Report): void {
    if (r.type === "answer") {
      const q = this.queries.get(r.id);
      this.queries.delete(r.id);
      if (q) r.error !== undefined ? q.reject(new Error(r.error)) : q.resolve(r.result);
      return;
    }
    if (r.type === "finished") clearTimeout(this.hardStop);
    for (const h of this.handlers[r.type] ?? []) (h as (r: Report) => void)(r);
  }
}

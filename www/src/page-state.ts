// The page's state in one place: the run's configuration as the link has it, the view settings,
// the phase, and the message the page shows when something went wrong. Panels subscribe to it
// instead of sharing variables. The URL hash mirrors the configuration and the view settings, so
// that a link copied at any time reproduces the page.
import type { RunSpec } from "./protocol";
import { encodeSpec } from "./state";
import type { ViewOptions } from "./view-options";

/** Where the page is: the engine loading, a study opening, running, done... */
export type Phase = "loading" | "idle" | "opening" | "opened" | "running" | "paused" | "stopping" | "finished" | "stopped" | "error";

/** A study runs (or is winding down): its configuration is its own, whatever the controls say. */
export const isRunning = (p: Phase): boolean => p === "running" || p === "paused" || p === "stopping";

/** The worker is busy with a study (running it, or opening a saved one): nothing else starts. */
export const isBusy = (p: Phase): boolean => isRunning(p) || p === "opening";

/** What the page shows and the link keeps, in one object. */
export interface PageState {
  /** The run's configuration: as the controls show it, or the running study's own. */
  spec: RunSpec;
  /** The plots' settings (filters, plot choices). */
  view: ViewOptions;
  phase: Phase;
  /** Shown above the results until the next action (null: none). */
  error: string | null;
  /** The trial slider's position: the views show the study after its first `replay` trials
   *  (null: live, every trial). */
  replay: number | null;
}

/** Called after every update with the keys it set (even to the same value: a phase set again is
 *  shown again) and who made it, so that a panel can tell its own changes from others'. */
export type Listener<T> = (state: Readonly<T>, changed: ReadonlySet<keyof T>, origin: unknown) => void;

/** A small typed store: one state object, replaced (never mutated) on each update. */
export class Store<T extends object> {
  private readonly listeners = new Set<Listener<T>>();

  constructor(private state: T) {}

  /** The current state (replaced, not changed, by `update`). */
  get(): Readonly<T> {
    return this.state;
  }

  /** Sets the keys in `patch` and tells every listener, in the order they subscribed. */
  update(patch: Partial<T>, origin?: unknown): void {
    this.state = { ...this.state, ...patch };
    const changed = new Set(Object.keys(patch) as (keyof T)[]);
    for (const listener of [...this.listeners]) listener(this.state, changed, origin);
  }

  /** Returns the function that unsubscribes. */
  subscribe(listener: Listener<T>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** The URL hash's side of the store. */
export interface HashMirror {
  /** Writes the hash now (a study starts: its link is the one to copy). */
  flush(): void;
  /** A bare link again (Reset: the page's defaults need no hash). */
  clear(): void;
}

/** Keeps the URL hash equal to the store's configuration and view settings, written `delayMs`
 *  after the last change so that typing does not fill the browser's history machinery. */
export function mirrorToHash(
  page: Store<PageState>,
  delayMs = 150,
  replace: (url: string) => void = (url) => history.replaceState(null, "", url),
  bare: () => string = () => location.pathname + location.search,
): HashMirror {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const write = () => {
    clearTimeout(timer);
    timer = undefined;
    const { spec, view } = page.get();
    replace(encodeSpec({ ...spec, view: view as unknown as Record<string, unknown> }));
  };
  page.subscribe((_, changed) => {
    if (!changed.has("spec") && !changed.has("view")) return;
    clearTimeout(timer);
    timer = setTimeout(write, delayMs);
  });
  return {
    flush: write,
    clear() {
      clearTimeout(timer);
      timer = undefined;
      replace(bare());
    },
  };
}

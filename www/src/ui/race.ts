// A race: a second study on the same objective with another sampler, run by its own study worker
// beside the page's study, its trials overlaid on the history and EDF plots. It is not saved: the
// page's own study is the one kept.
import type { Direction, FrozenTrial } from "../lib/wasmtune";
import type { Series } from "../plots/history";
import type { Best, Command, Report, RunSpec } from "../protocol";
import { sendEngine } from "../engine-module";
import { defaultSamplerOptions } from "../state";

export class Race {
  private worker: Worker | null = null;
  private trials: FrozenTrial[] = [];
  private name = "";
  private direction: Direction = "minimize";
  best: Best | null = null;
  done = 0;
  finished = false;

  constructor(private readonly onChange: () => void) {}

  /** Starts the rival study: `run` with `sampler` (its default options, the same seed), pausing
   *  after `steps` trials when given (Step: both studies advance together). */
  start(run: RunSpec, sampler: string, steps?: number): void {
    this.stop();
    const rival: RunSpec = structuredClone(run);
    rival.config.sampler = { name: sampler, kwargs: defaultSamplerOptions(sampler, rival.config.search_space) };
    rival.config.name = `${run.config.name ?? "study"}-race`;
    delete rival.view;
    delete rival.hide;
    this.name = sampler;
    this.direction = run.config.directions[0] ?? "minimize";
    this.trials = [];
    this.best = null;
    this.done = 0;
    this.finished = false;
    const w = new Worker(new URL("../worker.ts", import.meta.url), { type: "module", name: "race" });
    w.onmessage = (e: MessageEvent<Report>) => {
      const r = e.data;
      if (r.type === "ready") this.send({ type: "start", run: rival, journal: "", steps });
      else if (r.type === "trials") {
        for (const t of r.trials) this.trials[t.number] = t;
        this.best = r.best;
        this.done = this.trials.filter(Boolean).length;
        this.onChange();
      } else if (r.type === "finished" || r.type === "error") {
        this.finished = true;
        this.onChange();
      }
    };
    sendEngine(w);
    this.worker = w;
  }

  private send(c: Command): void {
    this.worker?.postMessage(c);
  }

  pause(): void {
    this.send({ type: "pause" });
  }

  resume(): void {
    this.send({ type: "resume" });
  }

  step(): void {
    this.send({ type: "step" });
  }

  /** Ends the rival at once (it keeps nothing worth waiting for). */
  stop(): void {
    this.worker?.terminate();
    this.worker = null;
  }

  /** Clears the overlay too (a new study or Reset). */
  clear(): void {
    this.stop();
    this.trials = [];
    this.best = null;
    this.name = "";
    this.onChange();
  }

  /** The rival as an overlay, when there is one. */
  series(): Series[] {
    return this.name ? [{ name: this.name, trials: this.trials.filter(Boolean), direction: this.direction }] : [];
  }
}

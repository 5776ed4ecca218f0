// The MNIST objective: train a real MLP classifier on MNIST digits, in the worker, through the
// engine's trainer (candle compiled to wasm, or WebGPU kernels when the worker has an adapter), and score it on the
// fixed validation split. Each epoch's validation accuracy is reported, so pruners can stop a bad
// run early. Variants add a second objective (parameter count, or training time) for a Pareto front.
//
// The evaluator reruns an objective from the start whenever it waits for the study worker (a
// pruning decision): the run in progress is kept here between reruns, so epochs already trained are
// replayed from their reports instead of trained again.
import mnistUrl from "../../data/mnist.bin?url";
import { TrialPruned } from "../lib/pruned";
import type { MnistData, MnistTrainer } from "wasmtune/mnist";
import type { ParamValue } from "wasmtune";
import { type BuiltinObjective, type ReportingTrial, categorical, float, int } from "./types";

/** Where to train: the user's choice. */
export type MnistBackendChoice = "auto" | "cpu" | "webgpu";

/** The MNIST objective's own settings (the `mnist` field of the page's RunSpec). */
export interface MnistOptions {
  /** Training digits (the validation set is a quarter of it): 8,000 by default, fewer for speed. */
  train: number;
  backend: MnistBackendChoice;
}

export const DEFAULT_MNIST_OPTIONS: MnistOptions = { train: 8000, backend: "auto" };

/** Training-set sizes offered, each with its validation size (the full split is 8,000 / 2,000). */
export const MNIST_SUBSETS: [number, number][] = [
  [8000, 2000],
  [4000, 1000],
  [2000, 500],
  [1000, 250],
];

/** Misclassified validation digits kept per trial (user attribute `misclassified`). */
export const MISCLASSIFIED_KEPT = 12;

/** One epoch as the engine reports it. */
interface EpochReport {
  epoch: number;
  train_loss: number;
  validation_accuracy: number;
  train_seconds: number;
}

let data: Promise<MnistData> | null = null;

/** The digits, fetched and parsed once per worker (the file ships with the page). */
function loadData(): Promise<MnistData> {
  data ??= (async () => {
    // Loaded here, not at the top: the trainer's module (most of the wasm bytes) is fetched only
    // by a worker that trains, and the page's main thread lists this objective without it.
    const { initTrainer, MnistData } = await import("wasmtune/mnist");
    await initTrainer();
    const response = await fetch(mnistUrl);
    if (!response.ok) throw new Error(`could not load the MNIST digits (${mnistUrl}): HTTP ${response.status}`);
    return new MnistData(new Uint8Array(await response.arrayBuffer()));
  })();
  data.catch(() => (data = null));
  return data;
}

/** The engine's TrainConfig for a trial's parameters (missing ones take the defaults). */
export function trainConfig(params: Record<string, ParamValue>, seed: number): Record<string, unknown> {
  const layers = Number(params.layers ?? 1);
  const hidden = Number(params.hidden ?? 128);
  const optimizer = String(params.optimizer ?? "adam");
  return {
    mlp: { input: 784, hidden: Array(layers).fill(hidden), output: 10, activation: String(params.activation ?? "relu") },
    optimizer: {
      kind: optimizer,
      ...(optimizer === "sgd" ? { momentum: 0.9 } : {}),
      lr: Number(params.lr ?? 1e-3),
      weight_decay: optimizer === "adamw" ? 0.01 : 0,
    },
    batch_size: Number(params.batch_size ?? 64),
    epochs: Number(params.epochs ?? 3),
    dropout: Number(params.dropout ?? 0),
    seed,
  };
}

/** The run in progress (one per worker: a worker evaluates one trial at a time). */
let current: { key: string; trainer: MnistTrainer; epochs: EpochReport[] } | null = null;

/** Trains (or resumes) the trial's run, reporting each epoch; returns what the variant scores. */
async function trainMnist(
  trial: ReportingTrial,
  params: Record<string, ParamValue>,
  options: MnistOptions,
  score: (accuracy: number, trainer: MnistTrainer, seconds: number) => number | number[],
): Promise<number | number[]> {
  const [train, validation] = MNIST_SUBSETS.find(([t]) => t === options.train) ?? MNIST_SUBSETS[0];
  // "auto" resolves in the engine: WebGPU on a hardware adapter, else the CPU (a software adapter is slower).
  const backend = options.backend;
  const config = trainConfig(params, trial.number);
  const key = JSON.stringify([trial.number, config, train, backend]);
  if (current?.key !== key) {
    current?.trainer.free();
    current = null;
    const { MnistTrainer } = await import("wasmtune/mnist");
    const trainer = (await MnistTrainer.create(await loadData(), train, validation, config, backend)) as MnistTrainer;
    current = { key, trainer, epochs: [] };
  }
  const run = current;
  // Set before training, so a pruned or failed trial also says where it ran.
  trial.setUserAttr?.("backend", run.trainer.backend);
  const adapter = run.trainer.adapter;
  if (adapter) trial.setUserAttr?.("adapter", adapter);
  const fallback = run.trainer.fallbackReason;
  if (fallback) trial.setUserAttr?.("backend_fallback", fallback);
  const epochs = Number(config.epochs);
  for (let e = 1; e <= epochs; e++) {
    const report = run.epochs[e - 1] ?? (await run.trainer.epoch());
    run.epochs[e - 1] = report;
    trial.report(report.validation_accuracy, e);
    if (trial.shouldPrune()) throw new TrialPruned(`pruned after epoch ${e}`);
  }
  const seconds = run.epochs.reduce((s, r) => s + r.train_seconds, 0);
  const wrong: { source: number; label: number; predicted: number }[] = await run.trainer.misclassified(MISCLASSIFIED_KEPT);
  trial.setUserAttr?.("parameter_count", run.trainer.parameterCount());
  trial.setUserAttr?.("train_seconds", Number(seconds.toFixed(3)));
  trial.setUserAttr?.("misclassified", wrong.map((w) => [w.source, w.label, w.predicted]));
  return score(run.epochs[epochs - 1].validation_accuracy, run.trainer, seconds);
}

const searchSpace = {
  hidden: int(16, 512, true),
  layers: int(1, 3),
  lr: float(1e-4, 1e-1, true),
  optimizer: categorical(["adam", "adamw", "sgd"]),
  batch_size: categorical([32, 64, 128, 256]),
  dropout: float(0, 0.5),
  // Up to 10: on 8,000 digits the last point or two of accuracy (95 %+) comes after epoch 5 (benches/TRAINER.md).
  epochs: int(1, 10),
};

function variant(
  id: string,
  label: string,
  description: string,
  directions: BuiltinObjective["directions"],
  score: (accuracy: number, trainer: MnistTrainer, seconds: number) => number | number[],
): BuiltinObjective {
  return {
    id,
    label,
    description,
    directions,
    searchSpace,
    evaluate: () => {
      throw new Error("the MNIST objective trains asynchronously; it runs through `train`");
    },
    train: (trial, params, spec) => trainMnist(trial, params, { ...DEFAULT_MNIST_OPTIONS, ...spec?.mnist }, score),
  };
}

export const mnist = variant(
  "mnist",
  "MNIST MLP (real training, prunable)",
  "Maximize the validation accuracy of an MLP trained on MNIST digits in the worker (candle in wasm, or WebGPU); each epoch is reported, so pruners apply.",
  ["maximize"],
  (accuracy) => accuracy,
);

export const mnistParams = variant(
  "mnist-params",
  "MNIST: accuracy vs parameters",
  "Two objectives: maximize validation accuracy, minimize the MLP's parameter count.",
  ["maximize", "minimize"],
  (accuracy, trainer) => [accuracy, trainer.parameterCount()],
);

export const mnistTime = variant(
  "mnist-time",
  "MNIST: accuracy vs training time",
  "Two objectives: maximize validation accuracy, minimize the seconds spent training.",
  ["maximize", "minimize"],
  (accuracy, _trainer, seconds) => [accuracy, seconds],
);

/** True for the MNIST objectives (they share the subset and backend controls). */
export const isMnist = (id: string | undefined): boolean => !!id && id.startsWith("mnist");

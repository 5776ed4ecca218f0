// `wasmtune/mnist` in Node: the trainer's API, whose `initTrainer` reads the trainer's wasm from the
// package's files (Node's fetch cannot read a file: URL).
import { readFile } from "node:fs/promises";
import { initTrainer as initWith } from "./lib/trainer.js";

export * from "./lib/trainer.js";

/** Loads the trainer's wasm (once). `module`: as the browser entry takes it; by default the
 *  package's own wasm file. */
export async function initTrainer(module) {
  return initWith(module ?? (await readFile(new URL("../pkg-trainer/wasmtune_trainer_bg.wasm", import.meta.url))));
}

// The MNIST trainer's bindings (the page's MNIST objective): the digits and one training run. They
// live in a wasm module of their own (candle and wgpu are most of the engine's bytes), so that a
// page running any other objective never fetches them: only a worker that trains imports this.
//
//   await initTrainer();
//   const data = new MnistData(bytes);
//   const trainer = await MnistTrainer.create(data, 8000, 2000, config, "auto");

/**
 * The MNIST trainer: a small MLP trained on MNIST digits with candle, on WebGPU or the CPU. Its own
 * wasm module, fetched only by those who import this entry.
 * @module wasmtune/mnist
 */

import initWasm, { MnistData, MnistTrainer } from "../../pkg-trainer/wasmtune_trainer.js";
import type { InitInput } from "../../pkg-trainer/wasmtune_trainer.js";
/** What `initTrainer` takes: the trainer's wasm module, its bytes, a `Response`, or its URL. */
export type { InitInput };

export { MnistData, MnistTrainer };

let loaded: Promise<void> | null = null;

/** Loads the trainer's wasm (once per worker; `module` as `init` takes it, or fetched beside this
 *  script). A failed load is forgotten, so that the next trial tries again. */
export function initTrainer(module?: InitInput): Promise<void> {
  loaded ??= initWasm(module === undefined ? undefined : { module_or_path: module }).then(() => undefined);
  loaded.catch(() => (loaded = null));
  return loaded;
}

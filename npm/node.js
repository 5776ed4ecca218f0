// The package's entry in Node (the "node" export condition): the same API, whose `init` reads the
// engine's wasm from the package's files, because Node's fetch cannot read a file: URL (where the
// bindings look for it by default). Browsers and bundlers take dist/lib/wasmtune.js directly.
import { readFile } from "node:fs/promises";
import { init as initWith } from "./lib/wasmtune.js";

export * from "./lib/wasmtune.js";

/** Loads the wasm engine (once). `module`: as the browser entry's `init` takes it; by default the
 *  package's own wasm file. */
export async function init(module) {
  return initWith(module ?? (await readFile(new URL("../pkg/wasmtune_bg.wasm", import.meta.url))));
}

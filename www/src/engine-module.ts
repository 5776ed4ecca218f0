// The engine's wasm, compiled once on the page and handed to every worker that runs it (the study
// worker, a race's, and through the study worker its evaluators): otherwise each fetches and
// compiles the same megabytes itself, and the first study waits for its worker's own compile.
// Started as soon as this module loads, so that the fetch overlaps the worker script's.

import type { Command } from "./protocol";

// The same asset the wasm-bindgen glue points at (Vite gives both the one hashed file).
const WASM_URL = new URL("../pkg/wasmtune_bg.wasm", import.meta.url);

let compiled: Promise<WebAssembly.Module> | null = null;

/** The engine's compiled module (fetched and compiled once per page). */
export function engineModule(): Promise<WebAssembly.Module> {
  compiled ??= (async () => {
    try {
      return await WebAssembly.compileStreaming(fetch(WASM_URL));
    } catch {
      // A server that does not say application/wasm: compile from the bytes instead.
      const response = await fetch(WASM_URL);
      if (!response.ok) throw new Error(`could not fetch the wasm engine (${WASM_URL}): HTTP ${response.status}`);
      return WebAssembly.compile(await response.arrayBuffer());
    }
  })();
  return compiled;
}

/** Hands `worker` the engine: an `engine` command with the compiled module, or without one when
 *  compiling here failed (the worker then loads the wasm itself, and reports what went wrong). */
export function sendEngine(worker: Worker): void {
  engineModule().then(
    (module) => worker.postMessage({ type: "engine", module } satisfies Command),
    () => worker.postMessage({ type: "engine" } satisfies Command),
  );
}

engineModule().catch(() => {}); // reported by the worker that then fails to load it

import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Relative paths throughout, so dist/ can be served from any folder.
export default defineConfig({
  base: "./",
  // The page imports the npm package by its name (scripts/pack.sh builds the package from
  // src/lib): one API, written once, used here as a user uses it.
  resolve: {
    alias: [
      { find: /^wasmtune$/, replacement: fileURLToPath(new URL("./src/lib/wasmtune.ts", import.meta.url)) },
      { find: /^wasmtune\/mnist$/, replacement: fileURLToPath(new URL("./src/lib/trainer.ts", import.meta.url)) },
    ],
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // Plotly alone is ~4.8 MB minified; the sizes that matter are printed by scripts/sizes.mjs.
    chunkSizeWarningLimit: 6000,
    rolldownOptions: { checks: { pluginTimings: false } },
  },
  worker: { format: "es" },
  test: { include: ["test/**/*.test.ts"], environment: "node" },
});

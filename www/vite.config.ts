import { defineConfig } from "vitest/config";

// Relative paths throughout, so dist/ can be served from any folder.
export default defineConfig({
  base: "./",
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

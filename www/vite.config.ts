import { defineConfig } from "vitest/config";

// Relative paths throughout, so dist/ can be served from any folder.
export default defineConfig({
  base: "./",
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 6000 },
  worker: { format: "es" },
  test: { include: ["test/**/*.test.ts"], environment: "node" },
});

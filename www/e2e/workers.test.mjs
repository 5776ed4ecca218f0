// Issue #9's parallel workers: one study worker owns the study, N evaluator workers run trials.
import { join } from "node:path";
import { ARTIFACTS, GATE_CODE, assert, openGate } from "./harness.mjs";
import { plots, runStudy } from "./plots.test.mjs";

async function typeCustom(page, code) {
  await page.selectOption("#objective", "custom");
  await page.waitForSelector("#editor .cm-content");
  await page.click("#editor .cm-content");
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(code);
}

const rows = (page) =>
  page.$$eval("#trials tbody tr", (trs) => trs.map((r) => ({ n: Number(r.cells[0].textContent), state: r.dataset.state, title: r.title })));

export const tests = [
  [
    "workers: a 4-worker study completes with no trial lost or duplicated, and the timeline shows 4 workers",
    async (page) => {
      // Trials from 8 on wait at a gate the test opens only after pressing Pause.
      await typeCustom(
        page,
        `${GATE_CODE(8)}
async function objective(trial) {
  await gate(trial);
  const x = trial.suggestFloat("x", -5, 5);
  const k = trial.suggestCategorical("k", ["a", "b"]);
  return x * x + (k === "a" ? 0 : 1);
}`,
      );
      await runStudy(page, { sampler: "TPESampler", nTrials: 40, workers: "4", wait: false });
      // Pause: the running trials end, then nothing changes until Resume.
      await page.waitForFunction(() => Number(document.getElementById("progress").dataset.done ?? 0) >= 8);
      await page.click("#pause");
      await openGate(page);
      await page.waitForSelector('#status[data-state="paused"]');
      const atPause = await page.evaluate(() => Number(document.getElementById("progress").dataset.done));
      await page.waitForTimeout(500);
      const later = await page.evaluate(() => Number(document.getElementById("progress").dataset.done));
      assert(atPause === later && atPause > 8 && atPause <= 12, `the running trials ended, then nothing ran while paused: ${atPause} then ${later}`);
      await page.click("#pause");
      await page.waitForSelector('#status[data-state="finished"]');
      const rs = await rows(page);
      const numbers = rs.map((r) => r.n).sort((a, b) => a - b);
      assert(numbers.length === 40 && numbers.every((n, i) => n === i), `trials 0..39 once each: ${numbers}`);
      assert(rs.every((r) => r.state === "COMPLETE"), `all complete: ${rs.map((r) => r.state)}`);
      const p = await plots(page);
      assert(p.timeline.workers === 4, `timeline rows: ${p.timeline.workers}`);
      const ys = await page.evaluate(() => [...new Set(document.getElementById("timeline").data.flatMap((d) => d.y))].sort());
      assert(ys.join() === "worker 0,worker 1,worker 2,worker 3", `rows by worker: ${ys}`);
      await page.locator('[data-control="plot-timeline"]').screenshot({ path: join(ARTIFACTS, "workers-timeline.png") });
    },
  ],
  [
    "workers: a worker that dies mid-trial fails that trial and is replaced; the study completes",
    async (page) => {
      await typeCustom(
        page,
        `function objective(trial) {
  if (trial.number === 5) self.close();
  const x = trial.suggestFloat("x", 0, 1);
  const t0 = performance.now();
  while (performance.now() - t0 < 10) {}
  return x;
}`,
      );
      await runStudy(page, { nTrials: 24, workers: "3" });
      const rs = await rows(page);
      const numbers = rs.map((r) => r.n).sort((a, b) => a - b);
      assert(numbers.length === 24 && numbers.every((n, i) => n === i), `trials 0..23 once each: ${numbers}`);
      const failed = rs.filter((r) => r.state === "FAIL");
      assert(failed.length === 1 && failed[0].n === 5 && /closed mid-trial/.test(failed[0].title), `trial 5 failed: ${JSON.stringify(failed)}`);
      assert(rs.filter((r) => r.state === "COMPLETE").length === 23, "the others complete");
    },
  ],
];

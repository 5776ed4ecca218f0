// The terminator switch's live line: what the engine's terminator said after the latest trial of a
// study run with "Stop when improvement is unlikely" on, and why it stopped the study.
import { terminatorStatus } from "../terminator";
import type { StudyClient } from "../study-client";

export class TerminatorPanel {
  private readonly status = document.getElementById("terminator-status")!;
  /** The line shown before a study's first check: what the switch does. */
  private readonly about = this.status.textContent ?? "";

  constructor(client: StudyClient) {
    let last: Parameters<typeof terminatorStatus>[0] | null = null;
    client.on("started", () => {
      last = null;
      this.status.textContent = this.about;
    });
    client.on("terminator", (r) => {
      last = r.report;
      this.status.textContent = terminatorStatus(r.report, false);
    });
    client.on("finished", (r) => {
      if (r.reason === "terminated" && last) this.status.textContent = terminatorStatus(last, true);
    });
  }
}

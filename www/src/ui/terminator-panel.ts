// The terminator switch's live line: what the engine's terminator said after the latest trial of a
// study run with "Stop when improvement is unlikely" on, including the check that stopped it.
import { TERMINATOR_READY_AT, terminatorStatus } from "../terminator";
import type { StudyClient } from "../study-client";

export class TerminatorPanel {
  private readonly status = document.getElementById("terminator-status")!;
  /** The line shown before a study's first check: what the switch does. */
  private readonly about: string;

  constructor(client: StudyClient) {
    // The switch's description names the trial count the threshold is learnt from: the page's
    // terminator's, not a number written twice.
    document.getElementById("terminator-ready-at")!.textContent = String(TERMINATOR_READY_AT);
    this.about = this.status.textContent ?? "";
    client.on("started", () => {
      this.status.textContent = this.about;
    });
    client.on("terminator", (r) => {
      this.status.textContent = terminatorStatus(r.report);
    });
  }
}

// The scenario being run: who it is, its checks and the record the reports
// read. Every service of the World writes into this one object, so a
// scenario's findings have one home whichever service made them.
import { ScenarioChecks } from "../checks/recorder.js";
import { emptyRecord, type ScenarioRecord } from "../report/model.js";

export interface ScenarioInfo {
  id: string;
  name: string;
  tags: string[];
  startedEpochMs: number;
  startedPerf: number;
}

export class ScenarioContext {
  info?: ScenarioInfo;
  checks = new ScenarioChecks([]);
  readonly record: ScenarioRecord = emptyRecord();

  begin(info: { id: string; name: string; tags: string[] }): void {
    this.info = { ...info, startedEpochMs: Date.now(), startedPerf: performance.now() };
    this.checks = new ScenarioChecks(info.tags);
  }

  /** Milliseconds since the scenario began (the timeline's clock). */
  elapsed(): number {
    return Math.round(performance.now() - (this.info?.startedPerf ?? performance.now()));
  }

  /** A way the harness worked around a provider's choice, said once per requirement. */
  workaround(requirement: string, note: string): void {
    if (!this.record.workarounds.some((w) => w.requirement === requirement))
      this.record.workarounds.push({ requirement, note });
  }
}

import {
  After,
  AfterAll,
  Before,
  BeforeStep,
  setDefaultTimeout,
  setWorldConstructor,
} from "@cucumber/cucumber";
import { Untestable } from "../checks/recorder.js";
import { unclaimed } from "../profile/schema.js";
import { CHECKS_FAILED_PREFIX, SKIP_REASON_PREFIX, scenarioId } from "../report/messages.js";
import { SCENARIO_RECORD_MEDIA_TYPE } from "../report/model.js";
import { stopWorker } from "../world/worker.js";
import { ConformanceWorld } from "../world/world.js";
import { STEP_REQUIREMENTS } from "./dsl.js";

setWorldConstructor(ConformanceWorld);
setDefaultTimeout(90_000);

Before(async function (this: ConformanceWorld, { pickle }) {
  const tags = pickle.tags.map((t) => t.name);
  this.ctx.begin({ id: scenarioId(pickle.uri, pickle.name), name: pickle.name, tags });
  this.checks.step = -1;
  const missing = unclaimed(tags, this.profile.capabilities);
  if (missing.length > 0) {
    this.attach(`${SKIP_REASON_PREFIX}capability not claimed: ${missing.join(", ")}`, "text/plain");
    return "skipped";
  }
  try {
    await this.target.ensureUp();
  } catch (e) {
    if (!(e instanceof Untestable)) throw e;
    for (const r of this.checks.unjudged())
      this.checks.record("not-judged", [r], "untestable", "judged by this scenario", e.message);
    return "skipped";
  }
  await this.audit.markAll();
  // @load and @fault measure the provider: no forwarder in the path of their calls
  if (!tags.some((t) => t === "@load" || t === "@fault")) await this.net.open();
  return undefined;
});

BeforeStep(function (this: ConformanceWorld, { pickleStep }) {
  this.checks.step++;
  const m = STEP_REQUIREMENTS.exec(pickleStep.text);
  this.checks.stepRequirements = m?.[1]?.split(/,\s*/);
});

After(async function (this: ConformanceWorld) {
  if (!this.ctx.info) return;
  this.checks.stepRequirements = undefined;
  // a crash between calls is still this scenario's finding
  if (!this.target.crashed && this.checks.records.length > 0)
    await this.target.check(false).catch(() => undefined);
  if (this.target.crashed)
    for (const r of this.checks.unjudged())
      this.checks.record(
        "not-judged",
        [r],
        "untestable",
        "judged by this scenario",
        `not judged: ${this.target.crashed.detail}`,
      );
  await this.audit.attachToTimeline(this.identities, this.timeline).catch(() => undefined);
  this.net.describeCalls(this.record.calls, this.timeline.reaches());
  this.record.checks = this.checks.records;
  this.attach(JSON.stringify(this.record), SCENARIO_RECORD_MEDIA_TYPE);
  await this.dispose();
  const failed = this.checks.failed();
  if (failed.length > 0) {
    throw new Error(
      `${CHECKS_FAILED_PREFIX}${failed.length} check(s) failed:\n${failed
        .map((c) => `  ${c.id} [${c.requirements.join(", ")}]: ${c.message ?? ""}`.split("\n")[0])
        .join("\n")}`,
    );
  }
});

AfterAll(async () => {
  await stopWorker();
});

// The Cucumber World: a thin façade over the services a scenario uses, each
// with one concern (see docs/design.md, "A scenario's services"). It owns the
// scenario's lifecycle and nothing of any one feature: features keep their
// state under typed keys (`features`).
import { mkdirSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { type IWorldOptions, World } from "@cucumber/cucumber";
import type { Profile } from "../profile/schema.js";
import type { SecretRegistry } from "../report/redact.js";
import { writePrivate } from "../report/write.js";
import { ScenarioAudit } from "./audit.js";
import { Calls } from "./calls.js";
import type { ClusterSet } from "./clusters.js";
import { FeatureStates } from "./feature-state.js";
import { Identities } from "./identities.js";
import { ScenarioNetwork } from "./network.js";
import type { WorldParams } from "./params.js";
import { ScenarioContext } from "./scenario.js";
import { Sessions } from "./sessions.js";
import { TargetSlot } from "./target-slot.js";
import { Timeline } from "./timeline.js";
import { Tools } from "./tools.js";
import { type Worker, workerOf } from "./worker.js";

export type { CallOptions, LastCall } from "./calls.js";
export { defaultArgs } from "./tools.js";

/** A scenario needs a capability the profile does not claim: reported as skipped. */
export class SkipScenario extends Error {}

export class ConformanceWorld extends World<WorldParams> {
  private readonly worker: Worker;
  readonly ctx = new ScenarioContext();
  readonly clusters: ClusterSet;
  readonly net: ScenarioNetwork;
  readonly identities: Identities;
  readonly tools: Tools;
  readonly target: TargetSlot;
  readonly timeline: Timeline;
  readonly sessions: Sessions;
  readonly calls: Calls;
  readonly audit: ScenarioAudit;
  readonly features = new FeatureStates();
  readonly cleanups: (() => Promise<void>)[] = [];

  constructor(options: IWorldOptions<WorldParams>) {
    super(options);
    const params = this.parameters;
    this.worker = workerOf(params);
    const secrets = this.worker.secrets;
    this.clusters = this.worker.clusters();
    this.net = new ScenarioNetwork(this.clusters);
    this.identities = new Identities(this.clusters, this.net, secrets, () =>
      this.sessions.overStdio ? "meta" : "headers",
    );
    this.tools = new Tools(params.profile, this.clusters);
    this.target = new TargetSlot(params, this.worker.target, this.ctx, secrets.registry);
    this.timeline = new Timeline(this.ctx, secrets.registry, () => this.target.label);
    this.sessions = new Sessions(
      this.ctx,
      this.target,
      this.identities,
      this.timeline,
      secrets.registry,
      params.profile,
    );
    this.target.onReplaced = () => this.sessions.forget();
    this.calls = new Calls(
      this.ctx,
      this.sessions,
      this.tools,
      this.target,
      this.timeline,
      secrets.registry,
      {
        clusters: this.clusters,
        net: this.net,
      },
    );
    this.audit = new ScenarioAudit(this.clusters, this.ctx);
  }

  get profile(): Profile {
    return this.parameters.profile;
  }

  get secrets(): SecretRegistry {
    return this.worker.secrets.registry;
  }

  get checks() {
    return this.ctx.checks;
  }

  get record() {
    return this.ctx.record;
  }

  /** A secret the scenario made itself (a forged value, a bait): scrubbed like minted ones. */
  registerSecret(value: string | undefined): void {
    this.worker.secrets.add(value);
  }

  oracleCa() {
    return this.worker.oracleCa();
  }

  // ---- scratch files (0600, in the run's private directory) ----

  tempDir(): string {
    mkdirSync(this.parameters.runDir, { recursive: true });
    return mkdtempSync(join(this.parameters.runDir, "scenario-"));
  }

  writeSecretFile(dir: string, name: string, content: string): string {
    const p = join(dir, name);
    writePrivate(p, content);
    return p;
  }

  /** After each scenario: sessions, oracles and the scenario's own instance go; a dead shared instance is replaced. */
  async dispose(): Promise<void> {
    await this.sessions.close();
    await this.net.close();
    for (const c of this.cleanups.splice(0)) await c().catch(() => undefined);
    await this.target.dispose();
  }
}

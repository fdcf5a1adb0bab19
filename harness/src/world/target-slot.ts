// The instance of the target serving the scenario (its own, started with
// flags, or the worker's shared one), and the watch over it: a crash or an
// endpoint that stopped answering is a finding of the scenario that caused it.
import { Untestable } from "../checks/recorder.js";
import type { Profile } from "../profile/schema.js";
import type { SecretRegistry } from "../report/redact.js";
import { type SharedTarget, startInstance, type TargetInstance, type Trouble } from "../target/instances.js";
import { type TargetVariant, variantArgs, variantLabel } from "../target/variant.js";
import type { WorldParams } from "./params.js";
import type { ScenarioContext } from "./scenario.js";

export class TargetSlot {
  own?: TargetInstance;
  /** The target's request timeout in this scenario (its own instance's flag, or the profile default). */
  requestTimeoutMs?: number;
  /** Trouble of the target seen in this scenario (it crashed or stopped answering). */
  crashed?: Trouble;
  /** Called when the scenario's own instance replaces the one its sessions were opened on. */
  onReplaced: () => void = () => undefined;

  constructor(
    private readonly params: WorldParams,
    private readonly shared: SharedTarget,
    private readonly scenario: ScenarioContext,
    private readonly secrets: SecretRegistry,
  ) {}

  private get profile(): Profile {
    return this.params.profile;
  }

  /** The instance serving this scenario. */
  async current(): Promise<TargetInstance> {
    return this.own ?? this.shared.get();
  }

  async url(): Promise<string> {
    return (await this.current()).url;
  }

  /** The label of the serving instance in the timeline. */
  get label(): string {
    return this.own?.label ?? "shared";
  }

  /** Output of the serving instance, when the harness started it. */
  async output(): Promise<string | undefined> {
    return (await this.current()).output();
  }

  /** Before each scenario: under --target-url, a target that stopped answering makes the scenario untestable. */
  async ensureUp(): Promise<void> {
    if (this.shared.restartable || !this.shared.down) return;
    if (await (await this.shared.get()).answers(3000)) {
      this.shared.down = undefined;
      return;
    }
    throw new Untestable(
      `the target stopped answering (${this.shared.down}) and the harness cannot restart a target it did not start`,
    );
  }

  async startOwn(variant: TargetVariant, capability?: string): Promise<TargetInstance> {
    if (!this.params.canStart) {
      const why = "the target is reached by URL, so the harness cannot start it with other flags";
      if (capability)
        throw new Error(`capability "${capability}" is claimed but cannot be exercised: ${why}`);
      throw new Untestable(why);
    }
    const extraArgs = variantArgs(this.profile.flags, variant);
    this.own = await startInstance(
      {
        profile: this.profile,
        commandOverride: this.params.commandOverride,
        logDir: this.params.targetLogDir,
      },
      variantLabel(variant),
      { extraArgs, env: { ...variant.env } },
    );
    this.onReplaced();
    return this.own;
  }

  /**
   * Looks for trouble of the target (exit, panic text, or — after a call got no
   * answer — an endpoint that no longer answers) and records it as a finding of
   * this scenario. Returns the trouble, if any.
   */
  async check(afterNoAnswer = false, call?: number, badInput = false): Promise<Trouble | undefined> {
    if (this.crashed) return this.crashed;
    const t = await this.current();
    let trouble = t.trouble();
    if (!trouble && afterNoAnswer && !(await t.answers())) {
      trouble = {
        kind: "unresponsive",
        detail: `the target at ${t.url} no longer answers MCP initialize`,
        logTail: t.tail(),
      };
      if (!t.owned && !this.own) this.shared.down = trouble.detail;
    }
    if (!trouble) return undefined;
    this.crashed = trouble;
    const { checks, record } = this.scenario;
    record.targetEvents.push({
      kind: trouble.kind === "exited" ? "exited" : trouble.kind,
      at: this.scenario.elapsed(),
      detail: trouble.detail,
      logTail: this.secrets.scrub(trouble.logTail),
    });
    const reqs = badInput || checks.tagged.includes("AH-HDR-10") ? ["AH-HDR-10"] : checks.subject();
    checks.record(
      "target-healthy",
      reqs,
      "fail",
      "the target keeps running and answering",
      `${trouble.detail} during this scenario; last lines of its output:\n${this.secrets.scrub(trouble.logTail)}`,
      call !== undefined ? { call } : {},
    );
    return trouble;
  }

  requireHealthy(): void {
    if (this.crashed) throw new Untestable(`not judged: ${this.crashed.detail} earlier in this scenario`);
  }

  /** After each scenario: the shared instance is replaced when it died, so the next scenario is judged. */
  async dispose(): Promise<void> {
    if (this.own) await this.own.stop();
    if (this.crashed && !this.own && this.shared.restartable) await this.shared.discard();
  }
}

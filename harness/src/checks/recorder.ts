// The checks of one scenario. A step judges behaviour through `judge()`; a
// failed check is recorded and the scenario goes on, so a second rule broken
// by the same call is still seen, and one broken rule never hides another.
import type { CheckRecord, CheckStatus } from "../report/model.js";

/**
 * Requirements that only checks naming them explicitly may judge (the form
 * of errors, secrets, keeping on serving). A step that judges "the behaviour
 * of this scenario" names the scenario's other requirements, its subject.
 */
export const GENERIC_REQUIREMENTS: ReadonlySet<string> = new Set([
  "AH-ERR-1",
  "AH-ERR-2",
  "AH-ERR-3",
  "AH-SEC-1",
  "AH-HDR-10",
]);

export const requirementIdsOf = (tags: readonly string[]) =>
  tags.filter((t) => /^@AH-[A-Z]+-\d+$/.test(t)).map((t) => t.slice(1));

/** The check failed: the provider broke the rule (message says how). */
export class CheckFailure extends Error {}
/** The harness cannot judge this check here (message says why); never a pass. */
export class Untestable extends Error {}
/** Nothing to judge (e.g. no error text to inspect because the call succeeded). */
export class NotApplicable extends Error {}
/**
 * What the check needs fails for a reason another requirement owns (a plain
 * call of the identity fails too). A check that judges that requirement fails
 * under it alone; its other requirements are untestable here.
 */
export class PreconditionFailed extends Error {
  constructor(
    readonly requirement: string,
    message: string,
  ) {
    super(message);
  }
}

export function fail(message: string): never {
  throw new CheckFailure(message);
}
export function expect(cond: unknown, message: string): asserts cond {
  if (!cond) throw new CheckFailure(message);
}

export interface JudgeOptions {
  /** The call this check judges (timeline link). */
  call?: number;
}

export class ScenarioChecks {
  readonly records: CheckRecord[] = [];
  /** Requirement ids of the scenario's tags. */
  readonly tagged: readonly string[];
  /** Explicit `[AH-…]` requirements of the step being run, if the step names any. */
  stepRequirements: string[] | undefined;
  step = 0;

  constructor(tags: readonly string[]) {
    this.tagged = requirementIdsOf(tags);
  }

  /** What a behavioural check of the current step judges. */
  subject(): string[] {
    if (this.stepRequirements?.length) return this.stepRequirements;
    const own = this.tagged.filter((r) => !GENERIC_REQUIREMENTS.has(r));
    return own.length > 0 ? own : [...this.tagged];
  }

  /**
   * Records one check. A check of a requirement the scenario is not tagged with
   * is incidental: kept only when it fails (a finding is a finding), so a
   * scenario never claims to have exercised what its tags do not say.
   */
  record(
    id: string,
    requirements: readonly string[],
    status: CheckStatus,
    expectation: string,
    message?: string,
    opts: JudgeOptions = {},
  ): void {
    let reqs = [...new Set(requirements)];
    if (status !== "fail") {
      reqs = reqs.filter((r) => this.tagged.includes(r));
      if (reqs.length === 0) return;
    }
    this.records.push({
      id: this.uniqueId(id),
      requirements: reqs,
      status,
      expectation,
      ...(message !== undefined ? { message } : {}),
      ...(opts.call !== undefined ? { call: opts.call } : {}),
      step: this.step,
    });
  }

  /** Runs `fn`; a CheckFailure fails the check, Untestable/NotApplicable say why it was not judged. */
  async judge(
    id: string,
    requirements: readonly string[],
    expectation: string,
    fn: () => void | Promise<void>,
    opts: JudgeOptions = {},
  ): Promise<CheckStatus> {
    try {
      await fn();
      this.record(id, requirements, "pass", expectation, undefined, opts);
      return "pass";
    } catch (e) {
      if (e instanceof CheckFailure) {
        this.record(id, requirements, "fail", expectation, e.message, opts);
        return "fail";
      }
      if (e instanceof Untestable) {
        this.record(id, requirements, "untestable", expectation, e.message, opts);
        return "untestable";
      }
      if (e instanceof NotApplicable) {
        this.record(id, requirements, "skipped", expectation, e.message, opts);
        return "skipped";
      }
      if (e instanceof PreconditionFailed) {
        const others = requirements.filter((r) => r !== e.requirement);
        if (requirements.includes(e.requirement))
          this.record(id, [e.requirement], "fail", expectation, e.message, opts);
        if (others.length) this.record(id, others, "untestable", expectation, e.message, opts);
        return requirements.includes(e.requirement) ? "fail" : "untestable";
      }
      throw e;
    }
  }

  /** Requirements of the tags that no check has judged yet. */
  unjudged(): string[] {
    const seen = new Set(this.records.flatMap((r) => r.requirements));
    return this.tagged.filter((r) => !seen.has(r));
  }

  failed(): CheckRecord[] {
    return this.records.filter((r) => r.status === "fail");
  }

  private uniqueId(id: string): string {
    if (!this.records.some((r) => r.id === id)) return id;
    let n = 2;
    while (this.records.some((r) => r.id === `${id}-${n}`)) n++;
    return `${id}-${n}`;
  }
}

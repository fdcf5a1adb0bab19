// A check that expected a call to succeed saw it fail. Is that the scenario's
// own finding, or does this identity not work at all (a doubled "Bearer", a
// CA the provider cannot read)? A control call answers it: the same identity,
// a fresh session, its plain tuple, the simplest tool. When that fails too,
// the failure belongs to the requirement the control call exercises, and the
// scenario's check is untestable instead of failed: one defect, one cause.
import type { ConformanceWorld } from "../world/world.js";
import { type Answer, describeAnswer } from "./answer.js";
import { Untestable } from "./recorder.js";

/** Requirement a plain call of an identity exercises, given how the control call failed. */
function basicRequirement(world: ConformanceWorld, who: string, control: Answer): string {
  if (control.code === "tls-verification-failed") return "AH-TLS-1";
  if (world.stdio) return "AH-SRC-5";
  return world.identity(who).kind === "cert" ? "AH-AUTH-2" : "AH-AUTH-1";
}

export interface Precondition {
  /** Requirement the failing plain call belongs to. */
  requirement: string;
  reason: string;
}

/**
 * Why the failure of a call by `who` is a precondition failure (undefined when
 * a plain call of `who` works, i.e. the failure is the scenario's own).
 */
export async function preconditionFailure(
  world: ConformanceWorld,
  who: string | undefined,
  failed: Answer,
): Promise<Precondition | undefined> {
  if (!who || !world.identities.has(who)) return undefined;
  // No answer at all is about the target, not about this identity: checked elsewhere.
  if (failed.kind === "no-answer" || failed.kind === "result") return undefined;
  let control = world.controls.get(who);
  if (!control) {
    const session = world.stdio ? await world.stdioSession() : await world.connect();
    const h = world.headersOf(who);
    const last = await world.call("namespaces_list", {
      ...(world.stdio ? { meta: h } : { headers: h }),
      args: world.args("namespaces_list"),
      label: { ...world.labelOf(who), changes: [] },
      session,
      control: true,
    });
    control = last.answer;
    world.controls.set(who, control);
    if (control.kind !== "result") {
      const req = basicRequirement(world, who, control);
      world.checks.record(
        `precondition-${who}`,
        [req],
        "fail",
        `a plain call by ${who} succeeds`,
        `a plain call by ${who} (its own cluster, no changes, a fresh session) fails: ${describeAnswer(control)}`,
        { call: last.call },
      );
    }
  }
  if (control.kind === "result") return undefined;
  const requirement = basicRequirement(world, who, control);
  return {
    requirement,
    reason: `precondition failed: a plain call by ${who} fails too (${describeAnswer(control)}); judged under ${requirement}`,
  };
}

/**
 * Throws Untestable when the failure is another requirement's. When the check
 * itself judges that requirement, the failure is its own: nothing is thrown.
 */
export async function untestableIfPrecondition(
  world: ConformanceWorld,
  who: string | undefined,
  failed: Answer,
  checkRequirements: readonly string[],
): Promise<void> {
  const p = await preconditionFailure(world, who, failed);
  if (p && !checkRequirements.includes(p.requirement)) throw new Untestable(p.reason);
}

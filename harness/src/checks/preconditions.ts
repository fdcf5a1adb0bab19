// A check that expected a call to succeed saw it fail. Is that the scenario's
// own finding, or does this identity not work at all (a doubled "Bearer", a
// CA the provider cannot read)? A control call answers it: the same identity,
// a fresh session, its plain tuple, the simplest tool. When that fails too,
// the failure belongs to the requirement the control call exercises, and the
// scenario's check is untestable instead of failed: one defect, one cause.
import { ERROR_CODE } from "../../../reference-server/src/wire/constants.js";
import type { ConformanceWorld } from "../world/world.js";
import { type Answer, answeredByApiServer, describeAnswer } from "./answer.js";
import { PreconditionFailed } from "./recorder.js";

/** Requirement a plain call of an identity exercises, given how the control call failed. */
function basicRequirement(world: ConformanceWorld, who: string, control: Answer): string {
  if (control.code === ERROR_CODE.tlsVerificationFailed) return "AH-TLS-1";
  const byCredential = world.identities.get(who).kind === "cert" ? "AH-AUTH-2" : "AH-AUTH-1";
  // the API server refused the credential: it did not arrive as sent
  if (control.code === ERROR_CODE.unauthorized || control.code === ERROR_CODE.forbidden) return byCredential;
  return world.sessions.overStdio ? "AH-SRC-5" : byCredential;
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
  // Header lines refused as too large: the call was never made, whatever it was to show. A
  // request of the suite that expects success stays within the 64 KiB AH-HDR-9 must accept.
  if (failed.kind === "http-error" && failed.status === 431)
    return {
      requirement: "AH-HDR-9",
      reason: "the request's headers were refused as too large (HTTP 431): the call was never made",
    };
  if (!who || !world.identities.has(who)) return undefined;
  // No answer at all is about the target, not about this identity: checked elsewhere.
  if (failed.kind === "no-answer" || failed.kind === "result") return undefined;
  let control = world.calls.controls.get(who);
  if (!control) {
    const session = world.sessions.overStdio ? await world.sessions.stdio() : await world.sessions.connect();
    const h = world.identities.headersOf(who);
    const last = await world.calls.call("namespaces_list", {
      ...(world.sessions.overStdio ? { meta: h } : { headers: h }),
      args: world.tools.args("namespaces_list"),
      label: { ...world.identities.labelOf(who), changes: [] },
      session,
      control: true,
    });
    control = last.answer;
    world.calls.controls.set(who, control);
    if (control.kind !== "result") {
      world.checks.record(
        `precondition-${who}`,
        [basicRequirement(world, who, control)],
        "fail",
        `a plain call by ${who} succeeds`,
        plainCallFails(world, who, control),
        { call: last.call },
      );
    }
  }
  if (control.kind === "result") return undefined;
  // The plain call went past TLS to its server (its credential refused or not): a call that
  // failed TLS verification failed for a reason of its own (the CA bundle it sent)
  if (
    failed.kind === "tool-error" &&
    failed.code === ERROR_CODE.tlsVerificationFailed &&
    answeredByApiServer(control)
  )
    return undefined;
  // The same words as the record above: every scenario that meets this cause reads as one cause.
  return { requirement: basicRequirement(world, who, control), reason: plainCallFails(world, who, control) };
}

function plainCallFails(world: ConformanceWorld, who: string, control: Answer): string {
  const kind = world.identities.get(who).kind === "cert" ? "client-certificate" : "token";
  const via = world.sessions.overStdio ? " over stdio" : "";
  return `a plain ${kind} call${via} (its own cluster, no changes, a fresh session) fails: ${world.secrets.scrub(describeAnswer(control))}`;
}

export async function untestableIfPrecondition(
  world: ConformanceWorld,
  who: string | undefined,
  failed: Answer,
  _checkRequirements: readonly string[] = [],
): Promise<void> {
  const p = await preconditionFailure(world, who, failed);
  if (p) throw new PreconditionFailed(p.requirement, p.reason);
}

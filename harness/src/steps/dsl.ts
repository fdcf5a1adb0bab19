// Step registration. Every step may end with the requirement ids its checks
// judge, `[AH-SRC-2]` (when the scenario's other requirements are not what
// this step is about); each pattern is registered with and without that
// suffix. A step that cannot go on for a reason of the harness's situation
// (Untestable) or an unclaimed capability (SkipScenario) skips the rest of the
// scenario with the reason recorded.
import {
  Given as CGiven,
  Then as CThen,
  When as CWhen,
  type DataTable,
  defineParameterType,
} from "@cucumber/cucumber";
import { PreconditionFailed, Untestable } from "../checks/recorder.js";
import { SKIP_REASON_PREFIX } from "../report/messages.js";
import { type ConformanceWorld, SkipScenario } from "../world/world.js";
import { PARAMETER_TYPES } from "./parameter-types.js";

// biome-ignore lint/suspicious/noExplicitAny: step arguments are typed by the patterns
type StepFn = (this: ConformanceWorld, ...args: any[]) => Promise<unknown> | unknown;

export const STEP_REQUIREMENTS = /\s\[(AH-[A-Z]+-\d+(?:,\s*AH-[A-Z]+-\d+)*)\]$/;

for (const { name, regexp } of PARAMETER_TYPES)
  defineParameterType({ name, regexp, transformer: (s: string) => s, useForSnippets: false });

function wrap(fn: StepFn, dropAt?: number): StepFn {
  const wrapped = async function (this: ConformanceWorld, ...args: unknown[]) {
    if (dropAt !== undefined) args.splice(dropAt, 1);
    try {
      return await fn.apply(this, args);
    } catch (e) {
      if (e instanceof SkipScenario) {
        this.attach(`${SKIP_REASON_PREFIX}${e.message}`, "text/plain");
        return "skipped";
      }
      if (e instanceof Untestable || e instanceof PreconditionFailed) {
        for (const r of this.checks.unjudged())
          this.checks.record("not-judged", [r], "untestable", "judged by this scenario", e.message);
        return "skipped";
      }
      if (e instanceof Error) e.message = this.secrets.scrub(e.message);
      throw e;
    }
  };
  // cucumber checks the arity of step functions: keep it
  Object.defineProperty(wrapped, "length", { value: fn.length + (dropAt !== undefined ? 1 : 0) });
  return wrapped;
}

const paramCount = (pattern: string) => (pattern.match(/(?<!\\)\{[a-z]*\}/g) ?? []).length;

function register(kind: typeof CGiven, pattern: string, fn: StepFn) {
  kind<ConformanceWorld>(pattern, wrap(fn));
  kind<ConformanceWorld>(`${pattern} {requirements}`, wrap(fn, paramCount(pattern)));
}

export const Given = (pattern: string, fn: StepFn) => register(CGiven, pattern, fn);
export const When = (pattern: string, fn: StepFn) => register(CWhen, pattern, fn);
export const Then = (pattern: string, fn: StepFn) => register(CThen, pattern, fn);
export type { DataTable };

/** For the harness's own preconditions (not the provider's behaviour): fails the step. */
export function assert(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(message);
}

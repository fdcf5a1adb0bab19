// Step registration that turns SkipScenario into a reported skip.
import { Given as CGiven, Then as CThen, When as CWhen, type DataTable } from "@cucumber/cucumber";
import { SKIP_REASON_PREFIX } from "../report/messages.js";
import { type ConformanceWorld, SkipScenario } from "../world/world.js";

// biome-ignore lint/suspicious/noExplicitAny: step arguments are typed by the patterns
type StepFn = (this: ConformanceWorld, ...args: any[]) => Promise<unknown> | unknown;

function wrap(fn: StepFn): StepFn {
  // cucumber checks the arity of step functions: keep it
  const wrapped = async function (this: ConformanceWorld, ...args: unknown[]) {
    try {
      return await fn.apply(this, args);
    } catch (e) {
      if (e instanceof SkipScenario) {
        this.attach(`${SKIP_REASON_PREFIX}${e.message}`, "text/plain");
        return "skipped";
      }
      if (e instanceof Error) e.message = this.secrets.scrub(e.message);
      throw e;
    }
  };
  Object.defineProperty(wrapped, "length", { value: fn.length });
  return wrapped;
}

export const Given = (pattern: string, fn: StepFn) => CGiven<ConformanceWorld>(pattern, wrap(fn));
export const When = (pattern: string, fn: StepFn) => CWhen<ConformanceWorld>(pattern, wrap(fn));
export const Then = (pattern: string, fn: StepFn) => CThen<ConformanceWorld>(pattern, wrap(fn));
export type { DataTable };

export function assert(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(message);
}

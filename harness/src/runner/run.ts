// `run`: plan (every option checked, nothing started), then execute.
import { executeRun } from "./execute.js";
import { planRun, type RunOptions } from "./plan.js";

export { ConfigError, EXIT } from "./errors.js";
export { planRun, type RunOptions, type RunPlan, resolveProfile } from "./plan.js";

export const HARNESS_VERSION = "0.1.0";

export async function run(opts: RunOptions): Promise<number> {
  return executeRun(planRun(opts), HARNESS_VERSION, opts.log);
}

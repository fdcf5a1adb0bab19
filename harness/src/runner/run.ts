// `run`: plan (every option checked, nothing started), then execute.
import { PACKAGE_VERSION } from "../package-root.js";
import { executeRun } from "./execute.js";
import { planRun, type RunOptions } from "./plan.js";

export { ConfigError, EXIT } from "./errors.js";
export { planRun, type RunOptions, type RunPlan, resolveProfile } from "./plan.js";

export async function run(opts: RunOptions): Promise<number> {
  return executeRun(planRun(opts), PACKAGE_VERSION, opts.log);
}

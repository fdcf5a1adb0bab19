// Runs the selected scenarios in Cucumber (strict: undefined and pending
// steps fail) with the run's world parameters; the messages NDJSON is what
// the verdict is computed from.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { loadConfiguration, runCucumber } from "@cucumber/cucumber/api";
import { REPO_ROOT } from "../spec/requirements.js";
import type { WorldParams } from "../world/params.js";
import type { RunPlan } from "./plan.js";

export const STEPS_ENTRY = "harness/src/steps/load.mjs";

/** Cucumber's provided configuration for a plan (pure). */
export function cucumberConfiguration(plan: RunPlan, params: WorldParams, outDir: string) {
  return {
    paths: plan.cucumber.paths,
    import: [STEPS_ENTRY],
    tags: plan.cucumber.tags,
    strict: true,
    parallel: plan.cucumber.parallel,
    format: [
      "progress",
      `message:${join(outDir, "messages.ndjson")}`,
      ...(plan.cucumber.html ? [`html:${join(outDir, "cucumber.html")}`] : []),
    ],
    worldParameters: params as never,
  };
}

export async function runScenarios(plan: RunPlan, params: WorldParams, outDir: string): Promise<string> {
  const { runConfiguration } = await loadConfiguration(
    { file: false, provided: cucumberConfiguration(plan, params, outDir) },
    { cwd: REPO_ROOT },
  );
  mkdirSync(outDir, { recursive: true });
  await runCucumber(runConfiguration, { cwd: REPO_ROOT, stdout: process.stdout, stderr: process.stderr });
  return join(outDir, "messages.ndjson");
}

// The runner is imported when `run` runs, not when the program is built:
// `--help` and `list` stay fast.
import { type Command, Option } from "commander";
import { defaultParallel, PARALLEL_DEFAULT_TEXT } from "../../runner/parallel.js";
import { chooseBackend } from "../kubeconfig-option.js";

export function registerRun(program: Command): void {
  program
    .command("run")
    .description("run the conformance scenarios against a provider")
    .option("--target <name>", "built-in profile name (harness/profiles/<name>.yaml), e.g. reference")
    .option(
      "--target-cmd <command>",
      'start the provider with this shell command; "{port}" is replaced by a free port',
    )
    .option(
      "--target-url <url>",
      "use an already running provider (capabilities needing restarts cannot be exercised)",
    )
    .option("--profile <file>", "target profile (YAML)")
    .addOption(
      new Option("--backend <backend>", "cluster backend")
        .choices(["auto", "local", "k3s", "kubeconfig"])
        .default("auto"),
    )
    .option("--kubeconfig <file>", "use existing clusters from this kubeconfig (with --contexts)")
    .option("--contexts <a,b,c>", "the kubeconfig's contexts of the three clusters A, B and C")
    .option("--tags <expression>", "Cucumber tag expression selecting scenarios")
    .option(
      "--scenario <glob>",
      "select scenarios by id (`meta/*`, `*duplicate*`; several separated by commas)",
    )
    .option(
      "--expected-failures <file>",
      "YAML list of scenario ids, <scenario>#<check> ids or requirement ids known to fail; an entry that passes fails the run",
    )
    .option(
      "--write-baseline <file>",
      "write the current failures as an expected-failures file (one entry per failing check)",
    )
    .addOption(
      new Option("--baseline-level <level>", "entries of --write-baseline: checks, or whole requirements")
        .choices(["check", "requirement"])
        .default("check"),
    )
    .option("--cucumber-html", "also write Cucumber's own HTML report (cucumber.html)")
    .option("--report-dir <dir>", "where reports are written", "reports")
    .option(
      "--parallel <n>",
      `Cucumber worker processes (default: ${PARALLEL_DEFAULT_TEXT}; 0 runs in-process)`,
      (v) => Number.parseInt(v, 10),
      defaultParallel(),
    )
    .option(
      "--clusters-file <file>",
      "use running clusters described by this ClusterInfo[] JSON (from `clusters up`)",
    )
    .option(
      "--github",
      "in GitHub Actions: write the summary to $GITHUB_STEP_SUMMARY, outputs to $GITHUB_OUTPUT, failed scenarios as error annotations",
    )
    .action(async (o) => {
      let error: string | undefined;
      try {
        const { run, ConfigError } = await import("../../runner/run.js");
        const chosen = chooseBackend(o.backend, o);
        if ("error" in chosen)
          throw new ConfigError(chosen.error, "see docs/clusters.md (existing clusters)");
        process.exitCode = await run({
          target: o.target,
          targetCmd: o.targetCmd,
          targetUrl: o.targetUrl,
          profile: o.profile,
          backend: chosen.backend,
          kubeconfig: chosen.kubeconfig,
          tags: o.tags,
          scenario: o.scenario,
          expectedFailures: o.expectedFailures,
          writeBaseline: o.writeBaseline,
          baselineLevel: o.baselineLevel,
          cucumberHtml: o.cucumberHtml === true,
          reportDir: o.reportDir,
          parallel: Number.isFinite(o.parallel) && o.parallel >= 0 ? o.parallel : 0,
          clustersFile: o.clustersFile,
        });
      } catch (e) {
        process.exitCode = await configFailure(e);
        const hint = (e as { hint?: string }).hint;
        error = `${e instanceof Error ? e.message : String(e)}${hint ? `\nhint: ${hint}` : ""}`;
      }
      if (o.github) {
        const { publishToGitHub } = await import("../github.js");
        publishToGitHub({ reportDir: o.reportDir, exitCode: Number(process.exitCode ?? 0), error });
      }
    });
}

export async function configFailure(e: unknown): Promise<number> {
  const { ConfigError, EXIT } = await import("../../runner/run.js");
  const { ProfileError } = await import("../../profile/schema.js");
  const { KubeconfigError } = await import("../../clusters/kubeconfig/contexts.js");
  if (e instanceof ConfigError) {
    process.stderr.write(`configuration error: ${e.message}\n`);
    if (e.hint) process.stderr.write(`hint: ${e.hint}\n`);
    return EXIT.config;
  }
  if (e instanceof ProfileError) {
    process.stderr.write(`configuration error: ${e.message}\n`);
    process.stderr.write(
      "hint: `auth-headers-conformance validate-profile FILE` checks a profile; see docs/usage.md\n",
    );
    return EXIT.config;
  }
  if (e instanceof Error && e.constructor.name === "BackendUnavailableError") {
    process.stderr.write(`configuration error: ${e.message}\nhint: use --backend local\n`);
    return EXIT.config;
  }
  if (e instanceof KubeconfigError) {
    process.stderr.write(`configuration error: ${e.message}\n`);
    process.stderr.write(`hint: ${e.hint ?? "see docs/clusters.md (existing clusters)"}\n`);
    return EXIT.config;
  }
  process.stderr.write(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  return EXIT.fail;
}

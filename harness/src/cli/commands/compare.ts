import type { Command } from "commander";

export function registerCompare(program: Command): void {
  program
    .command("compare")
    .description(
      "compare two runs (report directories or verdict.json files): requirements and scenarios that changed verdict, calls that behaved differently; exit 1 on a regression",
    )
    .argument("<a>", "the baseline run (e.g. the provider's main branch, or the reference server)")
    .argument("<b>", "the run to judge against it (e.g. the pull request)")
    .option("--out <file>", "write the Markdown there instead of stdout")
    .option("--html <file>", "also write the comparison as an HTML page")
    .option("--json", "print the comparison as JSON instead of Markdown")
    .addHelpText(
      "after",
      "\nExit codes: 0 no regression (nothing changed, or only improvements and coverage changes), 1 at least one requirement or scenario got worse in B, 2 a report cannot be read.",
    )
    .action(async (a: string, b: string, o: { out?: string; html?: string; json?: boolean }) => {
      const { writeFileSync } = await import("node:fs");
      const { resolve } = await import("node:path");
      const { CompareInputError, loadReport } = await import("../../report/compare/load.js");
      const { compareExitCode, compareReports } = await import("../../report/compare/diff.js");
      const { comparisonMarkdown } = await import("../../report/compare/markdown.js");
      let sides: [ReturnType<typeof loadReport>, ReturnType<typeof loadReport>];
      try {
        sides = [loadReport(a), loadReport(b)];
      } catch (e) {
        if (!(e instanceof CompareInputError)) throw e;
        process.stderr.write(`error: ${e.message}\n`);
        process.exitCode = 2;
        return;
      }
      const [sa, sb] = sides;
      if (sa.label === sb.label) {
        sa.label = `A (${sa.label})`;
        sb.label = `B (${sb.label})`;
      }
      const c = compareReports(sa, sb);
      const text = o.json ? `${JSON.stringify(c, null, 2)}\n` : comparisonMarkdown(c);
      if (o.out) writeFileSync(resolve(o.out), text);
      else process.stdout.write(text);
      if (o.html) {
        const { comparisonHtml } = await import("../../report/compare/html.js");
        const file = resolve(o.html);
        writeFileSync(file, comparisonHtml(c, file));
      }
      process.exitCode = compareExitCode(c);
    });
}

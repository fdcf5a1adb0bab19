import type { Command } from "commander";

export function registerValidateProfile(program: Command): void {
  program
    .command("validate-profile")
    .description("check a target profile (YAML) against the schema")
    .argument("<file>", "profile file")
    .action(async (file: string) => {
      const { loadProfile, ProfileError } = await import("../../profile/schema.js");
      try {
        const p = loadProfile(file);
        process.stdout.write(
          `${file}: valid profile "${p.name}"; capabilities: ${p.capabilities.join(", ") || "none"}\n`,
        );
        process.exitCode = 0;
      } catch (e) {
        process.stderr.write(`${e instanceof ProfileError ? e.message : String(e)}\n`);
        process.exitCode = 2;
      }
    });
}

// The README is the provider author's reference for environment variables,
// cache locations and exit codes; the code is the source of those facts.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REQUIRED_TOOLS } from "../../../reference-server/src/wire/constants.js";
import { buildProgram } from "../../src/cli/main.js";
import { cacheDir } from "../../src/clusters/local/build.js";
import { PACKAGE_ROOT } from "../../src/package-root.js";
import { defaultParallel, PARALLEL_DEFAULT_TEXT } from "../../src/runner/parallel.js";
import { EXIT } from "../../src/runner/run.js";

const readme = readFileSync(join(PACKAGE_ROOT, "README.md"), "utf8");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (f === "node_modules") return [];
    if (statSync(p).isDirectory()) return files(p);
    return /\.(ts|js|mjs|sh)$/.test(f) || f === "run" ? [p] : [];
  });
}

/** Environment variables the code reads: process.env.X, env.X, seedFrom("X"), intEnv("X"), ${X in scripts. */
function envVarsRead(): Set<string> {
  const out = new Set<string>();
  const dirs = ["harness/src", "harness/bin", "harness/scripts", "harness/test", "reference-server", ".ci"];
  for (const file of dirs.flatMap((d) => files(join(PACKAGE_ROOT, d)))) {
    const text = readFileSync(file, "utf8");
    const patterns =
      file.endsWith(".sh") || file.endsWith("/run")
        ? [/\$\{?([A-Z][A-Z0-9_]{2,})/g]
        : [
            /\b(?:process\.)?env\.([A-Z][A-Z0-9_]+)/g,
            /(?:seedFrom|intEnv)\("([A-Z][A-Z0-9_]+)"/g,
            /process\.env\["([A-Z][A-Z0-9_]+)"\]/g,
          ];
    for (const re of patterns) for (const m of text.matchAll(re)) out.add(m[1] as string);
  }
  // Shell's own variables, not configuration.
  for (const shell of ["PWD", "PIPESTATUS", "BASH_SOURCE"]) out.delete(shell);
  return out;
}

describe("README", () => {
  it("names every environment variable the code reads", () => {
    const vars = envVarsRead();
    expect(vars.size).toBeGreaterThan(15);
    expect([...vars].filter((v) => !readme.includes(`\`${v}\``)).sort()).toEqual([]);
  });

  it("names every exit code of run", () => {
    for (const [name, code] of Object.entries(EXIT))
      expect(readme, `EXIT.${name}`).toMatch(new RegExp(`^\\| \`run\` \\| ${code} \\|`, "m"));
  });

  it("names the default cache location the code uses", () => {
    expect(cacheDir({}, "~")).toBe("~/.cache/auth-headers-conformance");
    expect(readme).toContain("`~/.cache/auth-headers-conformance/controlplane/`");
    expect(readme).toContain("`$XDG_CACHE_HOME/auth-headers-conformance/controlplane/`");
    expect(readme).toContain("`$AUTH_HEADERS_CACHE_DIR/controlplane/`");
  });
});

describe("docs/usage.md", () => {
  const usage = readFileSync(join(PACKAGE_ROOT, "docs", "usage.md"), "utf8");

  it("lists exactly the exit codes of run", () => {
    const section = usage.slice(
      usage.indexOf("## Exit codes"),
      usage.indexOf("\n## ", usage.indexOf("## Exit codes") + 3),
    );
    const listed = [...section.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
    expect(listed).toEqual(Object.values(EXIT));
  });

  it("lists exactly the options of run", async () => {
    const { buildProgram } = await import("../../src/cli/main.js");
    const run = buildProgram().commands.find((c) => c.name() === "run");
    const options = (run?.options ?? []).map((o) => o.long ?? "").filter((o) => o !== "--help");
    expect(options.length).toBeGreaterThan(10);
    const section = usage.slice(usage.indexOf("## `run` options"), usage.indexOf("## Profile format"));
    const listed = [...section.matchAll(/^\| `([^`]+)`/gm)].flatMap(
      (m) => (m[1] ?? "").match(/--[\w-]+/g) ?? [],
    );
    expect([...listed].sort()).toEqual([...options].sort());
  });
  it("lists the spec's tool names (AH-LIFE-3) in the profile section, from the one list the code uses", () => {
    const section = usage.slice(usage.indexOf("## Profile format"), usage.indexOf("## Checks, verdicts"));
    const sentence = section.slice(section.indexOf("The spec's tool names (AH-LIFE-3)"));
    const names = [...sentence.slice(0, sentence.indexOf(", with")).matchAll(/`([a-z_]+)`/g)].map(
      (m) => m[1],
    );
    expect(names).toEqual([...REQUIRED_TOOLS]);
  });

  it("opens with the provider author's commands, through npx, before the contributor's", () => {
    const firstBlock = usage.slice(usage.indexOf("```sh"), usage.indexOf("```", usage.indexOf("```sh") + 5));
    const commands = firstBlock.split("\n").filter((l) => /^[a-z]/.test(l));
    expect(commands.length).toBeGreaterThan(5);
    for (const c of commands) expect(c).toMatch(/^(npx auth-headers-conformance |npm install )/);
  });
});

describe("--parallel's default", () => {
  const doc = (f: string) => readFileSync(join(PACKAGE_ROOT, f), "utf8");

  it("is stated once, in usage.md and --help, from the code's own text", () => {
    expect(doc("docs/usage.md")).toContain(`(default: ${PARALLEL_DEFAULT_TEXT};`);
    const run = buildProgram().commands.find((c) => c.name() === "run");
    expect(run?.options.find((o) => o.long === "--parallel")?.description).toContain(PARALLEL_DEFAULT_TEXT);
    expect(defaultParallel(1)).toBe(2);
    expect(defaultParallel(4)).toBe(4);
    expect(defaultParallel(64)).toBe(8);
  });

  it("is not restated elsewhere: other docs point to usage.md", () => {
    for (const f of ["README.md", "docs/ci.md", "action.yml"]) {
      for (const line of doc(f)
        .split("\n")
        .filter((l) => /parallel/i.test(l) && /default/i.test(l)))
        expect(line, `${f}: ${line}`).not.toMatch(/\d/);
    }
  });
});

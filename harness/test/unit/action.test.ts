// action.yml is a thin wrapper around `auth-headers-conformance run --github`:
// every flag it passes must exist on the CLI, inputs reach the script only as
// environment variables (no ${{ }} splicing into shell), the reports are kept
// even when the run fails, and the argument mapping is what the inputs say.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { buildProgram } from "../../src/cli/main.js";
import { PACKAGE_ROOT } from "../../src/package-root.js";

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  if?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
const action = parse(readFileSync(join(PACKAGE_ROOT, "action.yml"), "utf8")) as {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
};
const steps = action.runs.steps;
const runStep = steps.find((s) => s.id === "run") as Step;

/** Runs the action's run step with a stand-in CLI that prints its argv, one per line. */
function argsFor(inputs: Record<string, string>): string[] {
  const dir = mkdtempSync(join(tmpdir(), "action-"));
  const fake = join(dir, "auth-headers-conformance");
  writeFileSync(fake, '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n');
  chmodSync(fake, 0o755);
  const env: Record<string, string> = { PATH: `${dir}:${process.env.PATH}`, HOME: process.env.HOME ?? "/" };
  for (const [name, value] of Object.entries(runStep.env ?? {})) {
    const input = /^\$\{\{ inputs\.([a-z-]+) \}\}$/.exec(value)?.[1];
    if (!input) throw new Error(`env ${name} is not a plain input: ${value}`);
    env[name] = inputs[input] ?? action.inputs[input]?.default ?? "";
  }
  return execFileSync("bash", ["-c", runStep.run ?? ""], { env, encoding: "utf8" })
    .trimEnd()
    .split("\n");
}

describe("action.yml", () => {
  it("is a composite action whose run step passes inputs as environment variables only", () => {
    expect(action.runs.using).toBe("composite");
    for (const s of steps) expect(s.run ?? "", s.name ?? s.uses).not.toContain("${{");
    const used = new Set(
      steps.flatMap((s) => [...JSON.stringify(s).matchAll(/inputs\.([a-z-]+)/g)].map((m) => m[1] as string)),
    );
    expect([...Object.keys(action.inputs)].filter((i) => !used.has(i))).toEqual([]);
  });

  it("passes only flags that `run` has", () => {
    const run = buildProgram().commands.find((c) => c.name() === "run");
    const flags = new Set(run?.options.map((o) => o.long));
    const passed = [...(runStep.run ?? "").matchAll(/(?<![\w-])(--[a-z][a-z-]+)/g)].map((m) => m[1]);
    expect(passed.length).toBeGreaterThan(8);
    expect(passed.filter((f) => !flags.has(f))).toEqual([]);
  });

  it("maps inputs to arguments, leaving out empty ones", () => {
    expect(
      argsFor({ "target-cmd": "./bin/kubernetes-mcp-server --config auth-headers.toml --port {port}" }),
    ).toEqual([
      "run",
      "--github",
      "--report-dir",
      "conformance-reports",
      "--backend",
      "local",
      "--target-cmd",
      "./bin/kubernetes-mcp-server --config auth-headers.toml --port {port}",
    ]);
    const all = argsFor({
      "target-url": "http://127.0.0.1:8080/mcp",
      profile: "p.yaml",
      "expected-failures": "known.yaml",
      backend: "kubeconfig",
      kubeconfig: "~/.kube/config",
      contexts: "kind-a,kind-b,kind-c",
      tags: "not @load and not @fault",
      scenario: "meta/*",
      parallel: "2",
      "report-dir": "out dir",
    });
    expect(all).toEqual([
      "run",
      "--github",
      "--report-dir",
      "out dir",
      "--backend",
      "kubeconfig",
      "--target-url",
      "http://127.0.0.1:8080/mcp",
      "--profile",
      "p.yaml",
      "--expected-failures",
      "known.yaml",
      "--kubeconfig",
      `${process.env.HOME}/.kube/config`,
      "--contexts",
      "kind-a,kind-b,kind-c",
      "--tags",
      "not @load and not @fault",
      "--scenario",
      "meta/*",
      "--parallel",
      "2",
    ]);
  });

  it("passes --backend only when given: kubeconfig and contexts imply the kubeconfig backend", () => {
    const args = argsFor({
      kubeconfig: "kc.yaml",
      contexts: "a,b,c",
      "target-url": "http://127.0.0.1:1/mcp",
    });
    expect(args).not.toContain("--backend");
    expect(args).toEqual(expect.arrayContaining(["--kubeconfig", "kc.yaml", "--contexts", "a,b,c"]));
    expect(argsFor({ backend: "k3s", "target-url": "http://127.0.0.1:1/mcp" })).toEqual(
      expect.arrayContaining(["--backend", "k3s"]),
    );
  });

  it("is documented input by input, with the defaults, in docs/ci.md", () => {
    const doc = readFileSync(join(PACKAGE_ROOT, "docs", "ci.md"), "utf8");
    const table = doc.slice(doc.indexOf("| input | default | meaning |")).split("\n\n")[0] ?? "";
    const rows = table
      .split("\n")
      .slice(2)
      .map((line) => line.split("|").map((cell) => cell.trim().replace(/^`|`$/g, "")))
      .map((cells) => [cells[1], cells[2]]);
    const inputs = Object.entries(action.inputs).map(([name, i]) => [name, i.default ?? ""]);
    expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(inputs));
  });

  it("keeps the reports even when the run fails, and exposes the run's outputs", () => {
    const upload = steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"));
    expect(upload?.if).toBe("always()");
    expect(upload?.with?.path).toContain("inputs.report-dir");
    for (const o of ["outcome", "exit-code", "report-dir"])
      expect(action.outputs[o]?.value).toBe(`\${{ steps.run.outputs.${o} }}`);
    const cache = steps.find((s) => s.uses?.startsWith("actions/cache@"));
    // exactly the binary the harness looks up, under the harness's own key (exact Go version)
    const key = `\${{ steps.key.outputs.controlplane-key }}`;
    expect(cache?.with?.path).toBe(`~/.cache/auth-headers-conformance/controlplane/${key}`);
    expect(cache?.with?.key).toContain(key);
    const keyStep = steps.find((s) => s.id === "key");
    expect(keyStep?.run).toContain("auth-headers-conformance controlplane key");
    // Go's own caches are the workflow's setup-go's business, not stored a second time
    expect(JSON.stringify(steps)).not.toMatch(/go-build|go\/pkg\/mod/);
  });
});

// The package as a provider author gets it: `npm pack`, installed from the
// tarball into a fresh project (nothing of this checkout on its module path),
// then --help, list and a real run from that project's folder, on the e2e
// clusters. It proves the runtime dependencies, the compiled JavaScript (no tsx
// in the installed tree) and the files allowlist together.
import { execFile, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { PACKAGE_ROOT } from "../../src/package-root.js";
import { clustersFile } from "./conformance-runs.js";

const exec = promisify(execFile);
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

let work: string;
let project: string;
let tarball: string;
let files: string[];
const figures: Record<string, number | string> = {};

async function timed<T>(name: string, f: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  try {
    return await f();
  } finally {
    figures[name] = `${((Date.now() - t0) / 1000).toFixed(1)} s`;
  }
}

function cli(
  args: string[],
  opts: { cwd: string },
): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(join(opts.cwd, "node_modules", ".bin", "auth-headers-conformance"), args, {
    cwd: opts.cwd,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    err += d.toString();
  });
  return new Promise((r) => child.on("close", (code) => r({ code, out, err })));
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "ahc-pack-"));
  // as root the harness runs the provider under a uid of its own, which must reach the
  // user's folder (mkdtemp makes it 0700; a checkout is 0755)
  chmodSync(work, 0o755);
  const packed = await timed("npm pack (incl. build)", () =>
    exec(npm, ["pack", "--json", "--pack-destination", work], { cwd: PACKAGE_ROOT, maxBuffer: 64 << 20 }),
  );
  const [info] = JSON.parse(packed.stdout) as {
    filename: string;
    size: number;
    entryCount: number;
    files: { path: string }[];
  }[];
  if (!info) throw new Error("npm pack printed no result");
  tarball = join(work, info.filename);
  files = info.files.map((f) => f.path);
  figures.tarball = `${(info.size / 1024).toFixed(0)} KiB, ${info.entryCount} files`;

  project = join(work, "provider");
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "provider", private: true }));
  await timed("npm install <tarball>", () =>
    exec(npm, ["install", "--no-audit", "--no-fund", "--prefer-offline", tarball], {
      cwd: project,
      maxBuffer: 64 << 20,
    }),
  );
}, 300_000);

afterAll(() => {
  process.stderr.write(`[package e2e] ${JSON.stringify(figures)}\n`);
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("the packed package", () => {
  it("ships what a user needs and nothing of the repository's tests or tooling", () => {
    for (const needed of [
      "LICENSE",
      "README.md",
      "dist/harness/src/cli/main.js",
      "dist/harness/src/steps/hooks.js",
      "dist/reference-server/src/main.js",
      "harness/src/steps/load.mjs",
      "docs/spec.md",
      "fixtures/cluster.yaml",
      "harness/profiles/reference.yaml",
      "harness/controlplane/go.mod",
      "harness/controlplane/main.go",
    ])
      expect(files).toContain(needed);
    expect(files.some((f) => f.startsWith("features/") && f.endsWith(".feature"))).toBe(true);
    const unwanted = files.filter(
      (f) =>
        /(^|\/)test\//.test(f) ||
        /\.(key|tgz|ts|png)$/.test(f) ||
        /^(biome\.json|vitest\.config|tsconfig|\.ci\/|\.gitignore)/.test(f) ||
        // the catalogue ships: `list --coverage` reads it (fixtures/defects.yaml, coverage.yaml)
        /\/(bench|ci)\//.test(f) ||
        f.includes("reference-faulty"),
    );
    expect(unwanted).toEqual([]);
  });

  it("installs without tsx and answers --help fast from the user's folder", async () => {
    expect(existsSync(join(project, "node_modules", "tsx"))).toBe(false);
    // A loaded 2-core machine slows every process down: measure a bare Node start next to it.
    const n0 = Date.now();
    await exec(process.execPath, ["-e", "0"]);
    const nodeMs = Date.now() - n0;
    const t0 = Date.now();
    const r = await cli(["--help"], { cwd: project });
    const helpMs = Date.now() - t0;
    figures["--help"] = `${helpMs} ms (bare node: ${nodeMs} ms)`;
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain("Usage: auth-headers-conformance");
    expect(helpMs).toBeLessThan(Math.max(1000, 5 * nodeMs));
  });

  it("lists requirements and scenarios (docs/spec.md and features/ found inside the package)", async () => {
    const r = await cli(["list", "--json"], { cwd: project });
    expect(r.code, r.err).toBe(0);
    const out = JSON.parse(r.out) as {
      requirements: { id: string; scenarios: string[] }[];
      problems: string[];
    };
    expect(out.problems).toEqual([]);
    expect(out.requirements.filter((q) => q.scenarios.length > 0).length).toBeGreaterThan(30);
  });

  it("runs scenarios against the packaged reference server and writes reports in the user's folder", {
    timeout: 180_000,
  }, async () => {
    const file = clustersFile(inject("clusters"));
    const r = await timed("run (tags @AH-HDR-1)", () =>
      cli(
        [
          "run",
          "--target",
          "reference",
          "--clusters-file",
          file,
          "--tags",
          "@AH-HDR-1",
          "--report-dir",
          "rep",
        ],
        {
          cwd: project,
        },
      ),
    );
    expect(r.code, (r.out + r.err).slice(-3000)).toBe(0);
    const verdict = JSON.parse(readFileSync(join(project, "rep", "verdict.json"), "utf8")) as {
      verdict: { conformant: boolean; scenarios: { id: string }[] };
    };
    expect(verdict.verdict.scenarios.length).toBeGreaterThan(0);
  });

  it("resolves the user's command, profile, expected failures and report dir against the user's folder", {
    timeout: 180_000,
  }, async () => {
    // A provider of the user's own, in the user's repository: ./bin/my-provider.
    mkdirSync(join(project, "bin"));
    const server = join(
      project,
      "node_modules/auth-headers-conformance/reference-server/bin/auth-headers-server.js",
    );
    writeFileSync(join(project, "bin", "my-provider"), `#!/bin/sh\nexec node ${server} "$@"\n`, {
      mode: 0o755,
    });
    writeFileSync(
      join(project, "my-provider.yaml"),
      [
        "name: my-provider",
        "target:",
        "  command: ./bin/my-provider --port {port}",
        '  readyPattern: "listening on (http://\\\\S+)"',
        "capabilities: [meta]",
      ].join("\n"),
    );
    writeFileSync(join(project, "known-failures.yaml"), "[]\n");
    const file = clustersFile(inject("clusters"));
    const common = ["--clusters-file", file, "--tags", "@AH-HDR-1 and not @stdio", "--parallel", "1"];
    const viaProfile = await cli(
      [
        "run",
        "--profile",
        "my-provider.yaml",
        "--expected-failures",
        "known-failures.yaml",
        "--report-dir",
        "rep-profile",
        ...common,
      ],
      { cwd: project },
    );
    expect(viaProfile.code, (viaProfile.out + viaProfile.err).slice(-3000)).toBe(0);
    expect(existsSync(join(project, "rep-profile", "verdict.json"))).toBe(true);
    const viaCmd = await cli(
      ["run", "--target-cmd", "./bin/my-provider --port {port}", "--report-dir", "rep-cmd", ...common],
      { cwd: project },
    );
    // Without a readyPattern the harness waits for the port; the run itself must work.
    expect(viaCmd.code, (viaCmd.out + viaCmd.err).slice(-3000)).toBe(0);
    // A command that is not there says where it was looked for.
    const missing = await cli(
      ["run", "--target-cmd", "./bin/absent --port {port}", "--report-dir", "rep-x", ...common],
      {
        cwd: project,
      },
    );
    expect(missing.code).toBe(3);
    expect(missing.err).toContain(`started in ${project}`);
  });
});

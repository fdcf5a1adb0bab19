// First use without Go: the main package and the prebuilt control-plane platform
// package (packages/controlplane-linux-x64, built by `npm run
// build:controlplane-package`), packed and installed into a fresh folder whose
// PATH has no `go`, with an empty cache directory, run one scenario against the
// reference server. The set-up time (install + clusters ready) is printed.
import { execFile, spawn } from "node:child_process";
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { controlplaneSourceHash } from "../../src/clusters/local/source-hash.js";
import { PACKAGE_ROOT } from "../../src/package-root.js";

const exec = promisify(execFile);
const platformDir = join(PACKAGE_ROOT, "packages", "controlplane-linux-x64");
const manifestPath = join(platformDir, "manifest.json");

function skipReason(): string | undefined {
  if (process.platform !== "linux" || process.arch !== "x64")
    return "the platform package built here is linux-x64";
  if (!existsSync(join(platformDir, "bin", "kube-controlplane")))
    return "packages/controlplane-linux-x64/bin/kube-controlplane is not built (npm run build:controlplane-package)";
  const m = JSON.parse(readFileSync(manifestPath, "utf8")) as { sourceHash: string };
  if (m.sourceHash !== controlplaneSourceHash())
    return "the built platform package is of other control-plane sources (npm run build:controlplane-package)";
  return undefined;
}

/** PATH without any directory holding a `go` executable. */
function pathWithoutGo(): string {
  return (process.env.PATH ?? "")
    .split(delimiter)
    .filter((d) => {
      try {
        accessSync(join(d, "go"), constants.X_OK);
        return false;
      } catch {
        return true;
      }
    })
    .join(delimiter);
}

const work = mkdtempSync(join(tmpdir(), "ahc-prebuilt-"));
const figures: Record<string, string> = {};
afterAll(() => {
  process.stderr.write(`[prebuilt e2e] ${JSON.stringify(figures)}\n`);
  rmSync(work, { recursive: true, force: true });
});

describe("first use from the packed packages, without Go", () => {
  const reason = skipReason();
  it.skipIf(reason !== undefined)(
    `runs a scenario with the prebuilt control plane${reason ? ` (skipped: ${reason})` : ""}`,
    {
      timeout: 900_000,
    },
    async () => {
      const pack = async (dir: string) => {
        const r = await exec("npm", ["pack", "--json", "--pack-destination", work], {
          cwd: dir,
          maxBuffer: 64 << 20,
        });
        const [info] = JSON.parse(r.stdout) as { filename: string }[];
        return join(work, info?.filename ?? "");
      };
      const platformTgz = await pack(platformDir);
      const mainTgz = await pack(PACKAGE_ROOT);

      const project = join(work, "provider");
      mkdirSync(project);
      writeFileSync(join(project, "package.json"), JSON.stringify({ name: "provider", private: true }));
      const env = {
        ...process.env,
        PATH: pathWithoutGo(),
        AUTH_HEADERS_CACHE_DIR: join(work, "cache"),
        GOFLAGS: "",
      };
      expect(env.PATH.split(delimiter).some((d) => existsSync(join(d, "go")))).toBe(false);
      const t0 = Date.now();
      await exec(
        "npm", // --omit=optional: no Docker-only packages (testcontainers, ssh2, cpu-features) for a
        // user of the local backend; the platform package is named explicitly, so it stays
        ["install", "--no-audit", "--no-fund", "--prefer-offline", "--omit=optional", mainTgz, platformTgz],
        {
          cwd: project,
          env,
          maxBuffer: 64 << 20,
        },
      );
      const installed = Date.now();
      figures["npm install (both tarballs)"] = `${((installed - t0) / 1000).toFixed(1)} s`;
      const bin = join(project, "node_modules", ".bin", "auth-headers-conformance");
      const prebuilt = await exec(bin, ["controlplane", "prebuilt"], { cwd: project, env });
      expect(existsSync(join(project, "node_modules", "testcontainers"))).toBe(false);
      expect(prebuilt.stdout).toContain(
        "node_modules/@auth-headers-conformance/controlplane-linux-x64/bin/kube-controlplane",
      );

      const child = spawn(
        bin,
        [
          "run",
          "--target",
          "reference",
          "--parallel",
          "1",
          "--scenario",
          "lifecycle/an-unknown-tool-is-a-json-rpc-error",
          "--report-dir",
          join(work, "reports"),
        ],
        { cwd: project, env, stdio: ["ignore", "pipe", "pipe"] },
      );
      let out = "";
      let ready = 0;
      const onData = (d: Buffer) => {
        out += d.toString();
        if (!ready && /clusters ready in/.test(out)) ready = Date.now();
      };
      child.stdout.on("data", onData);
      child.stderr.on("data", onData);
      const code = await new Promise<number | null>((r) => child.on("close", r));
      expect(code, out.slice(-3000)).toBe(0);
      expect(out).not.toMatch(/building the local control plane/);
      expect(ready).toBeGreaterThan(0);
      figures["clusters ready after install"] = `${((ready - installed) / 1000).toFixed(1)} s`;
      figures["set-up (install + clusters)"] = `${((ready - t0) / 1000).toFixed(1)} s`;
      figures["whole first use (install + run of one scenario)"] =
        `${((Date.now() - t0) / 1000).toFixed(1)} s`;
      expect(ready - t0).toBeLessThan(60_000);
    },
  );
});

// Every profile shipped in harness/profiles/ runs as written, at least up to MCP
// `initialize`: the harness starts its command exactly as `run --target NAME`
// would and sends `initialize`. kubernetes-mcp-server's profile runs the real
// released binary, installed from the npm registry into this test's own
// directory (only the `npx -y kubernetes-mcp-server@VERSION` launcher is
// replaced by that install; every flag is the profile's).
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PACKAGE_ROOT } from "../../src/package-root.js";
import { resolveProfile } from "../../src/runner/run.js";
import { probeMcp, startTarget } from "../../src/target/process.js";

const profiles = readdirSync(join(PACKAGE_ROOT, "harness", "profiles"))
  .filter((f) => f.endsWith(".yaml"))
  .map((f) => f.replace(/\.yaml$/, ""))
  .sort();

const scratch = mkdtempSync(join(tmpdir(), "profiles-"));
// as root the harness runs the provider under a uid of its own, which must reach the binary here
chmodSync(scratch, 0o755);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Installs an npm package into the scratch directory; undefined with the reason when the registry is unreachable. */
function npmInstall(spec: string): { bin: string } | { skip: string } {
  const prefix = join(scratch, spec.replace(/[^a-z0-9.-]/gi, "_"));
  try {
    execFileSync("npm", ["install", "--prefix", prefix, "--no-audit", "--no-fund", "--no-save", spec], {
      stdio: "pipe",
      timeout: 180_000,
    });
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    return {
      skip: `npm install ${spec} failed (registry unreachable?): ${(err.stderr?.toString() || err.message).split("\n")[0]}`,
    };
  }
  return { bin: join(prefix, "node_modules", ".bin") };
}

const NPX_LAUNCHER = /^npx -y (kubernetes-mcp-server@[\w.-]+) /;

describe("every shipped profile starts and answers initialize", () => {
  it("covers the profiles this test knows how to start", () => {
    expect(profiles).toEqual(["default", "kubernetes-mcp-server", "reference", "reference-faulty"]);
  });

  for (const name of profiles) {
    it(name, { timeout: 240_000 }, async (ctx) => {
      let profile = resolveProfile({ target: name });
      const env: Record<string, string> = {};
      let commandOverride: string | undefined;
      if (name === "default") {
        // the base of --target-cmd / --target-url: it has no command of its own
        expect(profile.target.command).toBeUndefined();
        // --target-cmd alone runs with default.yaml, from the directory the harness runs in
        profile = resolveProfile({
          targetCmd: "node reference-server/bin/auth-headers-server.js --port {port}",
        });
        expect(profile.name).toBe("custom");
      }
      if (name === "reference-faulty") env.AUTH_HEADERS_DEFECT = "bearer-bearer";
      if (name === "kubernetes-mcp-server") {
        const command = profile.target.command ?? "";
        const launcher = NPX_LAUNCHER.exec(command);
        expect(launcher, command).not.toBeNull();
        const installed = npmInstall(launcher?.[1] ?? "");
        if ("skip" in installed) return ctx.skip(installed.skip);
        commandOverride = command.replace(NPX_LAUNCHER, `${join(installed.bin, "kubernetes-mcp-server")} `);
      }
      const target = await startTarget(profile, { env: { KUBECONFIG: undefined, ...env }, commandOverride });
      try {
        expect(await probeMcp(target.url), target.output()).toBeUndefined();
        expect(target.exited()).toBe(false);
      } finally {
        await target.stop();
      }
    });
  }
});

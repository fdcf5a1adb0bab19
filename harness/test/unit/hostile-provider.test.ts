// A hostile provider (harness/test/hostile/snoop.mjs) started the way the
// runner starts every provider: what it can see and touch of the harness.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseProfile } from "../../src/profile/schema.js";
import { startTarget } from "../../src/target/process.js";
import { providerSandbox, removeSandbox } from "../../src/target/sandbox.js";

const root = process.getuid?.() === 0;
const snoop = "node harness/test/hostile/snoop.mjs --port {port}";
const profile = (extra = "") =>
  parseProfile(
    `name: hostile\ntarget:\n  command: ${snoop} ${extra}\n  url: http://127.0.0.1:{port}/mcp\n  readyPattern: "listening"\n  env: { PROVIDER_OWN: "yes" }\n`,
  );

interface Snoop {
  env: Record<string, string>;
  uid: number;
  read: Record<string, string | number>;
  appended: Record<string, string>;
  daemon?: number;
}
const snooped = (out: string): Snoop => JSON.parse(/SNOOP (.*)/.exec(out)?.[1] ?? "null");

/** What a harness process looks like: its 0600 cluster file in a 0700 run dir, a CI job's files. */
let dir: string;
let clustersFile: string;
let summary: string;
let output: string;
const planted: Record<string, string> = {};
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "ahc-hostile-test-"));
  clustersFile = join(dir, "clusters.json");
  writeFileSync(clustersFile, '{"admin":"key"}', { mode: 0o600 });
  summary = join(dir, "step_summary");
  output = join(dir, "output");
  writeFileSync(summary, "", { mode: 0o644 });
  writeFileSync(output, "", { mode: 0o644 });
  chmodSync(dir, 0o700);
  Object.assign(planted, {
    AHC_CLUSTERS_FILE: clustersFile,
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_OUTPUT: output,
    GITHUB_TOKEN: "ghs_notarealtokenbutsecret",
    KUBECONFIG: clustersFile,
    AWS_SECRET_ACCESS_KEY: "not-a-real-key-but-secret",
  });
  Object.assign(process.env, planted);
});
afterAll(() => {
  removeSandbox(providerSandbox());
  for (const k of Object.keys(planted)) delete process.env[k];
  rmSync(dir, { recursive: true, force: true });
});

describe("a hostile provider started by the harness", () => {
  it("gets an allowlisted environment: none of the harness's variables, its profile's own", async () => {
    const t = await startTarget(profile());
    await t.stop();
    const s = snooped(t.output());
    const names = Object.keys(s.env);
    for (const k of Object.keys(planted)) expect(names, k).not.toContain(k);
    expect(names.filter((n) => /^(AHC_|GITHUB_|ACTIONS_|RUNNER_|KUBE)/.test(n))).toEqual([]);
    const { PROVIDER_OWN: own, PATH: path, HOME: home, TMPDIR: tmp } = s.env;
    expect(own).toBe("yes");
    expect(path).toBeTruthy();
    expect(home).not.toBe(process.env.HOME);
    expect(tmp).toMatch(/ahc-provider-/);
  });

  it.runIf(root)(
    "as root, runs under another uid: cannot read the cluster file nor write the CI job's files",
    async () => {
      const t = await startTarget(profile(`--read ${clustersFile} --append ${summary} --append ${output}`));
      await t.stop();
      const s = snooped(t.output());
      expect(s.uid).not.toBe(0);
      expect(s.read[clustersFile]).toBe("EACCES");
      expect(s.appended[summary]).toBe("EACCES");
      expect(s.appended[output]).toBe("EACCES");
      expect(readFileSync(summary, "utf8")).toBe("");
      expect(readFileSync(output, "utf8")).toBe("");
    },
  );

  it.runIf(root)(
    "as root, a provider in a folder its uid cannot read fails to start with the reason and the way out",
    async () => {
      // a checkout in a 0700 folder (mktemp -d): the provider's own uid cannot enter it
      const hidden = mkdtempSync(join(tmpdir(), "ahc-private-"));
      writeFileSync(join(hidden, "server.mjs"), "console.log('listening')\n");
      try {
        const p = parseProfile(
          `name: private\ntarget:\n  command: node ${join(hidden, "server.mjs")} --port {port}\n  url: http://127.0.0.1:{port}/mcp\n  readyPattern: "listening"\n  startupTimeoutMs: 10000\n`,
        );
        const err = await startTarget(p).then(
          () => undefined,
          (e: Error) => e,
        );
        expect(err?.message).toMatch(/exited \(code 1\) before it was ready/);
        expect(err?.message).toMatch(
          /ran as uid \d+ .*cannot reach \/tmp\/ahc-private-\w+: .*readable by that uid \(a 0700 folder is not\), or set AUTH_HEADERS_PROVIDER_USER=same/,
        );
      } finally {
        rmSync(hidden, { recursive: true, force: true });
      }
    },
  );

  it("leaves no daemon behind: a setsid double-fork is gone after stop()", async () => {
    const t = await startTarget(profile("--daemon"));
    const pid = snooped(t.output()).daemon;
    expect(pid).toBeGreaterThan(1);
    expect(alive(pid as number)).toBe(true);
    await t.stop();
    await waitFor(() => !alive(pid as number));
    expect(alive(pid as number)).toBe(false);
  });

  it("cannot flood the harness: its output and log are capped, head and tail kept, the cap stated", async () => {
    const log = join(dir, "flood.log");
    const t = await startTarget(profile("--flood 24"), { logFile: log });
    await waitFor(() => t.output().includes("END OF FLOOD"), 20_000);
    await t.stop();
    const out = t.output();
    expect(out.length).toBeLessThan(600 * 1024);
    expect(out).toContain("SNOOP");
    expect(out).toContain("END OF FLOOD");
    expect(out).toMatch(
      /characters of target output omitted \(each instance keeps its first 256 KiB and last 256 KiB\)/,
    );
    await waitFor(() => readFileSync(log, "utf8").includes("END OF FLOOD"));
    expect(statSync(log).size).toBeLessThan(600 * 1024);
  });
});

function alive(pid: number): boolean {
  const status = `/proc/${pid}/status`;
  if (!existsSync(status)) return false;
  try {
    return !/^State:\s+Z/m.test(readFileSync(status, "utf8"));
  } catch {
    return false;
  }
}

async function waitFor(ok: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
}

// Verdicts that name causes and never overstate, on real runs: a crash is a
// finding of the scenario that caused it and later scenarios are still
// judged; a refused header-less initialize is one cause and the rest is still
// judged; a run that could not judge everything says PARTIAL; an expected
// failure reads the same in every report.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { clustersFile, runConformance } from "./conformance-runs.js";

let file: string;
beforeAll(() => {
  file = clustersFile(inject("clusters"));
});

const faulty = (defects: string, args: string[]) =>
  runConformance(["--target", "reference-faulty", "--clusters-file", file, ...args], {
    AUTH_HEADERS_DEFECT: defects,
  });

describe("a crash is a finding", () => {
  it("pins the crash on the scenario that caused it, keeps its log, and judges the later scenarios", {
    timeout: 300_000,
  }, async () => {
    const r = await faulty("panic-on-non-string-meta", [
      "--scenario",
      "meta/a-non-string-meta-value-is-invalid-and-names-the-key-kubernetes-server-42,identity/*",
      "--parallel",
      "1",
    ]);
    const crashed = r.scenarios.find((s) => s.id.startsWith("meta/a-non-string"));
    expect(crashed?.verdict, r.output.slice(-2000)).toBe("fail");
    const event = crashed?.record?.targetEvents[0];
    // the panic text or the exit, whichever the harness saw first
    expect(["exited", "panic"]).toContain(event?.kind);
    expect(event?.logTail).toContain("panic: interface conversion");
    const healthy = crashed?.checks.find((c) => c.id === "target-healthy");
    expect(healthy).toMatchObject({ status: "fail", requirements: ["AH-HDR-10"] });
    // the scenarios after it ran against a new instance and pass
    const later = r.scenarios.filter((s) => s.id.startsWith("identity/"));
    expect(later.length).toBeGreaterThan(5);
    expect(later.filter((s) => s.verdict !== "pass").map((s) => s.id)).toEqual([]);
    expect(r.causes.map((c) => c.requirements.join())).toContain("AH-HDR-10");
    const summary = readFileSync(join(r.reportDir, "summary.md"), "utf8");
    expect(summary).toContain("## Target crashes");
    const logs = readdirSync(join(r.reportDir, "target-logs"));
    expect(
      logs.some((f) =>
        readFileSync(join(r.reportDir, "target-logs", f), "utf8").includes("goroutine 1 [running]"),
      ),
    ).toBe(true);
  });
});

describe("no cascade from one rule", () => {
  it("reports a refused header-less initialize once, as AH-LIFE-1, and still finds a doubled Bearer", {
    timeout: 300_000,
  }, async () => {
    const r = await faulty("require-headers-on-initialize,bearer-bearer", [
      "--scenario",
      "identity/*,lifecycle/*,required-headers/*",
    ]);
    const failing = r.requirements
      .filter((q) => q.verdict === "fail")
      .map((q) => q.id)
      .sort();
    expect(failing, r.causes.map((c) => `${c.requirements}: ${c.message}`).join("\n")).toEqual([
      "AH-AUTH-1",
      "AH-LIFE-1",
    ]);
    const life = r.causes.find((c) => c.requirements.join() === "AH-LIFE-1");
    expect(life?.scenarios.length).toBeGreaterThan(20);
    expect(r.scenarios.some((s) => s.record?.workarounds.some((w) => w.requirement === "AH-LIFE-1"))).toBe(
      true,
    );
    const summary = readFileSync(join(r.reportDir, "summary.md"), "utf8");
    expect(summary.indexOf("## Causes")).toBeGreaterThan(0);
    expect(summary).toMatch(/## Workarounds\n\n\d+ scenario\(s\) ran under a workaround for AH-LIFE-1/);
  });

  it("reads header errors sent as JSON-RPC errors as an AH-ERR-1 failure only", {
    timeout: 300_000,
  }, async () => {
    const r = await faulty("jsonrpc-header-errors", ["--scenario", "required-headers/*,meta/*,lifecycle/*"]);
    const failing = r.requirements.filter((q) => q.verdict === "fail").map((q) => q.id);
    expect(failing).toEqual(["AH-ERR-1"]);
    for (const id of ["AH-HDR-1", "AH-HDR-3", "AH-HDR-4", "AH-SRC-2", "AH-SRC-4", "AH-SRC-6"])
      expect(r.requirements.find((q) => q.id === id)?.verdict, id).toBe("pass");
  });
});

describe("verdicts never overstate", () => {
  let server: ReturnType<typeof spawn> | undefined;
  afterAll(() => {
    server?.kill("SIGTERM");
  });

  it("says PARTIAL under --target-url, where the provider's log and restarts are out of reach", {
    timeout: 300_000,
  }, async () => {
    server = spawn(process.execPath, ["reference-server/bin/auth-headers-server.js", "--port", "0"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const url = await new Promise<string>((resolve, reject) => {
      let out = "";
      const onData = (d: Buffer) => {
        out += d.toString();
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m?.[1]) resolve(m[1]);
      };
      server?.stdout?.on("data", onData);
      server?.stderr?.on("data", onData);
      server?.once("exit", () => reject(new Error(`server exited: ${out}`)));
    });
    const r = await runConformance([
      "--target-url",
      url,
      "--clusters-file",
      file,
      "--scenario",
      "security/*",
    ]);
    expect(r.outcome, r.output.slice(-2000)).toBe("PARTIAL");
    expect(r.exitCode).toBe(0);
    const sec1 = r.requirements.find((q) => q.id === "AH-SEC-1");
    expect(["partial", "untestable"]).toContain(sec1?.verdict);
    expect(sec1?.notes?.join()).toMatch(/cannot be read/);
    expect(r.requirements.find((q) => q.id === "AH-SRC-4")?.verdict).toBe("untestable");
    const summary = readFileSync(join(r.reportDir, "summary.md"), "utf8");
    expect(summary).toContain("**Verdict: PARTIAL**");
    expect(summary).not.toContain("CONFORMANT**");
  });

  it("says PARTIAL for a tag filter, not CONFORMANT", { timeout: 300_000 }, async () => {
    const r = await runConformance(["--target", "reference", "--clusters-file", file, "--tags", "@AH-HDR-4"]);
    expect(r.scenarios.length).toBeGreaterThan(2);
    expect(r.scenarios.every((s) => s.verdict === "pass")).toBe(true);
    expect(r.outcome).toBe("PARTIAL");
    expect(r.conformant).toBe(false);
  });

  it("tells an expected failure the same way in verdict.json, summary.md and junit.xml", {
    timeout: 300_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "expected-"));
    const expected = join(dir, "expected.yaml");
    writeFileSync(expected, "- id: AH-AUTH-1\n  reason: our tokens get a second scheme word\n");
    const r = await faulty("bearer-bearer", [
      "--scenario",
      "identity/a-token-identity-reaches-the-api-server-as-itself",
      "--expected-failures",
      expected,
    ]);
    expect(r.outcome, r.output.slice(-2000)).toBe("EXPECTED FAILURES ONLY");
    expect(r.exitCode).toBe(0);
    expect(r.scenarios[0]?.verdict).toBe("expected-failure");
    const summary = readFileSync(join(r.reportDir, "summary.md"), "utf8");
    expect(summary).toContain("**Verdict: EXPECTED FAILURES ONLY**");
    expect(summary).toContain("our tokens get a second scheme word");
    const junit = readFileSync(join(r.reportDir, "junit.xml"), "utf8");
    expect(junit).toContain('failures="0"');
    expect(junit).toContain("expected failure: our tokens get a second scheme word");
    expect(junit).toContain('name="identity/a-token-identity-reaches-the-api-server-as-itself"');
    expect(junit).toMatch(/<property name="requirements" value="AH-AUTH-1 AH-SRC-1 AH-SEC-1"\/>/);
  });
});

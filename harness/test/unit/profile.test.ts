import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ProfileError, parseProfile, toolName, unclaimed } from "../../src/profile/schema.js";
import { REPO_ROOT } from "../../src/spec/requirements.js";

const profileFile = (name: string) => readFileSync(join(REPO_ROOT, "harness/profiles", name), "utf8");

describe("profile schema", () => {
  it("accepts every shipped profile", () => {
    for (const f of [
      "reference.yaml",
      "reference-faulty.yaml",
      "kubernetes-mcp-server.yaml",
      "default.yaml",
    ]) {
      const p = parseProfile(profileFile(f), f);
      expect(p.name.length).toBeGreaterThan(0);
    }
    expect(parseProfile(profileFile("reference.yaml")).capabilities).toHaveLength(6);
  });

  it("refuses a readyPattern that is not a regular expression, naming the field", () => {
    expect(() => parseProfile('name: x\ntarget:\n  readyPattern: "listening on (http"\n')).toThrow(
      /target\.readyPattern.*not a valid regular expression/,
    );
  });

  it("passes through only the variables a profile names, never the harness's or the CI job's", () => {
    expect(parseProfile("name: x\ntarget:\n  passEnv: [MY_FLAG]\n").target.passEnv).toEqual(["MY_FLAG"]);
    for (const bad of [
      "GITHUB_TOKEN",
      "GITHUB_STEP_SUMMARY",
      "AHC_CLUSTERS_FILE",
      "KUBECONFIG",
      "ACTIONS_RUNTIME_TOKEN",
      "A-B",
    ])
      expect(() => parseProfile(`name: x\ntarget:\n  passEnv: [${bad}]\n`), bad).toThrow(/target\.passEnv/);
  });

  it("applies defaults", () => {
    const p = parseProfile("name: x\n");
    expect(p.target.url).toBe("http://127.0.0.1:{port}/mcp");
    expect(p.capabilities).toEqual([]);
    expect(p.defaultRequestTimeoutMs).toBe(10_000);
    expect(toolName(p, "pods_list")).toBe("pods_list");
  });

  it("maps tool names", () => {
    const p = parseProfile("name: x\ntools:\n  pods_list: list_pods\n");
    expect(toolName(p, "pods_list")).toBe("list_pods");
    expect(toolName(p, "pods_get")).toBe("pods_get");
  });

  it("rejects unknown keys, unknown tools and unknown capabilities", () => {
    expect(() => parseProfile("name: x\nfoo: 1\n")).toThrow(ProfileError);
    expect(() => parseProfile("name: x\ntools:\n  nope: y\n")).toThrow(/unknown spec tool "nope"/);
    expect(() => parseProfile("name: x\ncapabilities: [teleport]\n")).toThrow(ProfileError);
  });

  it("rejects a claimed capability that cannot be exercised", () => {
    expect(() => parseProfile("name: x\ncapabilities: [stdio]\n")).toThrow(/stdio.*target.stdioCommand/);
    expect(() => parseProfile("name: x\ncapabilities: [allowlist]\n")).toThrow(/flags.allowlist/);
    expect(() => parseProfile("name: x\ncapabilities: [insecure-opt-in]\n")).toThrow(/insecureOptIn/);
    expect(() => parseProfile("name: x\ncapabilities: [plain-http-opt-in]\n")).toThrow(/plainHttpOptIn/);
    expect(() => parseProfile("name: x\ncapabilities: [stateless]\n")).toThrow(/flags.stateless/);
  });

  it("requires placeholders in templates", () => {
    expect(() => parseProfile("name: x\ntarget:\n  command: serve --port 8080\n")).toThrow(/\{port\}/);
    expect(() => parseProfile("name: x\nflags:\n  allowlist: --allow x\n")).toThrow(/\{servers\}/);
    expect(() => parseProfile("name: x\nflags:\n  requestTimeout: --timeout 5\n")).toThrow(/\{ms\}/);
  });

  it("reports YAML syntax errors as ProfileError", () => {
    expect(() => parseProfile("name: [unclosed\n")).toThrow(/not valid YAML/);
  });

  it("computes unclaimed capabilities from tags", () => {
    expect(unclaimed(["@meta", "@AH-SRC-1", "@stdio"], ["meta"])).toEqual(["stdio"]);
    expect(unclaimed(["@headers", "@AH-HDR-1"], [])).toEqual([]);
  });
});

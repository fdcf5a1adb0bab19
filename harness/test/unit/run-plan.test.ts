// planRun decides everything before anything starts; Cleanups undo a run.
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { cucumberConfiguration } from "../../src/runner/cucumber.js";
import { Cleanups } from "../../src/runner/interrupt.js";
import { ConfigError, planRun } from "../../src/runner/run.js";
import type { WorldParams } from "../../src/world/params.js";

const base = { backend: "local" as const, reportDir: "out/reports", parallel: 2 };

describe("planRun", () => {
  it("selects scenarios, resolves report paths and says where clusters come from", () => {
    const plan = planRun({ ...base, target: "reference", scenario: "meta/*" });
    expect(plan.runnable.length).toBeGreaterThan(0);
    expect(plan.runnable.every((s) => s.id.startsWith("meta/"))).toBe(true);
    expect(plan.scenarios.length).toBeGreaterThan(plan.selected.length);
    expect(plan.reportDir).toBe(resolve("out/reports"));
    expect(plan.clusters).toEqual({ kind: "start", backend: "local", kubeconfig: undefined });
    expect(plan.target.canStart).toBe(true);
    expect(plan.cucumber.paths.every((p) => /^features\/meta\/.*\.feature:\d+$/.test(p))).toBe(true);
    const all = planRun({ ...base, target: "reference", clustersFile: "c.json" });
    expect(all.cucumber.paths).toEqual(["features/**/*.feature"]);
    expect(all.clusters).toEqual({ kind: "file", file: resolve("c.json") });
  });

  it("cannot start a target reached by URL, and skips scenarios of unclaimed capabilities", () => {
    const plan = planRun({ ...base, targetUrl: "http://127.0.0.1:1/mcp" });
    expect(plan.target.canStart).toBe(false);
    expect(plan.runnable.length).toBeLessThan(plan.selected.length);
  });

  it("refuses a selection of nothing, bad tags and unreadable expected failures before anything starts", () => {
    expect(() => planRun({ ...base, target: "reference", scenario: "no-such/*" })).toThrow(
      /no scenario matches/,
    );
    expect(() => planRun({ ...base, target: "reference", tags: "@a and (" })).toThrow(ConfigError);
    expect(() => planRun({ ...base, target: "reference", expectedFailures: "/nonexistent/x.yaml" })).toThrow(
      /--expected-failures/,
    );
  });

  it("gives Cucumber strict mode, the steps entry and the messages file", () => {
    const plan = planRun({ ...base, target: "reference", cucumberHtml: true });
    const c = cucumberConfiguration(plan, {} as WorldParams, "/tmp/out");
    expect(c.strict).toBe(true);
    expect(c.format).toContain("message:/tmp/out/messages.ndjson");
    expect(c.format).toContain("html:/tmp/out/cucumber.html");
  });
});

describe("Cleanups", () => {
  it("undoes in reverse order, once, and stops watching signals", async () => {
    const done: string[] = [];
    const exits: number[] = [];
    const c = new Cleanups((code) => exits.push(code));
    c.push(async () => {
      done.push("run dir");
    });
    c.push(async () => {
      done.push("clusters");
      throw new Error("ignored");
    });
    const before = process.listenerCount("SIGTERM");
    c.watchSignals();
    expect(process.listenerCount("SIGTERM")).toBe(before + 1);
    await c.release();
    await c.release();
    expect(done).toEqual(["clusters", "run dir"]);
    expect(process.listenerCount("SIGTERM")).toBe(before);
    expect(exits).toEqual([]);
  });
});

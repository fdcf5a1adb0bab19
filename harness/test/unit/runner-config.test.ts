import { describe, expect, it } from "vitest";
import { ConfigError, resolveProfile } from "../../src/runner/run.js";

describe("run configuration", () => {
  it("resolves built-in targets and overrides the command", () => {
    expect(resolveProfile({ target: "reference" }).name).toBe("reference");
    const p = resolveProfile({ targetCmd: "./srv --port {port}" });
    expect(p.name).toBe("custom");
    expect(p.target.command).toBe("./srv --port {port}");
    expect(p.capabilities).toEqual([]);
  });

  it("refuses ambiguous, missing or unknown targets with a ConfigError", () => {
    expect(() => resolveProfile({ target: "reference", targetUrl: "http://127.0.0.1:1/mcp" })).toThrow(
      ConfigError,
    );
    expect(() => resolveProfile({})).toThrow(/no target/);
    expect(() => resolveProfile({ target: "no-such-target" })).toThrow(/unknown target/);
    expect(() => resolveProfile({ targetCmd: "./srv" })).toThrow(/\{port\}/);
  });
});

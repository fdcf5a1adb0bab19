// The runner against a real server nobody here wrote: kubernetes-mcp-server
// 0.0.67 (pinned in its profile, fetched by npx) has no auth-headers provider. The runner must
// say so clearly, with the server's own words, and neither crash nor hang.
import { beforeAll, describe, expect, inject, it } from "vitest";
import { clustersFile, runConformance } from "./conformance-runs.js";

let file: string;
beforeAll(() => {
  file = clustersFile(inject("clusters"));
});

describe("kubernetes-mcp-server 0.0.67", () => {
  it("is reported as a target that did not start (exit 3), quoting the server", {
    timeout: 200_000,
  }, async () => {
    const t0 = Date.now();
    const r = await runConformance(["--target", "kubernetes-mcp-server", "--clusters-file", file]);
    expect(r.exitCode, r.output.slice(-2000)).toBe(3);
    expect(r.output).toMatch(/invalid cluster-provider: auth-headers/);
    expect(r.output).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/); // no stack trace of the runner
    // npx may fetch the package first; the runner must still end on its own.
    expect(Date.now() - t0).toBeLessThan(150_000);
  });
});

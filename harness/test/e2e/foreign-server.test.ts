// The runner against a real server nobody here wrote: kubernetes-mcp-server
// 0.0.67 (pinned in its profile, fetched by npx) has no auth-headers provider.
// Asked for it, the server refuses the flag: the runner must say so clearly,
// with the server's own words, before starting any cluster, and neither crash
// nor hang. Run as the shipped profile runs it (kubeconfig mode with a
// placeholder kubeconfig), it is judged, and found not conformant.
import { beforeAll, describe, expect, inject, it } from "vitest";
import { clustersFile, runConformance } from "./conformance-runs.js";

let file: string;
beforeAll(() => {
  file = clustersFile(inject("clusters"));
});

describe("kubernetes-mcp-server 0.0.67", () => {
  it("asked for the auth-headers provider, is reported as a target that did not start (exit 3), quoting the server, before any cluster starts", {
    timeout: 200_000,
  }, async () => {
    const t0 = Date.now();
    const r = await runConformance([
      "--target-cmd",
      "npx -y kubernetes-mcp-server@0.0.67 --bind-address 127.0.0.1 --port {port} --cluster-provider auth-headers",
    ]);
    expect(r.exitCode, r.output.slice(-2000)).toBe(3);
    expect(r.output).toMatch(/invalid cluster-provider: auth-headers/);
    expect(r.output).toMatch(/checked before starting clusters/);
    expect(r.output).not.toMatch(/starting 3 clusters/);
    expect(r.output).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/); // no stack trace of the runner
    // npx may fetch the package first; the runner must still end on its own.
    expect(Date.now() - t0).toBeLessThan(150_000);
  });

  it("run with the shipped profile, is judged: it ignores the headers (NOT CONFORMANT, exit 1)", {
    timeout: 300_000,
  }, async () => {
    const r = await runConformance([
      "--target",
      "kubernetes-mcp-server",
      "--clusters-file",
      file,
      "--parallel",
      "1",
      "--scenario",
      "required-headers/a-call-without-kubernetes-server-is-refused",
    ]);
    expect(r.exitCode, r.output.slice(-2000)).toBe(1);
    expect(r.outcome).toBe("NOT CONFORMANT");
    // it answered from its own kubeconfig (the placeholder), not naming the missing header
    expect(r.causes.map((c) => c.requirements.join())).toEqual(
      expect.arrayContaining(["AH-ERR-1", "AH-ERR-2"]),
    );
  });
});

// `clusters up`: secrets go to the 0600 file and never to the terminal, and
// Ctrl-C (SIGINT) stops every cluster it started.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readClusterFile } from "../../src/clusters/file.js";
import { attach } from "../../src/clusters/index.js";
import type { ClusterInfo } from "../../src/clusters/types.js";
import { bearerToken } from "../../src/credentials/bearer.js";
import { directGet } from "../../src/credentials/direct.js";

describe("auth-headers-conformance clusters up", () => {
  it("writes credentials 0600, prints none, and stops its clusters on SIGINT", async () => {
    const dir = mkdtempSync(join(tmpdir(), "clusters-up-"));
    const out = join(dir, "clusters.json");
    const child = spawn(
      process.execPath,
      [
        "harness/bin/auth-headers-conformance.js",
        "clusters",
        "up",
        "--backend",
        "local",
        "--count",
        "1",
        "--out",
        out,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes("Ctrl-C stops them")) resolve();
      });
      void exited.then((code) => reject(new Error(`exited early (${code}): ${stderr}`)));
    });
    try {
      expect(statSync(out).mode & 0o777).toBe(0o600);
      const file = JSON.parse(readFileSync(out, "utf8")) as {
        clusters: {
          name: string;
          server: string;
          identities: Record<string, { user: string; headers: Record<string, string> }>;
        }[];
      };
      const cluster = file.clusters[0];
      if (!cluster) throw new Error("no cluster in file");
      const token = cluster.identities.token;
      const cert = cluster.identities.cert;
      if (!token || !cert) throw new Error("identities missing");
      // The file's credentials are real...
      expect((await directGet(token.headers, "/api/v1/namespaces")).status).toBe(200);
      expect((await directGet(cert.headers, "/api/v1/namespaces")).status).toBe(200);
      // ...and none of them reached the terminal.
      const secrets = [
        bearerToken(token.headers["kubernetes-authorization"]),
        cert.headers["kubernetes-client-key-data"] ?? "",
        cert.headers["kubernetes-client-certificate-data"] ?? "",
      ];
      for (const s of secrets) {
        expect(s.length).toBeGreaterThan(20);
        expect(stdout + stderr).not.toContain(s.slice(0, 20));
      }
      expect(stdout).toContain(cluster.name);
      expect(stdout).toContain(token.user);
      // ...and the same file serves `run --clusters-file` and the benchmarks: the harness can
      // attach to the running cluster and mint with its admin identity.
      const [info] = readClusterFile(out);
      expect(info?.server).toBe(cluster.server);
      const minted = await attach(info as ClusterInfo).mintTokenIdentity();
      expect((await directGet(minted.headers, "/api/v1/namespaces/conformance/pods")).status).toBe(200);
      child.kill("SIGINT");
      expect(await exited).toBe(130); // README: stopped by Ctrl-C, the same code as under npx

      // After SIGINT the API server is gone: its port refuses connections.
      expect((await directGet(token.headers, "/api/v1/namespaces")).errorCode).toBe("ECONNREFUSED");
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

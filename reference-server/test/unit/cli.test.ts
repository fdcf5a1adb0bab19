// The production command line: start-up errors exit 2 with a message naming the flag.

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createReferenceServer } from "../../src/server.js";
import { runToExit, type Spawned, spawnServer } from "./helpers/spawn.js";

const BIN = "reference-server/bin/auth-headers-server.js";
const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function started(args: string[]): Promise<Record<string, unknown>> {
  const s: Spawned = await spawnServer(BIN, args);
  cleanup.push(() => s.stop());
  // stderr may trail the stdout line that spawnServer waits for.
  for (let i = 0; i < 100 && !s.stderr().includes('"started"'); i++)
    await new Promise((r) => setTimeout(r, 50));
  const line = s
    .stderr()
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .find((l) => l.msg === "started");
  if (!line) throw new Error(`no start-up line in ${s.stderr()}`);
  return line;
}

// Issue 10 item 6: an allowlist that parses to nothing must not silently mean "any server".
describe("--allowed-servers", () => {
  it.each([[""], [" , "], [","]])(
    "%j is a start-up error (exit 2), not an allowlist switched off",
    async (v) => {
      const r = await runToExit(BIN, ["--port", "0", "--allowed-servers", v]);
      expect(r.code).toBe(2);
      expect(r.err).toContain("--allowed-servers");
      expect(r.out).not.toContain("listening on");
    },
  );

  it.each([["10.0.0.0/33"], ["host:99999"], ["300.1.1.1/8"]])(
    "an unparsable entry %j is a start-up error (exit 2) naming it",
    async (v) => {
      const r = await runToExit(BIN, ["--port", "0", "--allowed-servers", `127.0.0.1,${v}`]);
      expect(r.code).toBe(2);
      expect(r.err).toContain(v);
    },
  );

  it("the factory refuses an empty list too", () => {
    expect(() => createReferenceServer({ allowedServers: [] })).toThrow(/allowedServers/);
    expect(() => createReferenceServer({ allowedServers: [" "] })).toThrow(/allowedServers/);
  });

  it("the start-up log says whether an allowlist is active", async () => {
    expect((await started(["--allowed-servers", "127.0.0.1:6443,10.0.0.0/8"])).allowlist).toEqual([
      "127.0.0.1:6443",
      "10.0.0.0/8",
    ]);
    expect((await started([])).allowlist).toBe("off: any server except always-refused addresses");
  });

  it("the start-up log says which Host names and Origins are served", async () => {
    const line = await started([
      "--allowed-hosts",
      "mcp.example.test",
      "--allowed-origins",
      "http://localhost:6274",
    ]);
    expect(line.allowedHosts).toEqual(["localhost", "127.0.0.1", "::1", "mcp.example.test"]);
    expect(line.allowedOrigins).toEqual(["http://localhost:6274"]);
  });
});

describe("start-up failures", () => {
  it("a port in use is a one-line error naming the address, exit 1, no stack trace", async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, "127.0.0.1", r));
    cleanup.push(() => new Promise((r) => taken.close(r)));
    const port = String((taken.address() as { port: number }).port);
    const r = await runToExit(BIN, ["--port", port]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`cannot listen on 127.0.0.1:${port}: address already in use (EADDRINUSE)`);
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});

describe("--kubeconfig (known-clusters class)", () => {
  const dir = mkdtempSync(join(tmpdir(), "cli-kubeconfig-"));
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const ca = Buffer.from(readFileSync("reference-server/test/fixtures/ca-a.crt")).toString("base64");
  const good = file(
    "good",
    `clusters:\n- name: a\n  cluster: { server: "https://127.0.0.1:6443", certificate-authority-data: ${ca} }\ncontexts:\n- name: ctx-a\n  context: { cluster: a, user: nobody }\n`,
  );

  it.each([
    ["--stdio", ["--stdio", "--kubeconfig", good], /--kubeconfig needs HTTP/],
    ["OAuth flags without --kubeconfig", ["--oauth-issuer", "https://i"], /need --kubeconfig/],
    ["half the OAuth flags", ["--kubeconfig", good, "--oauth-issuer", "https://i"], /go together/],
    [
      "a context without a CA",
      [
        "--kubeconfig",
        file(
          "noca",
          'clusters:\n- name: a\n  cluster: { server: "https://127.0.0.1:6443" }\ncontexts:\n- name: x\n  context: { cluster: a }\n',
        ),
      ],
      /context "x".*no certificate-authority/,
    ],
    ["a missing file", ["--kubeconfig", join(dir, "absent")], /--kubeconfig .*absent/],
  ])("%s is a start-up error (exit 2) naming the flag", async (_name, args, message) => {
    const r = await runToExit(BIN, ["--port", "0", ...args]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.out).not.toContain("listening on");
  });

  it("starts, names the class, its contexts and that tokens are passed through", async () => {
    const line = await started(["--port", "0", "--kubeconfig", good]);
    expect(line).toMatchObject({ class: "known-clusters", contexts: ["ctx-a"] });
    expect(String(line.tokens)).toMatch(/passed through/);
  });
});

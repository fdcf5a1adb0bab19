// `auth-headers-conformance list | head`: a reader that closes the pipe early
// ends the CLI quietly (as SIGPIPE ends a Unix tool), without an EPIPE stack.
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";

describe("CLI output into a closed pipe", () => {
  it("ends with 141 and no stack trace", async () => {
    const child = spawn(process.execPath, ["harness/bin/auth-headers-conformance.js", "list"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    // Closing our end before the CLI writes makes its first write fail with EPIPE.
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const code = await new Promise<number | null>((r) => child.on("close", (c) => r(c)));
    expect(stderr).not.toMatch(/EPIPE|Error|at /);
    expect(code).toBe(141);
  });
});

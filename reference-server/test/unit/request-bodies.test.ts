// Issue 10 item 4: request bodies were buffered up to 8 MiB per connection, with no bound on
// how long a body may take nor on the bytes held by all unfinished bodies together.
import { spawn } from "node:child_process";
import { connect, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import type { ReferenceServerOptions } from "../../src/server.js";
import { cleanupAfterEach, startReference } from "./helpers/servers.js";
import { ROOT } from "./helpers/spawn.js";

const cleanup = cleanupAfterEach();

const start = async (o: ReferenceServerOptions = {}) =>
  (await startReference(cleanup, { stateless: true, ...o })).port;

interface Client {
  socket: Socket;
  /** Resolves with the status line's code once the server answers (0 if it closes silently). */
  answered: Promise<number>;
}

/** Sends the head of a POST announcing `length` body bytes, and `sent` of them. */
function partialPost(port: number, length: number, sent: number): Promise<Client> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1", () => {
      socket.write(
        `POST /mcp HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\ncontent-type: application/json\r\naccept: application/json, text/event-stream\r\ncontent-length: ${length}\r\n\r\n`,
      );
      if (sent > 0) socket.write(Buffer.alloc(sent, 0x20));
      resolve({ socket, answered });
    });
    let text = "";
    const answered = new Promise<number>((done) => {
      socket.on("data", (c) => {
        text += c;
        const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
        if (m) done(Number(m[1]));
      });
      socket.on("close", () => done(Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0)));
      socket.on("error", () => {});
    });
    cleanup.push(async () => socket.destroy());
  });
}

const within = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<"pending">((r) => setTimeout(() => r("pending"), ms))]);

describe("request bodies are bounded", () => {
  it("a body over the limit (default 1 MiB) is refused with 413 at once", async () => {
    const port = await start();
    const c = await partialPost(port, 2 * 1024 * 1024, 1100 * 1024);
    expect(await within(c.answered, 2000)).toBe(413);
  });

  it("a body that does not arrive in time is answered 408 and its connection closed", async () => {
    const port = await start({ bodyTimeoutMs: 300 });
    const c = await partialPost(port, 1000, 10);
    expect(await within(c.answered, 2000)).toBe(408);
    await within(new Promise((r) => c.socket.once("close", r)), 2000);
    expect(c.socket.destroyed).toBe(true);
  });

  it("all unfinished bodies together hold at most the pending budget; beyond, 503", async () => {
    const port = await start({ maxPendingBodyBytes: 3 * 1024 * 1024, bodyTimeoutMs: 60_000 });
    const held: Client[] = [];
    for (let i = 0; i < 3; i++) held.push(await partialPost(port, 1024 * 1024, 900 * 1024));
    await new Promise((r) => setTimeout(r, 200));
    const over = await partialPost(port, 1024 * 1024, 900 * 1024);
    expect(await within(over.answered, 2000)).toBe(503);
    for (const c of held) expect(await within(c.answered, 50)).toBe("pending");
    // Once the held bodies are gone, the budget is free again.
    for (const c of held) c.socket.destroy();
    await new Promise((r) => setTimeout(r, 200));
    const again = await partialPost(port, 100, 100);
    // Read in full and parsed (blanks are not JSON): the budget let it in.
    expect(await within(again.answered, 2000)).toBe(400);
  });
});

describe("stdio messages are bounded the same way", () => {
  it("a line over --max-body-size is dropped with an error reply; the next line is served", async () => {
    const child = spawn(
      process.execPath,
      [
        "reference-server/bin/auth-headers-server.js",
        "--stdio",
        "--log-level",
        "silent",
        "--max-body-size",
        "262144",
      ],
      { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] },
    );
    cleanup.push(async () => child.kill());
    let out = "";
    child.stdout?.on("data", (c) => {
      out += c;
    });
    const huge = JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "ping",
      params: { pad: "x".repeat(400_000) },
    });
    child.stdin?.write(`${huge}\n`);
    child.stdin?.write(`${JSON.stringify({ jsonrpc: "2.0", id: 2, method: "ping" })}\n`);
    for (let i = 0; i < 100 && !out.includes('"id":2'); i++) await new Promise((r) => setTimeout(r, 50));
    const replies = out
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { id: unknown; error?: { message: string } });
    expect(replies[0]?.error?.message).toContain("limited to 262144 bytes");
    expect(replies.find((r) => r.id === 2)).toEqual({ jsonrpc: "2.0", id: 2, result: {} });
    expect(replies.some((r) => r.id === 1)).toBe(false);
  });
});

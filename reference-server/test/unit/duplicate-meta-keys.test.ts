// Issue 10 item 7: JSON.parse keeps the last of two equal keys, so a `_meta` holding
// "kubernetes-authorization" twice was served with the last one, over HTTP and stdio.
import { type ChildProcess, spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { duplicateMetaKeys } from "../../src/request/meta-duplicates.js";
import { HEADER } from "../../src/wire/constants.js";
import { TOKEN_A, TOKEN_B, tokenFields } from "./helpers/fixtures.js";
import { jsonPost, sessionHeaders } from "./helpers/raw-http.js";
import { cleanupAfterEach, startApi, startReference } from "./helpers/servers.js";
import { ROOT } from "./helpers/spawn.js";

const cleanup = cleanupAfterEach();

const api = () => startApi(cleanup);

/** The JSON text of a tools/call whose `_meta` is written out member by member (keys may repeat). */
function callText(id: number, members: Array<[string, string]>, extraParams = ""): string {
  const meta = members.map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(", ");
  return `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":"namespaces_list","arguments":{},"_meta":{${meta}}${extraParams}}}`;
}

const tuple = (server: string, token = TOKEN_A): Array<[string, string]> =>
  Object.entries(tokenFields(server, token));

describe("duplicateMetaKeys", () => {
  it("finds a kubernetes-* key written twice, written literally or with \\u escapes", () => {
    const twice = callText(1, [...tuple("https://a"), [HEADER.authorization, `Bearer ${TOKEN_B}`]]);
    expect(duplicateMetaKeys(twice)).toEqual(new Map([[0, HEADER.authorization]]));
    const escaped = twice.replace(
      '"kubernetes-authorization": "Bearer token-bravo',
      '"\\u006bubernetes-authorization": "Bearer token-bravo',
    );
    expect(escaped).toContain("\\u006b");
    expect(duplicateMetaKeys(escaped)).toEqual(new Map([[0, HEADER.authorization]]));
  });

  it("names the message of a batch, and a repeated _meta in params", () => {
    const ok = callText(1, tuple("https://a"));
    const bad = callText(2, [...tuple("https://a"), [HEADER.server, "https://b"]]);
    expect(duplicateMetaKeys(`[${ok}, ${bad}, ${ok}]`)).toEqual(new Map([[1, HEADER.server]]));
    const twoMetas = callText(3, tuple("https://a"), ',"_meta":{}');
    expect(duplicateMetaKeys(twoMetas)).toEqual(new Map([[0, "_meta"]]));
  });

  it("is not fooled by keys inside strings, other objects or other messages", () => {
    const inString = callText(1, [...tuple("https://a"), ["note", '"kubernetes-server": x']]);
    expect(duplicateMetaKeys(inString)).toBeUndefined();
    const elsewhere = `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","arguments":{"kubernetes-server":"a"},"_meta":{"kubernetes-server":"b"}}}`;
    expect(duplicateMetaKeys(elsewhere)).toBeUndefined();
    const batch = `[${callText(1, tuple("https://a"))}, ${callText(2, tuple("https://a"))}]`;
    expect(duplicateMetaKeys(batch)).toBeUndefined();
    expect(duplicateMetaKeys(`{"jsonrpc":"2.0","id":1,"method":"ping"}`)).toBeUndefined();
  });

  it("stays linear on deep nesting and long bodies", () => {
    const deep = `{"jsonrpc":"2.0","id":1,"method":"x","params":{"a":${"[".repeat(200_000)}${"]".repeat(200_000)},"_meta":{"kubernetes-server":"a","kubernetes-server":"b"}}}`;
    const started = performance.now();
    expect(duplicateMetaKeys(deep)).toEqual(new Map([[0, HEADER.server]]));
    expect(performance.now() - started).toBeLessThan(500);
  });
});

const INITIALIZE = `{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"0"}}}`;

describe("a _meta key twice in the JSON text is [invalid-header]", () => {
  it("over HTTP, literal and escaped, and no API server is contacted", async () => {
    const a = await api();
    const { url } = await startReference(cleanup);
    const session = sessionHeaders(await jsonPost(url, {}, INITIALIZE));
    const twice = callText(7, [...tuple(a.url), [HEADER.authorization, `Bearer ${TOKEN_B}`]]);
    for (const body of [
      twice,
      twice.replace(
        '"kubernetes-authorization": "Bearer token-bravo',
        '"kubernetes-\\u0061uthorization": "Bearer token-bravo',
      ),
    ]) {
      const r = await jsonPost(url, session, body);
      const result = (
        JSON.parse(r.text) as { result: { isError?: boolean; content: Array<{ text: string }> } }
      ).result;
      expect(result.isError).toBe(true);
      expect(result.content[0]?.text).toMatch(
        /^\[invalid-header\] _meta key "kubernetes-authorization" occurs more than once/,
      );
      expect(result.content[0]?.text).not.toContain(TOKEN_B);
    }
    expect(a.seen).toHaveLength(0);
    // The same tuple once is served.
    const once = await jsonPost(url, session, callText(8, tuple(a.url)));
    expect(once.text).not.toContain("isError");
    expect(a.seen).toHaveLength(1);
  });

  it("over stdio, and no API server is contacted", async () => {
    const a = await api();
    const child = spawn(
      process.execPath,
      ["reference-server/bin/auth-headers-server.js", "--stdio", "--log-level", "silent"],
      {
        cwd: ROOT,
        stdio: ["pipe", "pipe", "pipe"],
      },
    );
    cleanup.push(async () => {
      child.kill();
    });
    const replies = linesOf(child);
    child.stdin?.write(`${INITIALIZE}\n`);
    child.stdin?.write(`{"jsonrpc":"2.0","method":"notifications/initialized"}\n`);
    child.stdin?.write(`${callText(7, [...tuple(a.url), [HEADER.authorization, `Bearer ${TOKEN_B}`]])}\n`);
    child.stdin?.write(`${callText(8, tuple(a.url))}\n`);
    const byId = await replies(3);
    const seven = byId.get(7) as { result: { isError?: boolean; content: Array<{ text: string }> } };
    expect(seven.result.isError).toBe(true);
    expect(seven.result.content[0]?.text).toMatch(/^\[invalid-header\] _meta key "kubernetes-authorization"/);
    expect((byId.get(8) as { result: { isError?: boolean } }).result.isError).toBeUndefined();
    expect(a.seen.map((s) => s.authorization)).toEqual([`Bearer ${TOKEN_A}`]);
  });
});

/** Collects JSON-RPC replies by id from a child's stdout. */
function linesOf(child: ChildProcess): (n: number) => Promise<Map<unknown, unknown>> {
  const byId = new Map<unknown, unknown>();
  let buffer = "";
  const waiters: Array<() => void> = [];
  child.stdout?.on("data", (c: Buffer) => {
    buffer += c.toString("utf8");
    let i = buffer.indexOf("\n");
    while (i >= 0) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      if (line.trim()) {
        const m = JSON.parse(line) as { id?: unknown };
        byId.set(m.id, m);
      }
      i = buffer.indexOf("\n");
    }
    for (const w of waiters.splice(0)) w();
  });
  return (n) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${byId.size} replies`)), 10_000);
      const check = () => {
        if (byId.size >= n) {
          clearTimeout(timer);
          resolve(byId);
        } else waiters.push(check);
      };
      check();
    });
}

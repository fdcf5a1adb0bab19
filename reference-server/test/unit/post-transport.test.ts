// PostTransport (src/transport/post-transport.ts) under a real SDK Server: ids renumbered per
// transport and restored on the reply, cancellation by the client's own id (stateful only),
// abandon and close, and the SDK router it relies on (src/mcp/request-router.ts).
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  CallToolRequestSchema,
  type CallToolResult,
  type MessageExtraInfo,
  type RequestId,
} from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { createMcpServer } from "../../src/mcp/mcp-server.js";
import { sdkRequestRouter } from "../../src/mcp/request-router.js";
import { classify, type Incoming } from "../../src/transport/jsonrpc.js";
import { PostTransport } from "../../src/transport/post-transport.js";
import { testDeps } from "./helpers/deps.js";

/** One call of the slow tools/call handler: it answers only when the test releases it. */
interface HeldCall {
  readonly tag: string;
  /** The id the SDK Server saw (the transport's own number). */
  readonly requestId: RequestId;
  /** The client id handed over in extra.authInfo (see extraFor). */
  readonly clientId: unknown;
  readonly signal: AbortSignal;
  release(): void;
}

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

function slowServer(): { server: Server; calls: HeldCall[] } {
  const server = new Server({ name: "slow", version: "0.0.0" }, { capabilities: { tools: {} } });
  const calls: HeldCall[] = [];
  server.setRequestHandler(
    CallToolRequestSchema,
    (request, extra) =>
      new Promise<CallToolResult>((resolve) => {
        const tag = request.params.name;
        const answer = () => resolve({ content: [{ type: "text", text: tag }] });
        calls.push({
          tag,
          requestId: extra.requestId,
          clientId: extra.authInfo?.extra?.clientId,
          signal: extra.signal,
          release: answer,
        });
        // never leaves a handler pending past its request
        extra.signal.addEventListener("abort", answer, { once: true });
      }),
  );
  return { server, calls };
}

async function connected(
  sessionId: string | undefined,
  routed = true,
): Promise<{ transport: PostTransport; calls: HeldCall[]; server: Server }> {
  const { server, calls } = slowServer();
  const transport = new PostTransport(sessionId);
  await server.connect(transport);
  transport.routeRequestsTo(routed ? sdkRequestRouter(server) : undefined);
  cleanup.push(async () => {
    for (const c of calls) c.release();
    await transport.close();
  });
  return { transport, calls, server };
}

function msg(value: unknown): Incoming {
  const incoming = classify(value);
  if (!incoming) throw new Error(`not a JSON-RPC message: ${JSON.stringify(value)}`);
  return incoming;
}

const call = (id: RequestId, tag: string) =>
  msg({ jsonrpc: "2.0", id, method: "tools/call", params: { name: tag, arguments: {} } });
const cancelled = (requestId: unknown, reason?: string) =>
  msg({
    jsonrpc: "2.0",
    method: "notifications/cancelled",
    params: { requestId, ...(reason ? { reason } : {}) },
  });

/** Hands the client's id to the handler, as the HTTP front end does for log lines. */
const extraFor = (clientId: RequestId | undefined): MessageExtraInfo => ({
  authInfo: { token: "", clientId: "test", scopes: [], extra: { clientId } },
});

async function until(cond: () => boolean, what: string, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Resolves to "pending" if `p` has not settled within `ms`. */
function settledWithin<T>(p: Promise<T>, ms: number): Promise<T | "pending"> {
  return Promise.race([p, new Promise<"pending">((r) => setTimeout(() => r("pending"), ms))]);
}

const textOfReply = (reply: unknown) =>
  (reply as { result?: { content?: Array<{ text?: string }> } }).result?.content?.[0]?.text;

describe("PostTransport: ids", () => {
  it("two exchanges with the same client id 1 at once (stateless) each get their own reply, id 1 restored", async () => {
    const { transport, calls } = await connected(undefined);
    const first = transport.exchange([call(1, "first")], extraFor);
    const second = transport.exchange([call(1, "second")], extraFor);
    await until(() => calls.length === 2, "both handlers");
    expect(transport.inFlight).toBe(2);
    // the SDK Server saw two different ids, neither needs to be the client's
    expect(new Set(calls.map((c) => c.requestId)).size).toBe(2);
    expect(calls.map((c) => c.clientId)).toEqual([1, 1]);
    // answered in the opposite order
    calls.find((c) => c.tag === "second")?.release();
    const r2 = await second.replies;
    expect(await settledWithin(first.replies, 50)).toBe("pending");
    calls.find((c) => c.tag === "first")?.release();
    const r1 = await first.replies;
    expect(r1).toEqual([{ jsonrpc: "2.0", id: 1, result: { content: [{ type: "text", text: "first" }] } }]);
    expect(r2).toEqual([{ jsonrpc: "2.0", id: 1, result: { content: [{ type: "text", text: "second" }] } }]);
    expect(transport.inFlight).toBe(0);
  });

  it("a batch gets its replies in request order, string and number ids restored, notifications skipped", async () => {
    const { transport, calls } = await connected("session-1");
    const ex = transport.exchange(
      [
        call("b-1", "one"),
        msg({ jsonrpc: "2.0", method: "notifications/initialized" }),
        call(7, "two"),
        msg({ jsonrpc: "2.0", id: "p", method: "ping" }),
      ],
      extraFor,
    );
    await until(() => calls.length === 2, "both handlers");
    for (const c of [...calls].reverse()) c.release();
    const replies = await ex.replies;
    expect(replies.map((r) => r.id)).toEqual(["b-1", 7, "p"]);
    expect(replies.map(textOfReply)).toEqual(["one", "two", undefined]);
    expect(replies[2]).toEqual({ jsonrpc: "2.0", id: "p", result: {} });
  });

  it("errors from the SDK Server come back under the client's id", async () => {
    const { transport } = await connected(undefined);
    const replies = await transport.exchange(
      [msg({ jsonrpc: "2.0", id: "x-9", method: "no/such/method" })],
      extraFor,
    ).replies;
    expect(replies).toEqual([
      { jsonrpc: "2.0", id: "x-9", error: { code: -32601, message: "Method not found" } },
    ]);
  });
});

describe("PostTransport: cancellation", () => {
  it("notifications/cancelled naming a stateful session's in-flight client id ends it with -32800 and aborts the handler", async () => {
    const { transport, calls } = await connected("session-1");
    const ex = transport.exchange([call("abc", "slow")], extraFor);
    await until(() => calls.length === 1, "the handler");
    const held = calls[0] as HeldCall;
    expect(held.signal.aborted).toBe(false);
    const cancelPost = transport.exchange([cancelled("abc", "user gave up")], extraFor);
    expect(await cancelPost.replies).toEqual([]);
    const replies = await settledWithin(ex.replies, 1000);
    expect(replies).toEqual([
      { jsonrpc: "2.0", id: "abc", error: { code: -32800, message: "Request cancelled" } },
    ]);
    await until(() => held.signal.aborted, "the handler's signal to abort");
    expect(held.signal.reason).toBe("user gave up");
    expect(transport.inFlight).toBe(0);
  });

  it('the cancel names the client\'s id by type: "1" does not cancel 1, and 1 does', async () => {
    const { transport, calls } = await connected("session-1");
    // a first request, so that the internal number of the next one differs from its client id
    await transport.exchange([msg({ jsonrpc: "2.0", id: 99, method: "ping" })], extraFor).replies;
    const ex = transport.exchange([call(1, "slow")], extraFor);
    await until(() => calls.length === 1, "the handler");
    const internal = calls[0]?.requestId;
    expect(internal).not.toBe(1);
    transport.exchange([cancelled("1")], extraFor);
    // the internal number the SDK saw is not the client's to cancel
    transport.exchange([cancelled(internal)], extraFor);
    expect(await settledWithin(ex.replies, 50)).toBe("pending");
    expect(calls[0]?.signal.aborted).toBe(false);
    transport.exchange([cancelled(1)], extraFor);
    expect((await ex.replies)[0]).toMatchObject({ id: 1, error: { code: -32800 } });
  });

  it("in stateless mode a cancel is ignored (ids are not unique across clients)", async () => {
    const { transport, calls } = await connected(undefined);
    const ex = transport.exchange([call(1, "slow")], extraFor);
    await until(() => calls.length === 1, "the handler");
    transport.exchange([cancelled(1)], extraFor);
    expect(await settledWithin(ex.replies, 50)).toBe("pending");
    expect(calls[0]?.signal.aborted).toBe(false);
    calls[0]?.release();
    expect((await ex.replies).map(textOfReply)).toEqual(["slow"]);
  });

  it("abandon() cancels what is still running: -32800 reply, handler aborted, a late result is dropped", async () => {
    const { transport, calls } = await connected(undefined);
    const ex = transport.exchange([call(5, "a"), call(6, "b")], extraFor);
    await until(() => calls.length === 2, "both handlers");
    calls[0]?.release();
    await until(() => transport.inFlight === 1, "the first reply");
    ex.abandon();
    const replies = await settledWithin(ex.replies, 1000);
    expect(replies).toEqual([
      { jsonrpc: "2.0", id: 5, result: { content: [{ type: "text", text: "a" }] } },
      { jsonrpc: "2.0", id: 6, error: { code: -32800, message: "Request cancelled" } },
    ]);
    await until(() => calls[1]?.signal.aborted === true, "the second handler to abort");
    expect(calls[1]?.signal.reason).toBe("client disconnected");
    expect(calls[0]?.signal.aborted).toBe(false);
    expect(transport.inFlight).toBe(0);
    ex.abandon(); // idempotent
    expect(transport.inFlight).toBe(0);
  });

  it("close() answers every pending request with an error and closes the SDK Server", async () => {
    const { transport, calls, server } = await connected("session-1");
    let serverClosed = false;
    server.onclose = () => {
      serverClosed = true;
    };
    let transportClosed = 0;
    const sdkOnclose = transport.onclose;
    transport.onclose = () => {
      transportClosed++;
      sdkOnclose?.();
    };
    const a = transport.exchange([call(1, "a")], extraFor);
    const b = transport.exchange([call("two", "b")], extraFor);
    await until(() => calls.length === 2, "both handlers");
    await transport.close();
    expect(await settledWithin(Promise.all([a.replies, b.replies]), 1000)).toEqual([
      [{ jsonrpc: "2.0", id: 1, error: { code: -32000, message: "Connection closed" } }],
      [{ jsonrpc: "2.0", id: "two", error: { code: -32000, message: "Connection closed" } }],
    ]);
    expect(calls.every((c) => c.signal.aborted)).toBe(true);
    expect(serverClosed).toBe(true);
    expect(transport.inFlight).toBe(0);
    await transport.close();
    expect(transportClosed).toBe(1);
  });
});

describe("PostTransport: the SDK router", () => {
  it("sdkRequestRouter finds the pinned SDK's request router (an SDK without it must fail here)", () => {
    const server = new Server({ name: "x", version: "0" }, { capabilities: {} });
    const router = sdkRequestRouter(server);
    expect(router).toBeTypeOf("function");
    expect(sdkRequestRouter(createMcpServer(testDeps()))).toBeTypeOf("function");
    // and nothing else is taken for it
    expect(sdkRequestRouter({} as Server)).toBeUndefined();
  });

  for (const routed of [true, false]) {
    it(`requests ${routed ? "bypass" : "go through"} onmessage with routeRequestsTo(${routed ? "router" : "undefined"}), with the same replies`, async () => {
      const { transport, calls } = await connected("session-1", routed);
      const seen: string[] = [];
      const sdkOnmessage = transport.onmessage;
      transport.onmessage = (message, extra) => {
        seen.push("method" in message ? message.method : "response");
        sdkOnmessage?.(message, extra);
      };
      const ex = transport.exchange(
        [call(1, "slow"), msg({ jsonrpc: "2.0", id: 2, method: "ping" })],
        extraFor,
      );
      await until(() => calls.length === 1, "the handler");
      expect(calls[0]?.clientId).toBe(1);
      calls[0]?.release();
      expect(await ex.replies).toEqual([
        { jsonrpc: "2.0", id: 1, result: { content: [{ type: "text", text: "slow" }] } },
        { jsonrpc: "2.0", id: 2, result: {} },
      ]);
      expect(seen).toEqual(routed ? [] : ["tools/call", "ping"]);
      // cancellation works on either path (it is a notification to the SDK Server)
      const ex2 = transport.exchange([call(3, "slow-2")], extraFor);
      await until(() => calls.length === 2, "the second handler");
      transport.exchange([cancelled(3)], extraFor);
      expect((await ex2.replies)[0]).toMatchObject({ id: 3, error: { code: -32800 } });
      await until(() => calls[1]?.signal.aborted === true, "the second handler to abort");
    });
  }
});

describe("tools/call params, checked once by hand (createMcpServer)", () => {
  async function reference(): Promise<PostTransport> {
    const server = createMcpServer(testDeps());
    const transport = new PostTransport();
    await server.connect(transport);
    transport.routeRequestsTo(sdkRequestRouter(server));
    cleanup.push(() => transport.close());
    return transport;
  }
  const toolsCall = (params: unknown) => msg({ jsonrpc: "2.0", id: 3, method: "tools/call", params });

  it.each([
    ["no params", undefined, /params must be an object/],
    ["a name that is not a string", { name: 5 }, /params.name must be a string/],
    ["arguments that are an array", { name: "whoami", arguments: [1] }, /params.arguments must be an object/],
    ["arguments that are a string", { name: "whoami", arguments: "x" }, /params.arguments must be an object/],
    ["an unknown tool", { name: "no_such_tool", arguments: {} }, /Tool no_such_tool not found/],
  ])("%s is InvalidParams (-32602), as the SDK's own checks answer", async (_what, params, message) => {
    const transport = await reference();
    const [reply] = await transport.exchange([toolsCall(params)], extraFor).replies;
    const error = (reply as { error?: { code: number; message: string } }).error;
    expect(error?.code).toBe(-32602);
    expect(error?.message).toMatch(message);
  });

  it("a well-formed call reaches the tool (a tool error, not a protocol error, without cluster headers)", async () => {
    const transport = await reference();
    const [reply] = await transport.exchange([toolsCall({ name: "whoami", arguments: {} })], extraFor)
      .replies;
    const result = (reply as { result?: { isError?: boolean; content: Array<{ text: string }> } }).result;
    expect(result?.isError).toBe(true);
    expect(result?.content[0]?.text).toMatch(/^\[missing-header\]/);
  });
});

import type { Readable, Writable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage, MessageExtraInfo } from "@modelcontextprotocol/sdk/types.js";
import { META_DUPLICATE_KEY } from "../mcp/mcp-server.js";
import { duplicateMetaKeys } from "../request/meta-duplicates.js";
import { classify } from "./jsonrpc.js";

/**
 * MCP over stdio: one JSON-RPC message per line, as the SDK's StdioServerTransport reads them,
 * but with each line's text at hand (the SDK hands over only the parsed message), because
 * JSON.parse silently resolves a `_meta` key written twice. A line longer than `maxLineBytes`
 * is dropped unread and answered with an error, so stdin cannot grow the buffer without bound.
 */
export class StdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;

  private readonly decoder = new StringDecoder("utf8");
  private buffer = "";
  /** Inside a line that is already too long: its rest is dropped up to the next newline. */
  private dropping = false;

  constructor(
    private readonly maxLineBytes: number,
    private readonly stdin: Readable = process.stdin,
    private readonly stdout: Writable = process.stdout,
  ) {}

  private readonly onData = (chunk: Buffer) => {
    this.buffer += this.decoder.write(chunk);
    for (let nl = this.buffer.indexOf("\n"); nl >= 0; nl = this.buffer.indexOf("\n")) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      if (this.dropping) this.dropping = false;
      else this.line(line.replace(/\r$/, ""));
    }
    if (!this.dropping && this.buffer.length > this.maxLineBytes) {
      this.buffer = "";
      this.dropping = true;
      void this.send({
        jsonrpc: "2.0",
        id: null as unknown as string,
        error: {
          code: -32600,
          message: `Invalid Request: a message is limited to ${this.maxLineBytes} bytes`,
        },
      });
    }
    if (this.dropping) this.buffer = "";
  };

  private readonly onError = (error: Error) => this.onerror?.(error);

  async start(): Promise<void> {
    this.stdin.on("data", this.onData);
    this.stdin.on("error", this.onError);
  }

  private line(text: string): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      this.onerror?.(err as Error);
      return;
    }
    const incoming = classify(value);
    if (!incoming) {
      this.onerror?.(new Error("Invalid JSON-RPC message"));
      return;
    }
    const duplicate = incoming.kind === "request" ? duplicateMetaKeys(text)?.get(0) : undefined;
    if (duplicate === undefined) {
      this.onmessage?.(incoming.message);
      return;
    }
    this.onmessage?.(incoming.message, {
      authInfo: {
        token: "",
        clientId: "auth-headers-provider",
        scopes: [],
        extra: { [META_DUPLICATE_KEY]: duplicate },
      },
    });
  }

  async send(message: JSONRPCMessage): Promise<void> {
    const json = `${JSON.stringify(message)}\n`;
    if (this.stdout.write(json)) return;
    await new Promise<void>((resolve) => this.stdout.once("drain", resolve));
  }

  async close(): Promise<void> {
    this.stdin.off("data", this.onData);
    this.stdin.off("error", this.onError);
    if (this.stdin.listenerCount("data") === 0) this.stdin.pause();
    this.buffer = "";
    this.onclose?.();
  }
}

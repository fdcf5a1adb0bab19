import type { IncomingMessage } from "node:http";
import type { ByteBudget } from "../limits/byte-budget.js";

export class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface BodyLimits {
  /** Largest body; beyond, 413. */
  readonly maxBytes: number;
  /** Time for the whole body to arrive; beyond, 408. */
  readonly timeoutMs: number;
  /** Shared by all requests; when it is spent, 503. */
  readonly budget: ByteBudget;
}

/** A parsed body and its text (for checks JSON.parse cannot make, see meta-duplicates.ts). */
export interface JsonBody {
  readonly value: unknown;
  readonly text: string;
}

/** Events rather than `for await`: the async iterator cost more than the JSON parse per POST. */
export function readJsonBody(req: IncomingMessage, limits: BodyLimits): Promise<JsonBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (error: Error | undefined, body?: JsonBody) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off("data", onData);
      limits.budget.give(size);
      chunks.length = 0;
      if (error) reject(error);
      else resolve(body as JsonBody);
    };
    const timer = setTimeout(
      () =>
        settle(new BodyError(408, `Request Timeout: the body did not arrive within ${limits.timeoutMs} ms`)),
      limits.timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      if (size + chunk.length > limits.maxBytes) {
        settle(new BodyError(413, "request body too large"));
      } else if (!limits.budget.take(chunk.length)) {
        settle(new BodyError(503, "Service Unavailable: too many request bodies are arriving at once"));
      } else {
        size += chunk.length;
        chunks.push(chunk);
      }
    };
    req.on("data", onData);
    req.once("error", (err) => settle(err));
    req.once("close", () => settle(new BodyError(400, "the request ended before its body")));
    req.once("end", () => {
      if (settled) return;
      const text =
        chunks.length === 1 ? (chunks[0] as Buffer).toString("utf8") : Buffer.concat(chunks).toString("utf8");
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return settle(new BodyError(400, "Parse error: body is not JSON"));
      }
      settle(undefined, { value, text });
    });
  });
}

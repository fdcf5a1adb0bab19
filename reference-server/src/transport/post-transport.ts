import type { Transport, TransportSendOptions } from "@modelcontextprotocol/sdk/shared/transport.js";
import type {
  JSONRPCErrorResponse,
  JSONRPCMessage,
  JSONRPCResultResponse,
  MessageExtraInfo,
  RequestId,
} from "@modelcontextprotocol/sdk/types.js";
import type { RequestRouter } from "../mcp/request-router.js";
import { type Incoming, isRequestId, isResponse } from "./jsonrpc.js";

type Reply = JSONRPCResultResponse | JSONRPCErrorResponse;

interface Pending {
  readonly clientId: RequestId;
  readonly resolve: (reply: Reply) => void;
  /** Key in `byClientId` (stateful sessions only), so a cancel naming the client's id finds it. */
  readonly clientKey: string | undefined;
}

/** What one POST gets back: its replies once every request in it is answered. */
export interface Exchange {
  readonly replies: Promise<Reply[]>;
  /** The HTTP response went away first: the SDK Server is told to cancel what is still running. */
  abandon(): void;
}

/**
 * An SDK Transport fed by HTTP POSTs, answering each request on the POST that carried it, as
 * JSON (Streamable HTTP allows a JSON body instead of an SSE stream). Requests get
 * transport-unique ids on the way in and their own ids back on the way out: in stateless
 * mode one SDK Server serves every POST, and two clients may both send id 1 at once.
 */
export class PostTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;

  private nextId = 1;
  private readonly inflight = new Map<number, Pending>();
  private readonly byClientId = new Map<string, number>();
  private closed = false;
  private router: RequestRouter | undefined;

  /** `sessionId` set for stateful sessions; client ids are unique per session there (cancellation needs it). */
  constructor(readonly sessionId?: string) {}

  async start(): Promise<void> {}

  /** Requests go to `router` instead of `onmessage` (see sdkRequestRouter); undefined keeps onmessage. */
  routeRequestsTo(router: RequestRouter | undefined): void {
    this.router = router;
  }

  async send(message: JSONRPCMessage, _options?: TransportSendOptions): Promise<void> {
    // No server-initiated messages exist in this server (no GET stream); notifications about a
    // request (progress, logs) have no channel in a JSON reply and are dropped.
    if (!isResponse(message) || typeof message.id !== "number") return;
    const pending = this.inflight.get(message.id);
    if (!pending) return; // abandoned: the client is gone
    this.forget(message.id, pending);
    pending.resolve({ ...message, id: pending.clientId } as Reply);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const [id, pending] of this.inflight) {
      this.forget(id, pending);
      pending.resolve(closedReply(pending.clientId));
    }
    this.onclose?.();
  }

  /** Hands one POST's messages to the SDK Server; `extraFor` gives each request its own extra info. */
  exchange(
    messages: readonly Incoming[],
    extraFor: (clientId: RequestId | undefined, incoming: Incoming) => MessageExtraInfo,
  ): Exchange {
    if (this.closed) {
      // Nothing would ever answer: the SDK Server let go of this transport when it closed.
      const replies = messages.flatMap((m) => (m.kind === "request" ? [closedReply(m.message.id)] : []));
      return { replies: Promise.resolve(replies), abandon: () => {} };
    }
    const replies: Promise<Reply>[] = [];
    const mine: number[] = [];
    for (const incoming of messages) {
      if (incoming.kind === "request") {
        const clientId = incoming.message.id;
        const id = this.nextId++;
        const clientKey = this.sessionId === undefined ? undefined : keyOf(clientId);
        replies.push(
          new Promise<Reply>((resolve) => this.inflight.set(id, { clientId, resolve, clientKey })),
        );
        if (clientKey !== undefined) this.byClientId.set(clientKey, id);
        mine.push(id);
        const request = { ...incoming.message, id };
        if (this.router) this.router(request, extraFor(clientId, incoming));
        else this.onmessage?.(request, extraFor(clientId, incoming));
      } else if (incoming.kind === "notification" && incoming.message.method === "notifications/cancelled") {
        const target = this.cancelTarget(incoming.message.params?.requestId);
        if (target !== undefined) this.cancel(target, incoming.message.params?.reason);
      } else {
        this.onmessage?.(incoming.message, extraFor(undefined, incoming));
      }
    }
    return {
      replies: Promise.all(replies),
      abandon: () => {
        for (const id of mine) if (this.inflight.has(id)) this.cancel(id, "client disconnected");
      },
    };
  }

  get inFlight(): number {
    return this.inflight.size;
  }

  /** Only a session's own ids can be cancelled; in stateless mode ids are not unique across clients. */
  private cancelTarget(clientId: unknown): number | undefined {
    if (this.sessionId === undefined || !isRequestId(clientId)) return undefined;
    return this.byClientId.get(keyOf(clientId));
  }

  /**
   * The SDK Server aborts the handler and sends nothing for a cancelled request, but the POST
   * that carried it must still end: it gets an error reply, which the client ignores.
   */
  private cancel(id: number, reason: unknown): void {
    const pending = this.inflight.get(id);
    if (!pending) return;
    this.forget(id, pending);
    pending.resolve({
      jsonrpc: "2.0",
      id: pending.clientId,
      error: { code: REQUEST_CANCELLED, message: "Request cancelled" },
    });
    this.onmessage?.({
      jsonrpc: "2.0",
      method: "notifications/cancelled",
      params: { requestId: id, ...(typeof reason === "string" ? { reason } : {}) },
    });
  }

  private forget(id: number, pending: Pending): void {
    this.inflight.delete(id);
    if (pending.clientKey !== undefined && this.byClientId.get(pending.clientKey) === id)
      this.byClientId.delete(pending.clientKey);
  }
}

const closedReply = (id: RequestId): Reply => ({
  jsonrpc: "2.0",
  id,
  error: { code: -32000, message: "Connection closed" },
});

/** JSON-RPC has no code for it; -32800 is the one LSP uses. */
const REQUEST_CANCELLED = -32800;
const keyOf = (id: RequestId) => `${typeof id}:${id}`;

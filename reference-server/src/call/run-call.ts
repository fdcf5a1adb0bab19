import { randomUUID } from "node:crypto";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { scrubSecrets } from "../errors/scrub.js";
import { isToolError, ToolError } from "../errors/tool-error.js";
import { mapStatus, mapTransportError } from "../errors/upstream-errors.js";
import type { Faults } from "../faults.js";
import { callLogger, type Logger } from "../log/logger.js";
import { originLine, originOf } from "../origin/origin.js";
import type { NetworkPolicy } from "../policy/network-policy.js";
import { type ClusterTarget, secretsOf } from "../request/cluster-target.js";
import type { ClusterHeaderLines } from "../request/raw-headers.js";
import { argumentNameRefusal } from "../tools/names.js";
import type { KubeCall, ToolDefinition } from "../tools/tool.js";
import type { ClientPool } from "../upstream/client-pool.js";
import type { InFlightLimit } from "../upstream/in-flight.js";
import { kubeRequest, type ResponseLimits } from "../upstream/kube-request.js";
import { ERROR_CODE } from "../wire/constants.js";
import type { TargetSource } from "./target-source.js";

export interface CallDeps {
  readonly policy: NetworkPolicy;
  readonly pool: ClientPool;
  /** Upstream requests in flight, in all and per API server endpoint. */
  readonly inFlight: InFlightLimit;
  readonly responseLimits: ResponseLimits;
  readonly logger: Logger;
  /** Deadline of a call's upstream work; Infinity means none. */
  readonly requestTimeoutMs: number;
  /** Where a call's cluster and identity come from (the conformance class served). */
  readonly targets: TargetSource;
  readonly faults: Faults;
}

export interface CallInput {
  readonly tool: ToolDefinition;
  readonly args: unknown;
  readonly meta: Record<string, unknown> | undefined;
  /** A `_meta` key the JSON text of the request held twice. */
  readonly metaDuplicateKey?: string | undefined;
  /** Cluster header lines of the HTTP request that carried this call; undefined over stdio. */
  readonly headerLines: ClusterHeaderLines | undefined;
  readonly requestId: string | number | undefined;
  /** MCP session of the call, for correlating log lines; never used to find a cluster. */
  readonly sessionId?: string | undefined;
  /** Aborted when the client cancels the call or goes away: the upstream request stops too. */
  readonly cancelled?: AbortSignal | undefined;
}

/**
 * One tools/call from start to finish. Everything about the cluster lives in locals
 * of this function: nothing is stored on the session or the server (AH-SRC-3, AH-ORIGIN-3).
 */
export async function runCall(input: CallInput, deps: CallDeps): Promise<CallToolResult> {
  const started = performance.now();
  const requestId = input.requestId ?? randomUUID();
  let target: ClusterTarget | undefined;
  let error: ToolError | undefined;
  let outcome = "ok";
  try {
    let result: CallToolResult;
    try {
      target = await deps.targets.resolve(input);
      result = await serve(target, input, deps);
    } catch (caught) {
      if (!isToolError(caught) && !target) {
        // Before a target exists only a deliberate fault throws non-ToolErrors; let it surface.
        outcome = "internal-error";
        throw caught;
      }
      error = isToolError(caught)
        ? caught
        : new ToolError(
            ERROR_CODE.upstreamError,
            `the answer of ${target?.server.host} could not be processed.`,
          );
      outcome = error.code;
      const text = scrubSecrets(error.text, secretsOf(target));
      result = { isError: true, content: [{ type: "text", text }] };
    }
    return deps.faults.result(result, { tool: input.tool.name, target, error });
  } finally {
    if (input.cancelled?.aborted) outcome = "cancelled";
    const line: Record<string, unknown> = {
      requestId,
      ...(input.sessionId ? { sessionId: input.sessionId } : {}),
      tool: input.tool.name,
      ...(target?.context !== undefined ? { context: target.context } : {}),
      server: target?.server.host ?? null,
      outcome,
      ms: Math.round(performance.now() - started),
    };
    callLogger(deps.logger).info(deps.faults.logLine(line, target), "tool call");
  }
}

/** Arguments, upstream work and the successful result of a call whose target is valid. */
async function serve(target: ClusterTarget, input: CallInput, deps: CallDeps): Promise<CallToolResult> {
  const parsed = input.tool.args.safeParse(input.args ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ToolError(
      ERROR_CODE.invalidArgument,
      `argument "${issue?.path.join(".") || "?"}" of ${input.tool.name}: ${issue?.message ?? "invalid"}.`,
    );
  }
  const refusal = deps.faults.argumentNames(
    argumentNameRefusal(input.tool.name, parsed.data as Record<string, unknown>),
    input.tool.name,
  );
  if (refusal) throw refusal;
  const upstream = upstreamCaller(target, deps, input.cancelled);
  let output: Awaited<ReturnType<ToolDefinition["run"]>>;
  try {
    output = await input.tool.run(parsed.data, upstream.kube);
  } finally {
    upstream.done();
  }
  // Formatting runs without a turn of the event loop, so the timer could not fire during it.
  if (performance.now() > upstream.deadline) {
    throw new ToolError(
      ERROR_CODE.timeout,
      `the answer of ${target.server.host} was not ready within ${deps.requestTimeoutMs} ms.`,
    );
  }
  const origin = originOf(target);
  return {
    content: [{ type: "text", text: `${originLine(origin)}\n${output.text}` }],
    structuredContent: { cluster: origin, ...output.structured },
  };
}

/**
 * Binds one target to policy, pooled client and the call's deadline; maps every failure to a
 * ToolError. One timer per call, cleared by `done()`: AbortSignal.timeout() cost a timer, a
 * weak reference and listeners per call, measurable at thousands of calls per second. The
 * client's cancellation aborts the same controller.
 */
function upstreamCaller(
  target: ClusterTarget,
  deps: CallDeps,
  cancelled: AbortSignal | undefined,
): { kube: KubeCall; done(): void; readonly deadline: number } {
  const host = target.server.host;
  const secrets = secretsOf(target);
  const controller = new AbortController();
  const deadline = performance.now() + deps.requestTimeoutMs;
  const timer = Number.isFinite(deps.requestTimeoutMs)
    ? setTimeout(
        () => controller.abort(new DOMException("upstream deadline passed", "TimeoutError")),
        deps.requestTimeoutMs,
      )
    : undefined;
  const onCancel = () => controller.abort(new DOMException("cancelled by the client", "AbortError"));
  cancelled?.addEventListener("abort", onCancel, { once: true });
  const signal = controller.signal;
  let destination: ReturnType<NetworkPolicy["check"]> | undefined;
  const kube: KubeCall = async (req) => {
    if (signal.aborted) throw mapTransportError(signal.reason, host, deps.requestTimeoutMs, secrets);
    destination ??= deps.policy.check(target.server);
    const dest = destination instanceof Promise ? await withSignal(destination, signal) : destination;
    const free = deps.inFlight.acquire(`${dest.address}:${dest.port}`, signal);
    const slot = typeof free === "function" ? free : await afterWaiting(free, deps, host);
    let lease: ReturnType<ClientPool["acquire"]> | undefined;
    try {
      lease = deps.pool.acquire(target);
      const res = await kubeRequest(lease.client, dest, req, signal, deps.responseLimits, deps.faults);
      if (res.status >= 200 && res.status < 300) return res.body;
      throw mapStatus(res.status, res.body, host, secrets);
    } catch (err) {
      if (isToolError(err)) throw err;
      throw mapTransportError(err, host, deps.requestTimeoutMs, secrets);
    } finally {
      lease?.release();
      slot();
    }
  };
  return {
    kube,
    deadline,
    done: () => {
      clearTimeout(timer);
      cancelled?.removeEventListener("abort", onCancel);
    },
  };
}

/** The slot a call waited for; the wait counts against its deadline. */
async function afterWaiting(waiting: Promise<() => void>, deps: CallDeps, host: string): Promise<() => void> {
  try {
    return await waiting;
  } catch (err) {
    if ((err as Error)?.name !== "TimeoutError")
      throw mapTransportError(err, host, deps.requestTimeoutMs, []);
    throw new ToolError(
      ERROR_CODE.timeout,
      `no upstream connection became free within ${deps.requestTimeoutMs} ms: ${deps.inFlight.maxPerKey} requests to ${host}, or ${deps.inFlight.maxTotal} in all, are in flight.`,
    );
  }
}

function withSignal<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}

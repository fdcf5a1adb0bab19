import type { ClusterTarget } from "../request/cluster-target.js";

/** What a result says about where it came from (AH-ORIGIN-1). */
export interface ClusterOrigin {
  readonly server: string;
  readonly host: string;
  /** "sha256:<16 hex>" or "none" in opted-in insecure mode. */
  readonly caFingerprint: string;
  /** The context the call named (known-clusters class, AH-KC-14). */
  readonly context?: string;
}

export function originOf(target: ClusterTarget): ClusterOrigin {
  return {
    server: target.server.href.replace(/\/$/, ""),
    host: target.server.host,
    caFingerprint: target.caFingerprint ? `sha256:${target.caFingerprint}` : "none",
    ...(target.context !== undefined ? { context: target.context } : {}),
  };
}

/** The first text line of every successful result, so an LLM sees which cluster answered. */
export function originLine(origin: ClusterOrigin): string {
  const context = origin.context !== undefined ? ` context:${origin.context}` : "";
  return `cluster: ${origin.host} ca:${origin.caFingerprint}${context}`;
}

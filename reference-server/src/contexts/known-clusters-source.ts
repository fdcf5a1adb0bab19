import type { TargetSource } from "../call/target-source.js";
import type { ClusterTarget } from "../request/cluster-target.js";
import { KNOWN_CLUSTERS } from "../wire/constants.js";
import { callerToken, KNOWN_CLUSTERS_HEADERS } from "./caller-token.js";
import { namedContext } from "./known-context.js";
import type { KnownContext } from "./kubeconfig.js";
import type { TokenVerifier } from "./oauth.js";

export interface KnownClustersOptions {
  readonly contexts: ReadonlyMap<string, KnownContext>;
  /** OAuth validation of the token (AH-KC-10); absent: passthrough, the API server decides. */
  readonly verify?: TokenVerifier | undefined;
  readonly maxValueBytes: number;
}

/**
 * The known-clusters class (AH-KC): the caller's token, checked first (and validated when OAuth
 * is on), then the context the call names. The target is built per call from the two and
 * dropped with the call (AH-KC-7).
 */
export function knownClustersSource(o: KnownClustersOptions): TargetSource {
  return {
    headerNames: KNOWN_CLUSTERS_HEADERS,
    contextArgument: {
      name: KNOWN_CLUSTERS.contextArgument,
      description: "Name of the kubeconfig context (cluster) this call goes to; required on every call",
    },
    async resolve(input): Promise<ClusterTarget> {
      const token = callerToken(input, o.maxValueBytes);
      await o.verify?.(token);
      const ctx = namedContext(input.args, o.contexts);
      return {
        server: ctx.server,
        caPem: ctx.caPem,
        caFingerprint: ctx.caFingerprint,
        insecureSkipTlsVerify: ctx.insecureSkipTlsVerify,
        auth: { kind: "token", token },
        context: ctx.name,
      };
    },
  };
}

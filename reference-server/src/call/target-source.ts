// Where a call's cluster and identity come from: the tuple class reads both from the request
// (headers or `_meta`), the known-clusters class reads the token from the request and the
// cluster from the server's own contexts. Everything after the target (policy, pool, limits,
// timeouts, results) is the same code for both.
import type { SelectTuple, ValidateTuple } from "../faults.js";
import type { ClusterTarget } from "../request/cluster-target.js";
import { CLUSTER_HEADERS } from "../request/raw-headers.js";
import type { CallSource } from "../request/source.js";
import type { RequestHeaderName } from "../wire/constants.js";
import type { CallInput } from "./run-call.js";

export interface TargetSource {
  /** The request header lines the HTTP layer hands each call. */
  readonly headerNames: ReadonlySet<RequestHeaderName>;
  /** The argument every tool gains to name its cluster, where the request does not carry one. */
  readonly contextArgument?: { readonly name: string; readonly description: string } | undefined;
  /** The call's target, or a thrown ToolError; never touches the network. */
  resolve(input: CallInput): Promise<ClusterTarget>;
}

/** The tuple class: `_meta` or this request's cluster headers, selected and validated (AH-SRC, AH-HDR). */
export function tupleSource(select: SelectTuple, validate: ValidateTuple): TargetSource {
  return {
    headerNames: CLUSTER_HEADERS,
    async resolve(input) {
      const source: CallSource = {
        meta: input.meta,
        headerLines: input.headerLines,
        metaDuplicateKey: input.metaDuplicateKey,
      };
      return validate(await select(source), source);
    },
  };
}

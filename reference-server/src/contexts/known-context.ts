import { ToolError } from "../errors/tool-error.js";
import { isObject } from "../transport/jsonrpc.js";
import { ERROR_CODE, KNOWN_CLUSTERS } from "../wire/constants.js";
import type { KnownContext } from "./kubeconfig.js";

const ARG = KNOWN_CLUSTERS.contextArgument;

/**
 * The context a call names (AH-KC-5, AH-KC-6): required, a non-empty string, one of the server's.
 * Nothing else is consulted: no default, no earlier call's context.
 */
export function namedContext(args: unknown, contexts: ReadonlyMap<string, KnownContext>): KnownContext {
  const value = isObject(args) ? args[ARG] : undefined;
  if (value === undefined) {
    throw new ToolError(
      ERROR_CODE.invalidArgument,
      `argument "${ARG}" is required: name one of this server's contexts (AH-KC-5).`,
    );
  }
  if (typeof value !== "string" || value === "") {
    throw new ToolError(
      ERROR_CODE.invalidArgument,
      `argument "${ARG}" must be a non-empty string (AH-KC-6).`,
    );
  }
  const known = contexts.get(value);
  if (!known) {
    throw new ToolError(
      ERROR_CODE.invalidArgument,
      `argument "${ARG}" names none of this server's contexts; no cluster was contacted (AH-KC-6).`,
    );
  }
  return known;
}

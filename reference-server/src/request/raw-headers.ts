import { HEADER_NAMES, type RequestHeaderName } from "../wire/constants.js";

/**
 * Every line of each cluster header, in arrival order. Built from
 * `IncomingMessage.rawHeaders` because Node's `headers` object joins repeated
 * lines with ", " and the spec forbids silently picking one of them.
 */
export type ClusterHeaderLines = ReadonlyMap<RequestHeaderName, readonly string[]>;

/** The tuple class's header names; the known-clusters class adds `authorization`. */
export const CLUSTER_HEADERS: ReadonlySet<RequestHeaderName> = new Set(HEADER_NAMES);

export function clusterHeaderLines(
  rawHeaders: readonly string[],
  names: ReadonlySet<RequestHeaderName> = CLUSTER_HEADERS,
): ClusterHeaderLines {
  const lines = new Map<RequestHeaderName, string[]>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? "").toLowerCase();
    if (!names.has(name as RequestHeaderName)) continue;
    const key = name as RequestHeaderName;
    const list = lines.get(key) ?? [];
    list.push(rawHeaders[i + 1] ?? "");
    lines.set(key, list);
  }
  return lines;
}

export function hasAnyClusterHeader(lines: ClusterHeaderLines): boolean {
  return lines.size > 0;
}

import { HEADER_NAMES, type HeaderName } from "../wire/constants.js";

/**
 * Every line of each cluster header, in arrival order. Built from
 * `IncomingMessage.rawHeaders` because Node's `headers` object joins repeated
 * lines with ", " and the spec forbids silently picking one of them.
 */
export type ClusterHeaderLines = ReadonlyMap<HeaderName, readonly string[]>;

const KNOWN = new Set<string>(HEADER_NAMES);

export function clusterHeaderLines(rawHeaders: readonly string[]): ClusterHeaderLines {
  const lines = new Map<HeaderName, string[]>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? "").toLowerCase();
    if (!KNOWN.has(name)) continue;
    const key = name as HeaderName;
    const list = lines.get(key) ?? [];
    list.push(rawHeaders[i + 1] ?? "");
    lines.set(key, list);
  }
  return lines;
}

export function hasAnyClusterHeader(lines: ClusterHeaderLines): boolean {
  return lines.size > 0;
}

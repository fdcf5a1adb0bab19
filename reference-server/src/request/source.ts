import { ToolError } from "../errors/tool-error.js";
import { ERROR_CODE, HEADER_NAMES, type HeaderName, META_PREFIX } from "../wire/constants.js";
import { asciiLowerCase } from "./ascii-case.js";
import type { ClusterHeaderLines } from "./raw-headers.js";

/** One value per field, already proven single and string-typed. */
export interface RawTuple {
  readonly source: "meta" | "headers";
  readonly fields: ReadonlyMap<HeaderName, string>;
}

/** What a call brings that can name its cluster. */
export interface CallSource {
  readonly meta: Record<string, unknown> | undefined;
  /** Cluster header lines of the HTTP request that carried the call; undefined over stdio. */
  readonly headerLines: ClusterHeaderLines | undefined;
  /** A `_meta` key the JSON text held twice, which JSON.parse resolved silently (meta-duplicates.ts). */
  readonly metaDuplicateKey?: string | undefined;
}

const KNOWN = new Set<string>(HEADER_NAMES);

export function metaIsSource(meta: Record<string, unknown> | undefined): boolean {
  if (!meta) return false;
  return Object.keys(meta).some((k) => asciiLowerCase(k).startsWith(META_PREFIX));
}

/**
 * AH-SRC-1/2: `_meta` wins as a whole if it names any kubernetes-* key;
 * otherwise the headers of this very HTTP request. The two are never merged.
 */
export function selectRawTuple(call: CallSource): RawTuple {
  if (call.metaDuplicateKey !== undefined) {
    throw new ToolError(
      ERROR_CODE.invalidHeader,
      call.metaDuplicateKey === "_meta"
        ? `"_meta" occurs more than once in the call's params; it must occur at most once (AH-HDR-8).`
        : `_meta key "${call.metaDuplicateKey}" occurs more than once in the request's JSON; each key must occur at most once (AH-HDR-8).`,
    );
  }
  if (call.meta && metaIsSource(call.meta)) return fromMetaObject(call.meta);
  return fromHeaderLines(call.headerLines ?? new Map());
}

export function fromMetaObject(meta: Record<string, unknown>): RawTuple {
  const fields = new Map<HeaderName, string>();
  for (const [rawKey, value] of Object.entries(meta)) {
    const key = asciiLowerCase(rawKey);
    if (!KNOWN.has(key)) continue;
    const name = key as HeaderName;
    if (typeof value !== "string") {
      throw new ToolError(
        ERROR_CODE.invalidHeader,
        `_meta key "${rawKey}" must be a string (AH-SRC-6), got ${value === null ? "null" : typeof value}.`,
      );
    }
    if (fields.has(name)) {
      throw new ToolError(
        ERROR_CODE.invalidHeader,
        `_meta key "${name}" occurs more than once (keys differing only in case); each key must occur at most once (AH-HDR-8).`,
      );
    }
    fields.set(name, value);
  }
  return { source: "meta", fields };
}

export function fromHeaderLines(lines: ClusterHeaderLines): RawTuple {
  const fields = new Map<HeaderName, string>();
  for (const [name, values] of lines) {
    // The tuple class takes its credential from kubernetes-authorization only.
    if (name === "authorization") continue;
    fields.set(name, singleHeaderValue(name, values, "AH-HDR-8"));
  }
  return { source: "headers", fields };
}

/** The one value of a header sent once, trimmed; repeated lines and comma-joined values are refused. */
export function singleHeaderValue(name: string, values: readonly string[], rule: string): string {
  const first = values[0] ?? "";
  if (values.length > 1) {
    throw new ToolError(
      ERROR_CODE.invalidHeader,
      `header "${name}" was sent ${values.length} times; each cluster header must occur exactly once (${rule}).`,
    );
  }
  // No legal value of any cluster header contains a comma, so a comma means
  // a proxy (or Node) joined repeated lines into one.
  if (first.includes(",")) {
    throw new ToolError(
      ERROR_CODE.invalidHeader,
      `header "${name}" holds comma-separated values; each cluster header must carry a single value (${rule}).`,
    );
  }
  return first.trim();
}

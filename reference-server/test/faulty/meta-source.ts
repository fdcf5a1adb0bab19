// Defects in choosing the fields of a call from `_meta` and the headers (AH-SRC-1/2/6, AH-HDR-8).
import type { Faults } from "../../src/faults.js";
import type { RawTuple } from "../../src/request/source.js";
import { fromHeaderLines, metaIsSource } from "../../src/request/source.js";
import { HEADER_NAMES } from "../../src/wire/constants.js";

const KNOWN = new Set<string>(HEADER_NAMES);

/** The `_meta` entries whose key names a cluster field, in any case. */
export function clusterMetaEntries(meta: Record<string, unknown> | undefined): Array<[string, unknown]> {
  return Object.entries(meta ?? {}).filter(([k]) => KNOWN.has(k.toLowerCase()));
}

/**
 * meta-duplicate-json-key-last-wins: a `_meta` key written twice in the request's JSON is not
 * refused; JSON.parse's last value is used (AH-HDR-8).
 */
export const metaDuplicateJsonKeyLastWins: Partial<Faults> = {
  selectTuple: (select) => (call) => select({ ...call, metaDuplicateKey: undefined }),
};

/** merge-meta-headers: fills the fields `_meta` lacks from the headers (AH-SRC-2). */
export const mergeMetaHeaders: Partial<Faults> = {
  selectTuple: (select) => async (call) => {
    const raw = await select(call);
    if (raw.source !== "meta" || !call.headerLines) return raw;
    const fields = new Map(fromHeaderLines(call.headerLines).fields);
    for (const [k, v] of raw.fields) fields.set(k, v);
    return { source: "meta", fields } satisfies RawTuple;
  },
};

/** meta-fallback-headers: an invalid `_meta` tuple makes the headers the source (AH-SRC-2). */
export const metaFallbackHeaders: Partial<Faults> = {
  selectTuple: (select) => async (call) => {
    try {
      return await select(call);
    } catch (err) {
      if (metaIsSource(call.meta) && call.headerLines) return fromHeaderLines(call.headerLines);
      throw err;
    }
  },
  validateTuple: (validate) => (raw, call) => {
    try {
      return validate(raw, call);
    } catch (err) {
      if (raw.source === "meta" && call.headerLines) return validate(fromHeaderLines(call.headerLines), call);
      throw err;
    }
  },
};

/** crash-on-non-string-meta: a non-string value is used as a string and throws a TypeError (AH-SRC-6). */
export const crashOnNonStringMeta: Partial<Faults> = {
  selectTuple: (select) => (call) => {
    if (metaIsSource(call.meta)) {
      for (const [, value] of clusterMetaEntries(call.meta)) {
        if (typeof value !== "string") (value as string).trim();
      }
    }
    return select(call);
  },
};

/** meta-case-duplicate-last-wins: `kubernetes-server` and `Kubernetes-Server` are not refused; the last wins (AH-SRC-6). */
export const metaCaseDuplicateLastWins: Partial<Faults> = {
  selectTuple: (select) => (call) => {
    if (!call.meta) return select(call);
    const meta: Record<string, unknown> = {};
    const keyOf = new Map<string, string>();
    for (const [key, value] of Object.entries(call.meta)) {
      const folded = key.toLowerCase();
      if (KNOWN.has(folded)) {
        const earlier = keyOf.get(folded);
        if (earlier !== undefined) delete meta[earlier];
        keyOf.set(folded, key);
      }
      meta[key] = value;
    }
    return select({ ...call, meta });
  },
};

/**
 * unicode-meta-key-folding: `_meta` keys are folded by Unicode rules, so the Kelvin sign
 * (U+212A) passes for "k": `\u212Aubernetes-authorization` is taken as kubernetes-authorization.
 * Each such character becomes its ASCII capital, which production then matches.
 */
export const unicodeMetaKeyFolding: Partial<Faults> = {
  selectTuple: (select) => (call) => {
    if (!call.meta) return select(call);
    const meta: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(call.meta)) meta[unicodeFolded(key)] = value;
    return select({ ...call, meta });
  },
};

function unicodeFolded(key: string): string {
  let out = "";
  for (const c of key) {
    const lower = c.toLowerCase();
    out += c.charCodeAt(0) > 0x7f && /^[a-z]$/.test(lower) ? lower.toUpperCase() : c;
  }
  return out;
}

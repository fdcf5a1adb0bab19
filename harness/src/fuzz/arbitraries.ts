// Hostile cluster tuples for fuzzing: wrong JSON types, huge values, invalid
// base64/PEM, unicode, control characters, duplicates, odd casing, truncated
// PEM, mismatched key/cert. Shared by the @fuzz scenario (over HTTP) and the
// property tests of the reference server's parser (offline).
import fc from "fast-check";
import { HEADER, HEADER_NAMES } from "../../../reference-server/src/wire/constants.js";

/** Valid material the generators mutate (all header-value form: base64 PEM, "Bearer x"). */
export interface FuzzMaterial {
  /** Servers a case may name. Over HTTP these must all be loopback. */
  servers: string[];
  caB64: string;
  /** A second CA (another cluster's or a test CA), for bundles and wrong CAs. */
  otherCaB64: string;
  certB64: string;
  keyB64: string;
  /** A key that does not match certB64. */
  otherKeyB64: string;
  /** Tokens that are real somewhere (they must never be echoed either). */
  tokens: string[];
}

export interface FuzzCase {
  /** Raw header lines; a name may repeat or be oddly cased. */
  headers: [string, string][];
  /** params._meta, when the case uses it (values of any JSON type). */
  meta?: Record<string, unknown>;
  /** What the case is, for failure messages (no secret values). */
  shape: string;
}

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
const unb64 = (s: string) => Buffer.from(s, "base64").toString("utf8");

const oddText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.constantFrom("", " ", "\t", "\u0000", "\r\n", "é", "\u202e", "💥", "null", "undefined", "[]", "{}"),
);

const huge = fc
  .tuple(fc.integer({ min: 10_000, max: 300_000 }), fc.constantFrom("A", "a=", "/", "é", " "))
  .map(([n, c]) => c.repeat(Math.ceil(n / c.length)));

function casing(name: string): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant(name) },
    fc.constant(name.toUpperCase()),
    fc.constant(name.replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => `${d}${c.toUpperCase()}`)),
    fc
      .array(fc.boolean(), { minLength: name.length, maxLength: name.length })
      .map((bits) => [...name].map((ch, i) => (bits[i] ? ch.toUpperCase() : ch)).join("")),
  );
}

function pemVariants(validB64: string, m: FuzzMaterial): fc.Arbitrary<string> {
  const pem = unb64(validB64);
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant(validB64) },
    fc.integer({ min: 1, max: Math.max(1, validB64.length - 1) }).map((n) => validB64.slice(0, n)),
    fc.integer({ min: 1, max: Math.max(1, pem.length - 1) }).map((n) => b64(pem.slice(0, n))),
    fc.constant(b64(pem.replace(/-----END [A-Z ]+-----\s*$/, ""))),
    fc.constant(b64(pem.replace(/\n/g, "\r\n"))),
    fc.constant(b64(`${pem}\n${pem}`)),
    fc.constant(validB64.replace(/=+$/, "")),
    fc.constant(`${validB64.slice(0, 20)}!@#${validB64.slice(20)}`),
    fc.constant(`  ${validB64.match(/.{1,64}/g)?.join("\n") ?? validB64}  `),
    fc.constant(m.keyB64),
    fc.constant(m.otherCaB64),
    fc.constant(b64(`${unb64(m.otherCaB64)}${pem}`)),
    oddText.map((t) => b64(t)),
    oddText,
    { weight: 1, arbitrary: huge },
  );
}

const tokenChars = fc.stringMatching(/^[A-Za-z0-9._~+/-]{16,64}$/);

function authorization(m: FuzzMaterial): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: tokenChars.map((t) => `Bearer ${t}`) },
    tokenChars,
    fc.constantFrom(...m.tokens).map((t) => `Bearer ${t}`),
    fc.constantFrom(...m.tokens),
    fc
      .tuple(fc.constantFrom("bearer", "BEARER", "Bearer", "Basic", "Token", "Bearer Bearer"), tokenChars)
      .map(([s, t]) => `${s} ${t}`),
    fc.tuple(tokenChars, oddText).map(([t, x]) => `Bearer ${t}${x}`),
    fc.tuple(tokenChars, tokenChars).map(([a, b]) => `Bearer ${a} ${b}`),
    fc.constantFrom("Bearer", "Bearer ", "", " "),
    oddText,
    { weight: 1, arbitrary: huge.map((h) => `Bearer ${h}`) },
  );
}

function server(m: FuzzMaterial): fc.Arbitrary<string> {
  const base = fc.constantFrom(...m.servers);
  return fc.oneof(
    { weight: 4, arbitrary: base },
    base.map((s) => s.replace(/^https:/, "http:")),
    base.map((s) => s.replace(/^https:\/\//, "https://user:pw@")),
    base.map((s) => `${s}/?q=1`),
    base.map((s) => `${s}#frag`),
    base.map((s) => s.replace(/^https:/, "ftp:")),
    base.map((s) => s.toUpperCase()),
    fc.tuple(base, oddText).map(([s, x]) => `${s}/${x}`),
    fc.tuple(base, oddText).map(([s, x]) => `${x}${s}`),
    oddText.map((x) => x.replace(/[:.]/g, "")),
    fc.constantFrom(
      "https://",
      "https:///",
      "https://:6443",
      "//127.0.0.1",
      "127.0.0.1:6443",
      "https://[::1",
      "",
    ),
  );
}

const insecure = fc.oneof(
  fc.constantFrom("true", "false", "TRUE", "False", "1", "yes", " true", ""),
  oddText,
);

const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);

/** One field value: mostly strings (for headers and _meta), for _meta sometimes another JSON type. */
function fieldValues(m: FuzzMaterial): Record<string, fc.Arbitrary<string>> {
  return {
    [HEADER.server]: server(m),
    [HEADER.certificateAuthorityData]: pemVariants(m.caB64, m),
    [HEADER.authorization]: authorization(m),
    [HEADER.clientCertificateData]: pemVariants(m.certB64, m),
    [HEADER.clientKeyData]: fc.oneof(
      { weight: 2, arbitrary: pemVariants(m.keyB64, m) },
      fc.constant(m.otherKeyB64),
      fc.constant(m.certB64),
    ),
    [HEADER.insecureSkipTlsVerify]: insecure,
  };
}

/** A set of fields: each header present or not; a usual tuple shape is likelier than a random one. */
function fieldSet(m: FuzzMaterial): fc.Arbitrary<[string, unknown][]> {
  const values = fieldValues(m);
  const shapes: string[][] = [
    [HEADER.server, HEADER.certificateAuthorityData, HEADER.authorization],
    [HEADER.server, HEADER.certificateAuthorityData, HEADER.clientCertificateData, HEADER.clientKeyData],
    [...HEADER_NAMES],
  ];
  return fc
    .tuple(
      fc.constantFrom(...shapes),
      fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
      fc.integer({ min: 0, max: 9 }),
    )
    .chain(([shape, keep, dropMode]) => {
      const names = HEADER_NAMES.filter((n, i) => (dropMode < 6 ? shape.includes(n) : keep[i]));
      return fc.tuple(
        ...names.map((n) => fc.tuple(fc.constant(n), values[n] as fc.Arbitrary<string>)),
      ) as fc.Arbitrary<[string, unknown][]>;
    });
}

/** A well-formed tuple with one credential wrong: reaches the API server, which refuses it (401). */
function nearValid(m: FuzzMaterial): fc.Arbitrary<FuzzCase> {
  return fc
    .record({
      server: fc.constantFrom(...m.servers),
      token: fc.oneof(
        tokenChars,
        fc.tuple(fc.constantFrom(...m.tokens), tokenChars).map(([a, b]) => `${a}${b}`),
      ),
      scheme: fc.constantFrom("Bearer ", "bearer ", ""),
      viaMeta: fc.boolean(),
    })
    .map((r) => {
      const fields: [string, string][] = [
        [HEADER.server, r.server],
        [HEADER.certificateAuthorityData, m.caB64],
        [HEADER.authorization, `${r.scheme}${r.token}`],
      ];
      return r.viaMeta
        ? { headers: [], meta: Object.fromEntries(fields), shape: "meta: near-valid tuple, unknown token" }
        : { headers: fields, shape: "headers: near-valid tuple, unknown token" };
    });
}

export function fuzzCase(m: FuzzMaterial): fc.Arbitrary<FuzzCase> {
  return fc.oneof({ weight: 1, arbitrary: nearValid(m) }, { weight: 5, arbitrary: hostileCase(m) });
}

function hostileCase(m: FuzzMaterial): fc.Arbitrary<FuzzCase> {
  return fc
    .record({
      fields: fieldSet(m),
      source: fc.constantFrom("headers", "headers", "meta", "both"),
      metaWrongType: fc.option(fc.tuple(fc.constantFrom(...HEADER_NAMES), wrongType), { freq: 3 }),
      duplicate: fc.option(fc.tuple(fc.nat(), fc.constantFrom("same", "other", "comma")), { freq: 4 }),
      casings: fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
      casingSeed: fc.tuple(...HEADER_NAMES.map((n) => casing(n))),
      extra: fc.option(
        fc.tuple(fc.constantFrom("x-kubernetes-server", "kubernetes-token", "kubernetes-"), oddText),
        {
          freq: 6,
        },
      ),
    })
    .map((r) => {
      const named = r.fields.map(([n, v]) => {
        const i = HEADER_NAMES.indexOf(n as (typeof HEADER_NAMES)[number]);
        return [(r.casingSeed[i] as string) ?? n, v] as [string, unknown];
      });
      const lines: [string, string][] = named.map(([n, v]) => [n, String(v)]);
      if (r.duplicate && lines.length > 0) {
        const [idx, how] = r.duplicate;
        const [n, v] = lines[idx % lines.length] as [string, string];
        if (how === "same") lines.push([n, v]);
        else if (how === "other") lines.push([n.toUpperCase(), `${v}x`]);
        else lines[idx % lines.length] = [n, `${v}, ${v}`];
      }
      if (r.extra) lines.push(r.extra);
      const c: FuzzCase = { headers: [], shape: "" };
      if (r.source !== "meta") c.headers = lines;
      if (r.source !== "headers") {
        const meta: Record<string, unknown> = Object.fromEntries(named);
        if (r.metaWrongType) meta[r.metaWrongType[0]] = r.metaWrongType[1];
        if (r.duplicate && named.length > 0) {
          const [n, v] = named[r.duplicate[0] % named.length] as [string, unknown];
          if (n.toUpperCase() !== n) meta[n.toUpperCase()] = v;
        }
        c.meta = meta;
      }
      c.shape = `${r.source}: ${named.map(([n]) => n).join(", ")}${r.duplicate ? ` (duplicate ${r.duplicate[1]})` : ""}${r.metaWrongType && r.source !== "headers" ? ` (_meta ${r.metaWrongType[0]} of type ${r.metaWrongType[1] === null ? "null" : typeof r.metaWrongType[1]})` : ""}`;
      return c;
    });
}

/** Values of a case that must never come back: tokens, keys, certificates (raw, base64 and decoded). */
export function secretsOf(c: FuzzCase, m: FuzzMaterial): string[] {
  const out = new Set<string>();
  const add = (s: string) => {
    const t = s.trim();
    if (t.length >= 16 && /[A-Za-z0-9]{8}/.test(t)) out.add(t);
  };
  const values: [string, unknown][] = [...c.headers, ...Object.entries(c.meta ?? {})];
  for (const [n, v] of values) {
    if (typeof v !== "string") continue;
    const name = n.toLowerCase();
    if (name === HEADER.authorization) {
      for (const part of v.split(/[\s,]+/)) if (!/^(bearer|basic|token)$/i.test(part)) add(part);
    }
    if (name === HEADER.clientKeyData || name === HEADER.clientCertificateData) {
      add(v);
      for (const line of unb64(v).split("\n")) if (!line.startsWith("-----")) add(line);
    }
  }
  for (const t of m.tokens) add(t);
  for (const line of unb64(m.keyB64).split("\n")) if (!line.startsWith("-----")) add(line);
  return [...out];
}

/** Node's HTTP client refuses some characters in header values: send UTF-8 bytes, drop controls. */
export function headerSafe(value: string): string {
  return Buffer.from(value, "utf8")
    .toString("latin1")
    .replace(/[^\t\x20-\x7e\x80-\xff]/g, "");
}

const LOOPBACK_HOST = /^(127(\.\d{1,3}){3}|\[::1\]|localhost)$/i;

/**
 * Network guard: true when a server value could only ever reach loopback (or
 * nothing). Every reading a provider might take is checked: as sent, trimmed
 * (JS trim is wider than the URL parser's), as latin1, each comma part.
 */
export function reachesOnlyLoopback(value: unknown): boolean {
  if (typeof value !== "string") return true;
  const readings = new Set<string>();
  for (const v of [value, headerSafe(value), Buffer.from(value, "latin1").toString("utf8")]) {
    for (const part of [v, ...v.split(",")]) {
      readings.add(part);
      readings.add(part.trim());
      readings.add(part.replace(/\s+/g, ""));
    }
  }
  for (const r of readings) {
    let u: URL;
    try {
      u = new URL(r);
    } catch {
      continue;
    }
    if (u.protocol !== "https:" && u.protocol !== "http:") continue;
    if (!LOOPBACK_HOST.test(u.hostname)) return false;
  }
  return true;
}

/** Replaces every server value that might leave loopback by an unreachable loopback URL. */
export function guardLoopback(c: FuzzCase): FuzzCase {
  const safe = "https://127.0.0.1:1";
  const isServer = (n: string) => n.toLowerCase() === HEADER.server;
  return {
    ...c,
    headers: c.headers.map(([n, v]) => [n, isServer(n) && !reachesOnlyLoopback(v) ? safe : v]),
    meta:
      c.meta &&
      Object.fromEntries(
        Object.entries(c.meta).map(([n, v]) => [n, isServer(n) && !reachesOnlyLoopback(v) ? safe : v]),
      ),
  };
}

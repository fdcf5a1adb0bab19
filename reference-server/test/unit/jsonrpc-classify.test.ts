// classify() (src/transport/jsonrpc.ts) replaces the SDK's zod parse of every POSTed message, so
// it must accept exactly what JSONRPCMessageSchema accepts and sort it the same way: table
// tests of the edges, then a property over near-valid envelopes. Seeded: AHC_FUZZ_SEED=<n>
// replays a run.
import {
  JSONRPCErrorResponseSchema,
  JSONRPCMessageSchema,
  JSONRPCNotificationSchema,
  JSONRPCRequestSchema,
  JSONRPCResultResponseSchema,
} from "@modelcontextprotocol/sdk/types.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classify, type Incoming } from "../../src/transport/jsonrpc.js";
import { fuzzSeed } from "./helpers/seed.js";

const SEED = fuzzSeed("jsonrpc-classify");

const RUNS = 10_000;
const RELATED_TASK = "io.modelcontextprotocol/related-task";

type Kind = Incoming["kind"] | undefined;

/** What the SDK makes of a value: the kind its schemas give it, undefined when it is no message. */
function sdkKind(v: unknown): Kind {
  if (JSONRPCRequestSchema.safeParse(v).success) return "request";
  if (JSONRPCNotificationSchema.safeParse(v).success) return "notification";
  if (JSONRPCResultResponseSchema.safeParse(v).success || JSONRPCErrorResponseSchema.safeParse(v).success)
    return "response";
  return undefined;
}

const base = { jsonrpc: "2.0" } as const;
const req = (extra: Record<string, unknown>) => ({ ...base, id: 1, method: "tools/call", ...extra });
const note = (extra: Record<string, unknown>) => ({ ...base, method: "notifications/progress", ...extra });
const withMeta = (meta: unknown) => req({ params: { _meta: meta } });

const TABLE: Array<[string, unknown, Kind]> = [
  // requests
  ["request, integer id", req({}), "request"],
  ["request, string id", req({ id: "abc" }), "request"],
  ["request, empty string id", req({ id: "" }), "request"],
  ["request, id 0", req({ id: 0 }), "request"],
  ["request, negative id", req({ id: -7 }), "request"],
  ["request, id MAX_SAFE_INTEGER", req({ id: Number.MAX_SAFE_INTEGER }), "request"],
  ["request, id MIN_SAFE_INTEGER", req({ id: Number.MIN_SAFE_INTEGER }), "request"],
  ["request, empty method", req({ method: "" }), "request"],
  ["request, params {}", req({ params: {} }), "request"],
  ["request, params with any other keys", req({ params: { name: "x", arguments: { a: [1] } } }), "request"],
  ["request, string progressToken", withMeta({ progressToken: "tok" }), "request"],
  ["request, integer progressToken", withMeta({ progressToken: 42 }), "request"],
  ["request, _meta with other keys", withMeta({ "kubernetes-server": "https://x", n: 1 }), "request"],
  ["request, related task", withMeta({ [RELATED_TASK]: { taskId: "t-1" } }), "request"],
  ["request, related task with more keys", withMeta({ [RELATED_TASK]: { taskId: "t", x: 1 } }), "request"],
  ["request, _meta {}", withMeta({}), "request"],
  ["request, unknown key", req({ foo: 1 }), undefined],
  ["request, unknown key `_meta` at top level", req({ _meta: {} }), undefined],
  ["request, carries result too", req({ result: {} }), undefined],
  ["request, carries error too", req({ error: { code: 1, message: "m" } }), undefined],
  ["request, id null", req({ id: null }), undefined],
  ["request, float id", req({ id: 1.5 }), undefined],
  ["request, unsafe integer id 2**60", req({ id: 2 ** 60 }), undefined],
  ["request, id MAX_SAFE_INTEGER + 1", req({ id: Number.MAX_SAFE_INTEGER + 1 }), undefined],
  ["request, id true", req({ id: true }), undefined],
  ["request, id []", req({ id: [] }), undefined],
  ["request, id {}", req({ id: {} }), undefined],
  ["request, params array", req({ params: [1, 2] }), undefined],
  ["request, params empty array", req({ params: [] }), undefined],
  ["request, params null", req({ params: null }), undefined],
  ["request, params string", req({ params: "x" }), undefined],
  ["request, float progressToken", withMeta({ progressToken: 1.5 }), undefined],
  ["request, unsafe progressToken", withMeta({ progressToken: 2 ** 60 }), undefined],
  ["request, null progressToken", withMeta({ progressToken: null }), undefined],
  ["request, object progressToken", withMeta({ progressToken: {} }), undefined],
  ["request, _meta null", withMeta(null), undefined],
  ["request, _meta array", withMeta([]), undefined],
  ["request, _meta string", withMeta("x"), undefined],
  ["request, related task without taskId", withMeta({ [RELATED_TASK]: {} }), undefined],
  ["request, related task with numeric taskId", withMeta({ [RELATED_TASK]: { taskId: 1 } }), undefined],
  ["request, related task null", withMeta({ [RELATED_TASK]: null }), undefined],
  ["request, related task string", withMeta({ [RELATED_TASK]: "t-1" }), undefined],
  ["request, method number", req({ method: 1 }), undefined],
  ["request, method null", req({ method: null }), undefined],
  ["request, jsonrpc 1.0", req({ jsonrpc: "1.0" }), undefined],
  ["request, jsonrpc number 2", req({ jsonrpc: 2 }), undefined],
  ["request, no jsonrpc", { id: 1, method: "ping" }, undefined],
  // notifications
  ["notification", note({}), "notification"],
  ["notification with params", note({ params: { progressToken: 1, progress: 0.5 } }), "notification"],
  [
    "notification, string progressToken in _meta",
    note({ params: { _meta: { progressToken: "p" } } }),
    "notification",
  ],
  [
    "notification, float progressToken in _meta",
    note({ params: { _meta: { progressToken: 0.5 } } }),
    undefined,
  ],
  ["notification, unknown key", note({ extra: true }), undefined],
  ["notification, params array", note({ params: [] }), undefined],
  ["notification, id null (neither notification nor request)", note({ id: null }), undefined],
  // results
  ["result", { ...base, id: 1, result: {} }, "response"],
  ["result, string id", { ...base, id: "x", result: { any: [1, 2] } }, "response"],
  [
    "result, _meta with progressToken",
    { ...base, id: 1, result: { _meta: { progressToken: "p" } } },
    "response",
  ],
  [
    "result, _meta with related task",
    { ...base, id: 1, result: { _meta: { [RELATED_TASK]: { taskId: "t" } } } },
    "response",
  ],
  ["result, bad _meta", { ...base, id: 1, result: { _meta: { progressToken: 1.5 } } }, undefined],
  ["result, _meta null", { ...base, id: 1, result: { _meta: null } }, undefined],
  ["result, no id", { ...base, result: {} }, undefined],
  ["result, id null", { ...base, id: null, result: {} }, undefined],
  ["result, unsafe id", { ...base, id: 2 ** 60, result: {} }, undefined],
  ["result, array", { ...base, id: 1, result: [] }, undefined],
  ["result, null", { ...base, id: 1, result: null }, undefined],
  ["result, string", { ...base, id: 1, result: "ok" }, undefined],
  ["result, unknown key", { ...base, id: 1, result: {}, x: 1 }, undefined],
  ["result and error both", { ...base, id: 1, result: {}, error: { code: 1, message: "m" } }, undefined],
  // errors
  ["error with id", { ...base, id: 1, error: { code: -32600, message: "m" } }, "response"],
  ["error without id (id optional)", { ...base, error: { code: -32700, message: "parse" } }, "response"],
  ["error with string id", { ...base, id: "s", error: { code: 0, message: "" } }, "response"],
  ["error with data", { ...base, id: 1, error: { code: 1, message: "m", data: { any: null } } }, "response"],
  ["error object with more keys", { ...base, id: 1, error: { code: 1, message: "m", extra: 1 } }, "response"],
  ["error, id null", { ...base, id: null, error: { code: 1, message: "m" } }, undefined],
  ["error, float id", { ...base, id: 0.5, error: { code: 1, message: "m" } }, undefined],
  ["error, float code", { ...base, id: 1, error: { code: 1.5, message: "m" } }, undefined],
  ["error, unsafe code", { ...base, id: 1, error: { code: 2 ** 60, message: "m" } }, undefined],
  ["error, string code", { ...base, id: 1, error: { code: "1", message: "m" } }, undefined],
  ["error, no message", { ...base, id: 1, error: { code: 1 } }, undefined],
  ["error, message number", { ...base, id: 1, error: { code: 1, message: 2 } }, undefined],
  ["error, null", { ...base, id: 1, error: null }, undefined],
  ["error, array", { ...base, id: 1, error: [] }, undefined],
  ["error, unknown key", { ...base, id: 1, error: { code: 1, message: "m" }, x: 1 }, undefined],
  // not messages at all
  ["null", null, undefined],
  ["string", "ping", undefined],
  ["number", 1, undefined],
  ["array (a batch is not a message)", [req({})], undefined],
  ["empty object", {}, undefined],
  ["jsonrpc only", { ...base }, undefined],
  ["jsonrpc and id only", { ...base, id: 1 }, undefined],
  [
    'own "__proto__" key (JSON.parse makes it a plain key)',
    JSON.parse('{"jsonrpc":"2.0","id":1,"method":"ping","__proto__":{}}'),
    undefined,
  ],
];

describe("classify: table", () => {
  it.each(TABLE)("%s", (_name, value, kind) => {
    // the table itself is checked against the SDK, so a wrong row cannot hide a wrong classifier
    expect(sdkKind(value)).toBe(kind);
    expect(JSONRPCMessageSchema.safeParse(value).success).toBe(kind !== undefined);
    const got = classify(value);
    expect(got?.kind).toBe(kind);
    if (got) expect(got.message).toBe(value);
  });

  it("covers each kind, accepted and refused", () => {
    const kinds = new Set(TABLE.map(([, , k]) => String(k)));
    expect(kinds).toEqual(new Set(["request", "notification", "response", "undefined"]));
  });
});

// ---------------------------------------------------------------------------------------------
// Near-valid envelopes: a template of one kind with mostly valid values, then maybe a key
// dropped and maybe keys added (envelope keys included), all through a JSON round trip so the
// value is exactly what JSON.parse gives the server.

type Obj = Record<string, unknown>;

/** Defines own properties, so a "__proto__" key stays a key (as JSON.parse makes it). */
function objOf(entries: ReadonlyArray<readonly [string, unknown]>): Obj {
  const o: Obj = {};
  for (const [k, v] of entries)
    if (v !== undefined)
      Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

const junk = fc.jsonValue({ maxDepth: 2 });
const keyArb = fc.constantFrom(
  "jsonrpc",
  "id",
  "method",
  "params",
  "result",
  "error",
  "_meta",
  "progressToken",
  "taskId",
  "code",
  "message",
  "data",
  "extra",
  "__proto__",
  "constructor",
  RELATED_TASK,
);
const extras = fc.oneof(
  { weight: 5, arbitrary: fc.constant([] as Array<[string, unknown]>) },
  { weight: 2, arbitrary: fc.array(fc.tuple(keyArb, junk), { minLength: 1, maxLength: 2 }) },
);
/** Envelope keys are strict: one added key usually makes a near miss. */
const topExtras = fc.oneof(
  { weight: 6, arbitrary: fc.constant([] as Array<[string, unknown]>) },
  { weight: 1, arbitrary: fc.array(fc.tuple(keyArb, junk), { minLength: 1, maxLength: 2 }) },
);

const validId = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.integer(),
  fc.constantFrom(0, -1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER),
);
const badId = fc.oneof(
  fc.constantFrom(null, true, false, 1.5, -0.25, 2 ** 53, 2 ** 60, -(2 ** 60), 1e300, "", [], {}),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  junk,
);
const idArb = fc.oneof({ weight: 5, arbitrary: validId }, { weight: 1, arbitrary: badId });

const jsonrpcArb = fc.oneof(
  { weight: 12, arbitrary: fc.constant("2.0") },
  { weight: 1, arbitrary: fc.constantFrom("1.0", "2", "2.0 ", 2, null) },
);
const methodArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom("ping", "tools/call", "initialize", "notifications/cancelled") },
  { weight: 2, arbitrary: fc.string({ maxLength: 6 }) },
  { weight: 1, arbitrary: junk },
);

const taskArb = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .record(
        {
          taskId: fc.oneof({ weight: 4, arbitrary: fc.string() }, { weight: 1, arbitrary: junk }),
          more: extras,
        },
        { requiredKeys: ["taskId", "more"] },
      )
      .map(({ taskId, more }) => objOf([["taskId", taskId], ...more])),
  },
  { weight: 1, arbitrary: junk },
);
const metaArb = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .record({ progressToken: idArb, task: taskArb, more: extras }, { requiredKeys: ["more"] })
      .map(({ progressToken, task, more }) =>
        objOf([["progressToken", progressToken], [RELATED_TASK, task], ...more]),
      ),
  },
  { weight: 1, arbitrary: junk },
);
/** params of a request or notification, or a result: an object with an optional _meta, or junk. */
const bodyArb = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .record({ _meta: metaArb, more: extras }, { requiredKeys: ["more"] })
      .map(({ _meta, more }) => objOf([["_meta", _meta], ...more])),
  },
  { weight: 1, arbitrary: junk },
);
const errorArb = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .record(
        {
          code: fc.oneof(
            { weight: 5, arbitrary: fc.integer() },
            { weight: 1, arbitrary: fc.constantFrom(1.5, 2 ** 60, "1", null) },
          ),
          message: fc.oneof({ weight: 5, arbitrary: fc.string() }, { weight: 1, arbitrary: junk }),
          data: junk,
          more: extras,
        },
        { requiredKeys: ["code", "message", "more"] },
      )
      .map(({ code, message, data, more }) =>
        objOf([["code", code], ["message", message], ["data", data], ...more]),
      ),
  },
  { weight: 1, arbitrary: junk },
);

const envelope = fc
  .record({
    kind: fc.constantFrom("request", "notification", "result", "error"),
    jsonrpc: jsonrpcArb,
    id: idArb,
    method: methodArb,
    params: fc.option(bodyArb, { freq: 3, nil: undefined }),
    result: bodyArb,
    error: errorArb,
    omitId: fc.boolean(),
    drop: fc.option(fc.constantFrom("jsonrpc", "id", "method", "params", "result", "error"), {
      freq: 10,
      nil: undefined,
    }),
    more: topExtras,
  })
  .map((g) => {
    const entries: Array<[string, unknown]> = [["jsonrpc", g.jsonrpc]];
    if (g.kind === "request") entries.push(["id", g.id], ["method", g.method], ["params", g.params]);
    if (g.kind === "notification") entries.push(["method", g.method], ["params", g.params]);
    if (g.kind === "result") entries.push(["id", g.id], ["result", g.result]);
    if (g.kind === "error") entries.push(["id", g.omitId ? undefined : g.id], ["error", g.error]);
    const kept = entries.filter(([k]) => k !== g.drop);
    return objOf([...kept, ...g.more]);
  });

/** What the server sees: JSON.parse output. */
const jsonLike = fc
  .oneof({ weight: 12, arbitrary: envelope }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) })
  .map((v) => JSON.parse(JSON.stringify(v)) as unknown);

type Classifier = (v: unknown) => Incoming | undefined;

function agreesWithSdk(classifier: Classifier) {
  return fc.property(jsonLike, (v) => {
    const got = classifier(v);
    expect(got !== undefined, JSON.stringify(v)).toBe(JSONRPCMessageSchema.safeParse(v).success);
    expect(got?.kind, JSON.stringify(v)).toBe(sdkKind(v));
  });
}

/** A deliberately looser classifier: unknown envelope keys are ignored instead of refused. */
const ENVELOPE_KEYS = new Set(["jsonrpc", "id", "method", "params", "result", "error"]);
const ignoresUnknownKeys: Classifier = (v) => {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return classify(v);
  const known = Object.entries(v).filter(([k]) => ENVELOPE_KEYS.has(k));
  return classify(objOf(known));
};
/** Another: any number is an id. */
const acceptsAnyNumericId: Classifier = (v) => {
  const o = v as Obj | null;
  if (typeof o?.id === "number" && !Number.isSafeInteger(o.id)) return classify({ ...o, id: 1 });
  return classify(v);
};

describe("classify: agrees with the SDK's JSONRPCMessageSchema (fast-check)", () => {
  it(`accepted iff the SDK accepts, with the SDK's kind (${RUNS} cases)`, () => {
    fc.assert(agreesWithSdk(classify), { seed: SEED, numRuns: RUNS });
  });

  it("the generator reaches every kind, accepted and refused, and each refusal reason often enough", () => {
    const sample = fc.sample(jsonLike, { seed: SEED + 1, numRuns: 4000 });
    const count = (pred: (v: unknown) => boolean) => sample.filter(pred).length;
    for (const kind of ["request", "notification", "response"] as const)
      expect(
        count((v) => sdkKind(v) === kind),
        kind,
      ).toBeGreaterThan(150);
    expect(count((v) => sdkKind(v) === undefined)).toBeGreaterThan(800);
    const obj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
    // near misses: an otherwise valid envelope plus one unknown key, or a non-safe-integer id
    expect(count((v) => obj(v) && Object.keys(v).some((k) => !ENVELOPE_KEYS.has(k)))).toBeGreaterThan(300);
    expect(count((v) => obj(v) && typeof v.id === "number" && !Number.isSafeInteger(v.id))).toBeGreaterThan(
      100,
    );
  });

  // The property can fail: a classifier looser than the SDK is caught.
  for (const [name, loose] of [
    ["ignores unknown keys", ignoresUnknownKeys],
    ["accepts any numeric id", acceptsAnyNumericId],
  ] as const) {
    it(`finds a counterexample for a classifier that ${name}`, () => {
      const r = fc.check(agreesWithSdk(loose), { seed: SEED, numRuns: RUNS });
      expect(r.failed).toBe(true);
    });
  }
});

// Property tests of the request parser (src/request/): hostile header lines and
// _meta objects never make it throw anything but a ToolError with a documented
// code naming a header, never echo a secret, and a success is a typed target.
// ≥ 10,000 generated cases in total. Seeded: AHC_FUZZ_SEED=<n> replays a run.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type FuzzCase,
  type FuzzMaterial,
  fuzzCase,
  secretsOf,
} from "../../../harness/src/fuzz/arbitraries.js";
import { ToolError } from "../../src/errors/tool-error.js";
import { type Faults, NO_FAULTS } from "../../src/faults.js";
import type { ClusterTarget } from "../../src/request/cluster-target.js";
import { clusterHeaderLines } from "../../src/request/raw-headers.js";
import { selectRawTuple } from "../../src/request/source.js";
import { validateTuple } from "../../src/request/validate.js";
import { ERROR_CODE, HEADER_NAMES } from "../../src/wire/constants.js";
import { faultsOf } from "../faulty/catalogue.js";
import type { DefectName } from "../faulty/defect-names.js";
import { b64, TOKEN_A, TOKEN_B } from "./helpers/fixtures.js";
import { fuzzSeed } from "./helpers/seed.js";

const SEED = fuzzSeed("property-request");

const RUNS = 2_500;
const CODES = new Set<string>(Object.values(ERROR_CODE));

const material: FuzzMaterial = {
  servers: [
    "https://127.0.0.1:6443",
    "https://api.example.test:443",
    "https://[::1]:6443/prefix",
    "http://127.0.0.1:8080",
  ],
  caB64: b64("ca-a.crt"),
  otherCaB64: b64("ca-b.crt"),
  certB64: b64("client-alice.crt"),
  keyB64: b64("client-alice.key"),
  otherKeyB64: b64("other.key"),
  tokens: [TOKEN_A, TOKEN_B],
};

type Outcome = { ok: true; target: ClusterTarget } | { ok: false; error: ToolError };

function parse(
  c: FuzzCase,
  options: { allowPlainHttp: boolean; allowInsecureTls: boolean },
  faults: Faults = NO_FAULTS,
): Outcome {
  try {
    const call = { meta: c.meta, headerLines: clusterHeaderLines(c.headers.flat()) };
    const raw = faults.selectTuple(selectRawTuple)(call);
    if (raw instanceof Promise) throw new Error("the parser faults of this test are synchronous");
    const validate = faults.validateTuple((r) => validateTuple(r, { ...options, maxValueBytes: 128 * 1024 }));
    return { ok: true, target: validate(raw, call) };
  } catch (err) {
    if (err instanceof ToolError) return { ok: false, error: err };
    throw new Error(`not a ToolError: ${(err as Error)?.constructor?.name}: ${(err as Error)?.message}`);
  }
}

function checkOutcome(c: FuzzCase, o: Outcome): void {
  if (o.ok) {
    const t = o.target;
    expect(["https:", "http:"]).toContain(t.server.protocol);
    expect(["token", "cert"]).toContain(t.auth.kind);
    if (t.auth.kind === "token") expect(t.auth.token).toMatch(/^[\x21-\x7e]+$/);
    if (!t.insecureSkipTlsVerify) expect(t.caFingerprint).toMatch(/^[0-9a-f]{16}$/);
    return;
  }
  const { code, message } = o.error;
  expect(CODES.has(code), `code ${code}`).toBe(true);
  const lower = message.toLowerCase();
  expect(
    HEADER_NAMES.some((h) => lower.includes(h)),
    `message names no header: ${message}`,
  ).toBe(true);
  expect(message).not.toMatch(/\n\s+at /);
  for (const s of secretsOf(c, material)) expect(message.includes(s), "message echoes a secret").toBe(false);
}

describe("request parser properties (fast-check)", () => {
  const strict = { allowPlainHttp: false, allowInsecureTls: false };
  const lenient = { allowPlainHttp: true, allowInsecureTls: true };

  it(`never throws anything but a documented ToolError naming a header, strict options (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(fuzzCase(material), (c) => checkOutcome(c, parse(c, strict))),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it(`the same with the plain-HTTP and insecure-TLS opt-ins (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(fuzzCase(material), (c) => checkOutcome(c, parse(c, lenient))),
      { seed: SEED + 1, numRuns: RUNS },
    );
  });

  it(`a non-string _meta value is invalid-header naming its key (${RUNS} cases)`, () => {
    const wrong = fc.oneof(
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.anything(), { maxLength: 3 }),
      fc.object({ maxDepth: 2 }),
      fc.double(),
    );
    fc.assert(
      fc.property(fuzzCase(material), fc.constantFrom(...HEADER_NAMES), wrong, (c, key, value) => {
        const meta = { ...(c.meta ?? {}), [key]: value };
        for (const k of Object.keys(meta)) if (k !== key && k.toLowerCase() === key) delete meta[k];
        const o = parse({ ...c, meta }, strict);
        expect(o.ok).toBe(false);
        if (o.ok) return;
        // either this key's type error, or an earlier key's error: always documented, always naming a key
        checkOutcome({ ...c, meta }, o);
        const others = Object.entries(meta).filter(([k]) => k !== key);
        const lowered = Object.keys(meta).map((k) => k.toLowerCase());
        const noCaseDuplicates = new Set(lowered).size === lowered.length;
        if (noCaseDuplicates && others.every(([, v]) => typeof v === "string")) {
          expect(o.error.code).toBe(ERROR_CODE.invalidHeader);
          expect(o.error.message).toContain(`"${key}"`);
        }
      }),
      { seed: SEED + 2, numRuns: RUNS },
    );
  });

  it(`mismatched or truncated client key and certificate are invalid-header on the right field (${RUNS} cases)`, () => {
    const certPem = Buffer.from(material.certB64, "base64").toString("utf8");
    const keyPem = Buffer.from(material.keyB64, "base64").toString("utf8");
    const enc = (s: string) => Buffer.from(s, "utf8").toString("base64");
    const variant = fc.oneof(
      fc.record({
        cert: fc.constant(material.certB64),
        key: fc.constant(material.otherKeyB64),
        bad: fc.constant("kubernetes-client-key-data"),
      }),
      fc.integer({ min: 1, max: keyPem.length - 30 }).map((n) => ({
        cert: material.certB64,
        key: enc(keyPem.slice(0, n)),
        bad: "kubernetes-client-key-data",
      })),
      fc.integer({ min: 1, max: certPem.length - 30 }).map((n) => ({
        cert: enc(certPem.slice(0, n)),
        key: material.keyB64,
        bad: "kubernetes-client-certificate-data",
      })),
    );
    fc.assert(
      fc.property(variant, ({ cert, key, bad }) => {
        const c: FuzzCase = {
          shape: "cert pair",
          headers: [
            ["kubernetes-server", "https://127.0.0.1:6443"],
            ["kubernetes-certificate-authority-data", material.caB64],
            ["kubernetes-client-certificate-data", cert],
            ["kubernetes-client-key-data", key],
          ],
        };
        const o = parse(c, strict);
        expect(o.ok).toBe(false);
        if (o.ok) return;
        expect(o.error.code).toBe(ERROR_CODE.invalidHeader);
        expect(o.error.message).toContain(bad);
        checkOutcome(c, o);
      }),
      { seed: SEED + 3, numRuns: RUNS },
    );
  });

  // The properties can fail: with a parser defect, fast-check finds a counterexample.
  for (const defect of ["crash-on-non-string-meta", "first-duplicate-header"] as DefectName[]) {
    it(`finds a counterexample when the parser has the defect ${defect}`, () => {
      const faults = faultsOf([defect]);
      const expectRefusal = (c: FuzzCase) => {
        const o = parse(c, strict, faults);
        checkOutcome(c, o);
        // the same case must be refused by the defect-free parser whenever it is refused there
        const clean = parse(c, strict);
        expect(o.ok).toBe(clean.ok);
      };
      const r = fc.check(fc.property(fuzzCase(material), expectRefusal), { seed: SEED, numRuns: RUNS });
      expect(r.failed).toBe(true);
    });
  }
});

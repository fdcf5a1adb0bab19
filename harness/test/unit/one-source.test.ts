// Facts that drift when written twice, each held to its one source: a second
// copy in the code makes one of these fail, and the docs that restate a fact
// are checked against its source.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SUPPORTED_PROTOCOL_VERSIONS } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { SERVER_VERSION } from "../../../reference-server/src/version.js";
import { ERROR_CODE, HEADER_NAMES, VALIDATION_CODES } from "../../../reference-server/src/wire/constants.js";
import { DEFAULT_K3S_IMAGE } from "../../src/clusters/k3s/start.js";
import { KUBERNETES_VERSION, kubernetesVersion } from "../../src/clusters/local/build.js";
import { bearerToken } from "../../src/credentials/bearer.js";
import { PROTOCOL_VERSION } from "../../src/mcp/raw.js";
import { PACKAGE_ROOT, PACKAGE_VERSION } from "../../src/package-root.js";
import { linesMatching, literal, sourceFiles } from "./helpers/source-files.js";

const SOURCES = [...sourceFiles("harness/src"), ...sourceFiles("reference-server/src")];
const DOCS = ["README.md", "action.yml", ...sourceFiles("docs", /\.md$/).map((f) => f.path)].map((path) => ({
  path,
  text: readFileSync(join(PACKAGE_ROOT, path), "utf8"),
}));

describe("one source per fact", () => {
  it("scans the sources and docs", () => {
    expect(SOURCES.length).toBeGreaterThan(100);
    expect(DOCS.length).toBeGreaterThan(8);
  });

  it("the package version: package.json, read at run time, never a literal in the code", () => {
    expect(PACKAGE_VERSION).toMatch(/^\d+\.\d+\.\d+/);
    expect(SERVER_VERSION).toBe(PACKAGE_VERSION);
    expect(linesMatching(SOURCES, new RegExp(`["'\`]${literal(PACKAGE_VERSION)}["'\`]`))).toEqual([]);
  });

  it("the package version: every install example in the docs names package.json's", () => {
    const examples = linesMatching(DOCS, /auth-headers-conformance[@-]\d+\.\d+\.\d+/);
    expect(examples.length).toBeGreaterThanOrEqual(5);
    const stale = examples.filter((l) =>
      [...l.matchAll(/auth-headers-conformance[@-](\d+\.\d+\.\d+)/g)].some((m) => m[1] !== PACKAGE_VERSION),
    );
    expect(stale).toEqual([]);
  });

  it("the MCP protocol version the harness's own requests send: PROTOCOL_VERSION in mcp/raw.ts", () => {
    expect(SUPPORTED_PROTOCOL_VERSIONS).toContain(PROTOCOL_VERSION);
    expect(linesMatching(SOURCES, /["'`]20\d\d-\d\d-\d\d["'`]/)).toEqual([
      expect.stringMatching(/^harness\/src\/mcp\/raw\.ts:\d+: export const PROTOCOL_VERSION = /),
    ]);
  });

  it("the Kubernetes version: go.mod's k8s.io/kubernetes requirement, read by the build", () => {
    const goMod = readFileSync(join(PACKAGE_ROOT, "harness/controlplane/go.mod"), "utf8");
    expect(KUBERNETES_VERSION).toMatch(/^v1\.\d+\.\d+$/);
    expect(kubernetesVersion(goMod)).toBe(KUBERNETES_VERSION);
    expect(() => kubernetesVersion("module x\n\nrequire k8s.io/api v0.37.2\n")).toThrow(
      /k8s\.io\/kubernetes/,
    );
    expect(linesMatching(SOURCES, new RegExp(literal(KUBERNETES_VERSION)))).toEqual([]);
  });

  it("the Kubernetes versions the docs name: go.mod's for the local backend, the default k3s image", () => {
    const named = linesMatching(DOCS, /\bv1\.\d+\.\d+/);
    expect(named.length).toBeGreaterThanOrEqual(4);
    const stale = named.filter((l) =>
      [...l.matchAll(/(?:rancher\/k3s:)?\bv1\.\d+\.\d+[\w-]*/g)].some(
        ([v]) => v !== (v.startsWith("rancher/") ? DEFAULT_K3S_IMAGE : KUBERNETES_VERSION),
      ),
    );
    expect(stale).toEqual([]);
  });

  it("header names: HEADER of the wire constants, never a literal in the code (comments aside)", () => {
    const word = new RegExp(`(?<![\\w-])(${HEADER_NAMES.map(literal).join("|")})(?![\\w-])`);
    const code = SOURCES.filter((f) => f.path !== "reference-server/src/wire/constants.ts").map((f) => ({
      ...f,
      text: f.text.replace(/^\s*(\/\/|\/?\*).*$/gm, ""),
    }));
    expect(HEADER_NAMES).toHaveLength(6);
    expect(linesMatching(code, word)).toEqual([]);
  });

  it("the Bearer strip: bearerToken in credentials/bearer.ts, the harness's one (the server keeps its own validation)", () => {
    expect(bearerToken("Bearer abc.def")).toBe("abc.def");
    expect(bearerToken("bearer\t xyz")).toBe("xyz");
    expect(bearerToken("Basic xyz")).toBe("Basic xyz");
    expect(bearerToken(undefined)).toBe("");
    const harness = SOURCES.filter((f) => f.path.startsWith("harness/src/"));
    expect(linesMatching(harness, /\/\^bearer/i)).toEqual([
      expect.stringMatching(/^harness\/src\/credentials\/bearer\.ts:\d+: return /),
    ]);
  });

  it("error codes: ERROR_CODE and VALIDATION_CODES of the wire constants, never a literal in the code", () => {
    const codes = Object.values(ERROR_CODE);
    expect(VALIDATION_CODES.length).toBeGreaterThan(0);
    expect(VALIDATION_CODES.filter((c) => !(codes as readonly string[]).includes(c))).toEqual([]);
    const code = [...SOURCES, ...sourceFiles("reference-server/test/faulty")].filter(
      (f) => f.path !== "reference-server/src/wire/constants.ts",
    );
    // Codes with a hyphen are the wire's own words anywhere; one-word codes
    // ("timeout", "forbidden") are also Node's and English words, so only where
    // a code is compared or listed as one.
    const hyphenated = codes.filter((c) => c.includes("-")).map(literal);
    const word = codes.filter((c) => !c.includes("-")).map(literal);
    const quoted = new RegExp(`["'\`](${hyphenated.join("|")})["'\`]`);
    const compared = new RegExp(`(code\\s*[!=]==\\s*|\\[\\s*)["'\`](${word.join("|")})["'\`]`);
    expect(linesMatching(code, quoted)).toEqual([]);
    expect(linesMatching(code, compared)).toEqual([]);
  });
});

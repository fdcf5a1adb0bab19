// report.html from a verdict: escaping, the call timeline's sentences, the
// requirement matrix, scrubbing, and nothing fetched from anywhere.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  answerText,
  auditedClusters,
  auditText,
  callStory,
  shortResource,
  tupleText,
} from "../../src/report/call-text.js";
import { esc, html, inlineMarkdown } from "../../src/report/page/html.js";
import { renderReportPage } from "../../src/report/page/render.js";
import { writeReportPage } from "../../src/report/page/write.js";
import { SecretRegistry } from "../../src/report/redact.js";
import { call, HOSTILE, sampleDoc } from "./helpers/report-sample.js";

describe("call text", () => {
  it("names resources, tuples, answers and audit lines without values", () => {
    expect(shortResource("/api/v1/namespaces/conformance/configmaps/cluster-identity")).toBe(
      "configmaps/cluster-identity in conformance",
    );
    expect(shortResource("/api/v1/namespaces")).toBe("namespaces");
    expect(shortResource("/apis/apps/v1/namespaces/x/deployments")).toBe("deployments in x");
    expect(shortResource("/api/v1")).toBe("discovery /api/v1");
    expect(shortResource("/version")).toBe("/version");
    expect(
      tupleText({
        source: "both",
        identity: "bob",
        cluster: "B",
        credential: "token",
        headersIdentity: "alice",
      }),
    ).toBe("B/bob (token, _meta; headers of alice)");
    expect(tupleText({ source: "none" })).toBe("no cluster tuple");
    expect(
      answerText({ kind: "tool-error", code: "unauthorized", text: "[unauthorized] rejected (401)" }),
    ).toBe("[unauthorized] rejected (401)");
    expect(answerText({ kind: "http-error", status: 400 })).toBe("HTTP 400");
    expect(callStory(call(3))).toBe(
      "call 3 carried B/bob → B's audit log: bob get configmaps/cluster-identity in conformance → 200 → result names B",
    );
  });

  it("says when the call's own cluster never saw its identity", () => {
    const c = call(1, {
      audit: [{ cluster: "B", user: "mallory", verb: "get", resource: "/api/v1", status: 200 }],
    });
    expect(auditText(c.audit, c.tuple)).toBe(
      "B's audit log: nothing from bob; mallory get discovery /api/v1 → 200",
    );
    expect(auditText([], { source: "none" })).toBe("no audit log saw the scenario's identities");
  });
});

describe("html builder", () => {
  it("escapes every interpolation and keeps Html as is", () => {
    expect(html`<p title="${`"x'`}">${HOSTILE}</p>`.value).toBe(
      `<p title="${esc(`"x'`)}">${esc(HOSTILE)}</p>`,
    );
    expect(html`<ul>${[html`<li>${"<a>"}</li>`]}</ul>`.value).toBe("<ul><li>&lt;a&gt;</li></ul>");
    expect(inlineMarkdown("use `<b>` and **bold** and [a link](https://x)").value).toBe(
      "use <code>&lt;b&gt;</code> and <b>bold</b> and a link",
    );
  });
});

describe("report.html", () => {
  const page = renderReportPage(sampleDoc(`alice saw ${HOSTILE}`), {
    texts: new Map([["AH-LIFE-4", "Calls of one session MAY name different clusters; each `call` MUST …"]]),
  });

  it("is one document with its only script inline, a CSP, and nothing fetched", () => {
    expect(page.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(page.match(/<script/g)).toHaveLength(1);
    expect(page).toContain(`http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;`);
    expect(page).not.toMatch(/\s(src|href)="(https?:)?\/\//);
    expect(page).not.toContain("<img");
    expect(page).not.toContain(HOSTILE);
  });

  it("has the verdict, the causes, the switching answer, the matrix and the timelines", () => {
    expect(page).toContain("NOT CONFORMANT");
    expect(page).toContain('id="causes"');
    expect(page).toContain('id="sw-stateful"');
    expect(page).toContain('id="r-AH-LIFE-4"');
    expect(page).toContain("<code>call</code>");
    expect(page).toContain(
      "call 2 carried B/bob → B&#39;s audit log: bob get configmaps/cluster-identity in conformance → 200 → result names B",
    );
    expect(page).toContain(
      "call 1 carried A/alice → A&#39;s audit log: nothing from alice; mallory get namespaces → 200 → result names A",
    );
    expect(page).toContain("(yet a result came back)");
    // the skipped stdio scenario and the uncovered SHOULD requirement
    expect(page).toContain("capability not claimed: stdio");
    expect(page).toMatch(/id="r-AH-ORIGIN-1"[^>]*data-verdict="uncovered"/);
    // the failing scenario's timeline is open, the skipped one is not
    expect(page).toMatch(/id="s-switching_a-stateful[^"]*"[^>]*data-verdict="fail" open>/);
    expect(page).toMatch(/id="s-meta_over-stdio[^"]*"[^>]*data-verdict="skipped">/);
  });

  it("is written next to the other reports, scrubbed", () => {
    const dir = mkdtempSync(join(tmpdir(), "report-page-"));
    const registry = new SecretRegistry();
    registry.add("opaque-secret-token-value-123");
    const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWc";
    const path = writeReportPage(dir, sampleDoc(`leaked opaque-secret-token-value-123 and ${jwt}`), registry);
    const text = readFileSync(path, "utf8");
    expect(path).toBe(join(dir, "report.html"));
    expect(text).not.toContain("opaque-secret-token-value-123");
    expect(text).not.toContain(jwt);
    expect(text).toContain("[REDACTED]");
    // the spec's full texts are used when docs/spec.md is there
    expect(text).toMatch(/id="r-AH-SRC-3"[\s\S]*?MUST NOT reuse a cluster tuple/);
  });
});

describe("a run without audit logs", () => {
  it("never claims a cluster saw nothing from an identity", () => {
    const doc = sampleDoc();
    for (const s of doc.verdict.scenarios) for (const c of s.record?.calls ?? []) c.audit = undefined;
    const page = renderReportPage(doc);
    expect(page).not.toContain("nothing from");
    expect(page).toContain("no audit log in this run");
  });

  it("trusts the clusters the scenarios say they read over what the sightings suggest", () => {
    // no sightings at all (the heuristic would claim no log anywhere); B's log was read, A's was not
    const doc = sampleDoc();
    for (const s of doc.verdict.scenarios) {
      if (!s.record) continue;
      s.record.auditedClusters = ["B"];
      for (const c of s.record.calls) c.audit = undefined;
    }
    const audited = auditedClusters(doc.verdict.scenarios);
    expect([...audited]).toEqual(["B"]);
    expect(auditText(undefined, { source: "headers", identity: "bob", cluster: "B" }, audited)).toBe(
      "B's audit log: nothing from bob",
    );
    expect(auditText(undefined, { source: "headers", identity: "alice", cluster: "A" }, audited)).toBe(
      "no audit log saw the scenario's identities",
    );
    const page = renderReportPage(doc);
    expect(page).toContain("nothing from bob");
    expect(page).not.toContain("nothing from alice");
  });
});

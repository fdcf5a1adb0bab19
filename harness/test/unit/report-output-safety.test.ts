// What a hostile provider can put in its messages and output, and what each
// report format makes of it: no markup, no broken syntax, no file outside the
// report directory, no workflow command.
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { githubReport } from "../../src/cli/github.js";
import { commandSafe, neutraliseCommands } from "../../src/cli/workflow-commands.js";
import { writeJunit } from "../../src/report/junit.js";
import { emptyRecord } from "../../src/report/model.js";
import { writeReportPage } from "../../src/report/page/write.js";
import { SecretRegistry } from "../../src/report/redact.js";
import { checkReportDir, prepareReportDir, ReportDirError } from "../../src/report/report-dir.js";
import { computeVerdict } from "../../src/report/verdict.js";
import { summaryMarkdown, type VerdictDocument, writeReports } from "../../src/report/write.js";

function doc(message: string, logTail?: string): VerdictDocument {
  const verdict = computeVerdict(
    [
      {
        id: "f/a",
        name: "a",
        uri: "features/f.feature",
        tags: ["@AH-HDR-1"],
        status: "failed",
        record: {
          ...emptyRecord(),
          checks: [
            { id: "refused", requirements: ["AH-HDR-1"], status: "fail", expectation: "refused", message },
          ],
          targetEvents: logTail
            ? [{ kind: "panic", detail: "the target printed a crash", logTail } as never]
            : [],
        },
      },
    ],
    [{ id: "AH-HDR-1", level: "MUST", withdrawn: false, title: "t" }],
  );
  return {
    harness: { name: "h", version: "0", specVersion: "1.0.0" },
    target: { profile: "p", command: "srv --port 1", capabilities: [] },
    startedAt: "",
    finishedAt: "",
    verdict,
  };
}

const BEGIN = "-----BEGIN RSA PRIVATE KEY-----";
const END = "-----END RSA PRIVATE KEY-----";

describe("a key header in one value and its end in another (the report.html script injection)", () => {
  it("leaves every report well-formed: the redaction never spans values", () => {
    const dir = mkdtempSync(join(tmpdir(), "safety-"));
    const d = doc(`${BEGIN} "><x onfocus=alert(1) autofocus tabindex=1>`);
    d.verdict.gaps.push(`${END}`);
    writeReports(dir, d, new SecretRegistry());
    writeJunit(join(dir, "junit.xml"), d, new SecretRegistry());
    writeReportPage(dir, d, new SecretRegistry());
    const json = JSON.parse(readFileSync(join(dir, "verdict.json"), "utf8"));
    expect(json.verdict.gaps).toContain(END);
    const page = readFileSync(join(dir, "report.html"), "utf8");
    expect(page).not.toMatch(/<x onfocus/);
    expect(page).toContain("&lt;x onfocus");
  });
});

describe("summary.md", () => {
  it("shows HTML in cells and lists as text, never as markup", () => {
    const md = summaryMarkdown(doc("<img src=x onerror=alert(1)><details open>"));
    expect(md).not.toContain("<img");
    expect(md).not.toContain("<details");
    expect(md).toContain("&lt;img");
  });

  it("fences a crash tail with more backticks than it holds: the tail cannot close the fence", () => {
    const md = summaryMarkdown(doc("crashed", "panic: boom\n```\n# ✅ CONFORMANT\n````"));
    expect(md).toMatch(/^ {2}`{5}$/m);
    const fence = md.split("\n").indexOf("  `````");
    expect(
      md
        .split("\n")
        .slice(fence + 1)
        .indexOf("  `````"),
    ).toBeGreaterThan(2);
  });
});

describe("junit.xml", () => {
  it("drops characters XML cannot carry (U+FFFE, U+FFFF, control characters, lone surrogates)", () => {
    const dir = mkdtempSync(join(tmpdir(), "safety-"));
    writeJunit(join(dir, "junit.xml"), doc("a\uFFFEb\uFFFFc\u0001d\uD800e"), new SecretRegistry());
    const xml = readFileSync(join(dir, "junit.xml"), "utf8");
    expect(xml).toContain("abcde");
    for (const c of ["\uFFFE", "\uFFFF", "\u0001", "\uD800"]) expect(xml).not.toContain(c);
  });
});

describe("workflow commands in text the provider chose", () => {
  it("are neutralised line by line", () => {
    expect(neutraliseCommands("ok\n::add-mask::x\n  ::stop-commands::t\nnot::this")).toBe(
      "ok\n[::]add-mask::x\n  [::]stop-commands::t\nnot::this",
    );
  });

  it("are neutralised in a stream, also when a command is split across writes", async () => {
    let out = "";
    const sink = new (await import("node:stream")).Writable({
      write(c, _e, done) {
        out += String(c);
        done();
      },
    });
    const s = commandSafe(sink);
    for (const part of ["x\n:", ":error::boom\nfine\n", "::warning::w"]) s.write(part);
    await new Promise((r) => s.end(r));
    expect(out).toBe("x\n[::]error::boom\nfine\n[::]warning::w");
  });
});

describe("the report directory", () => {
  it("is refused before the run when it is a file or a link", () => {
    const dir = mkdtempSync(join(tmpdir(), "safety-"));
    writeFileSync(join(dir, "file"), "");
    symlinkSync(dir, join(dir, "link"));
    expect(() => checkReportDir(join(dir, "file"))).toThrow(ReportDirError);
    expect(() => checkReportDir(join(dir, "link"))).toThrow(/symbolic link/);
    expect(() => checkReportDir(join(dir, "absent"))).not.toThrow();
  });

  it("never writes through a planted link, removes stale reports, keeps and names foreign files", () => {
    const dir = mkdtempSync(join(tmpdir(), "safety-"));
    const outside = join(dir, "outside");
    mkdirSync(outside);
    const reports = join(dir, "reports");
    mkdirSync(reports);
    for (const f of ["summary.md", "verdict.json", "junit.xml", "report.html"])
      symlinkSync(join(outside, f), join(reports, f));
    symlinkSync(outside, join(reports, "target-logs"));
    writeFileSync(join(reports, "cucumber.html"), "stale");
    writeFileSync(join(reports, "notes.txt"), "mine");
    expect(prepareReportDir(reports)).toEqual(["notes.txt"]);
    const d = doc("x");
    writeReports(reports, d, new SecretRegistry());
    writeJunit(join(reports, "junit.xml"), d, new SecretRegistry());
    writeReportPage(reports, d, new SecretRegistry());
    for (const f of ["summary.md", "verdict.json", "junit.xml", "report.html"]) {
      expect(lstatSync(join(reports, f)).isFile()).toBe(true);
      expect(existsSync(join(outside, f))).toBe(false);
    }
    expect(existsSync(join(reports, "cucumber.html"))).toBe(false);
    expect(existsSync(outside)).toBe(true);
    expect(readFileSync(join(reports, "notes.txt"), "utf8")).toBe("mine");
  });
});

describe("run --github on a verdict.json that is not one", () => {
  it("still gives the job its outputs, without a crash", () => {
    const dir = mkdtempSync(join(tmpdir(), "safety-"));
    writeFileSync(join(dir, "verdict.json"), '{"verdict": {"outcome": "CONF');
    const r = githubReport({ reportDir: dir, exitCode: 1 });
    expect(r.outputs.outcome).toBe("NOT RUN");
    expect(r.summary).toMatch(/not a verdict the harness wrote/);
  });
});

describe("compare on a verdict.json that is not one", () => {
  it("names the first bad field in one line instead of a TypeError", async () => {
    const { loadReport, CompareInputError } = await import("../../src/report/compare/load.js");
    const dir = mkdtempSync(join(tmpdir(), "safety-"));
    const good = doc("x");
    const cases: [string, (d: Record<string, any>) => void, RegExp][] = [
      ["null id", (d) => (d.verdict.scenarios[0].id = null), /verdict\.scenarios\[0\]\.id is not a string/],
      ["no checks", (d) => delete d.verdict.scenarios[0].checks, /verdict\.scenarios\[0\]\.checks/],
      ["null outcome", (d) => (d.verdict.outcome = null), /verdict\.outcome is not a string/],
      [
        "bad calls",
        (d) => (d.verdict.scenarios[0].record = { calls: [null] }),
        /record\.calls is not a list/,
      ],
    ];
    for (const [name, spoil, message] of cases) {
      const d = JSON.parse(JSON.stringify(good));
      spoil(d);
      const f = join(dir, `${name}.json`);
      writeFileSync(f, JSON.stringify(d));
      expect(() => loadReport(f), name).toThrow(CompareInputError);
      expect(() => loadReport(f), name).toThrow(message);
    }
    const f = join(dir, "good.json");
    writeFileSync(f, JSON.stringify(good));
    expect(loadReport(f).doc.verdict.outcome).toBe(good.verdict.outcome);
  });
});

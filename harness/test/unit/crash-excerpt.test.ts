import { describe, expect, it } from "vitest";
import { crashExcerpt } from "../../src/target/crash-excerpt.js";

const goPanic = [
  "I1203 serving on 127.0.0.1:8080",
  "panic: interface conversion: interface {} is float64, not string",
  "",
  "goroutine 42 [running]:",
  "github.com/containers/kubernetes-mcp-server/pkg/authheaders.fromMeta(...)",
  "\t/src/pkg/authheaders/meta.go:57 +0x1a5",
  ...Array.from({ length: 60 }, (_, i) => `runtime.frame${i}()\n\t/usr/local/go/src/runtime/x.go:${i}`),
  "created by net/http.(*Server).Serve in goroutine 1",
].join("\n");

describe("crash excerpt", () => {
  it("shows the panic line and the top frames of a Go stack, not its bottom", () => {
    const e = crashExcerpt(goPanic, 30) ?? "";
    expect(e.split("\n")[0]).toBe("panic: interface conversion: interface {} is float64, not string");
    expect(e).toContain("pkg/authheaders/meta.go:57");
    expect(e).not.toContain("created by net/http");
    expect(e.split("\n")).toHaveLength(30);
  });

  it("finds a panic inside net/http's recovery line and a Python traceback", () => {
    expect(
      crashExcerpt("x\n2026/12/03 http: panic serving 127.0.0.1:1: boom\nframe")?.split("\n")[0],
    ).toMatch(/http: panic serving/);
    expect(crashExcerpt("Traceback (most recent call last):\n  File x")).toMatch(/^Traceback/);
  });

  it("is undefined when the output has no crash", () => {
    expect(crashExcerpt("listening\nbye")).toBeUndefined();
  });
});

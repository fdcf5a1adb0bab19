// docs/spec.md's "Version x.y.z" line is the one source of the spec version:
// the harness reads it (loadSpecVersion) and no code writes it again.
import { describe, expect, it } from "vitest";
import { loadSpecVersion, specVersion } from "../../src/spec/requirements.js";
import { linesMatching, literal, sourceFiles } from "./helpers/source-files.js";

describe("spec version", () => {
  it("is read from docs/spec.md", () => {
    expect(loadSpecVersion()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(specVersion("# Spec\n\nVersion 9.8.7. The key words…")).toBe("9.8.7");
  });

  it("is written nowhere in the code (no constant beside docs/spec.md)", () => {
    const sources = [...sourceFiles("harness/src"), ...sourceFiles("reference-server/src")];
    expect(
      linesMatching(sources, new RegExp(`["'\`]${literal(loadSpecVersion())}["'\`]|SPEC_VERSION\\s*=`)),
    ).toEqual([]);
  });
});

// docs/spec.md is the one source of the spec version; the wire constants the
// reference server reports must say the same.
import { describe, expect, it } from "vitest";
import { SPEC_VERSION } from "../../../reference-server/src/wire/constants.js";
import { loadSpecVersion } from "../../src/spec/requirements.js";

describe("spec version", () => {
  it("is the same in docs/spec.md and the wire constants", () => {
    expect(loadSpecVersion()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(SPEC_VERSION).toBe(loadSpecVersion());
  });
});

// Relative paths in the user's configuration are theirs: a provider author runs
// the installed harness from their repository, so a profile's target.cwd (and
// with it ./bin/my-provider in --target-cmd) is relative to that directory; a
// built-in profile's commands name files of the package.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { resolveProfile } from "../../src/runner/run.js";
import { REPO_ROOT } from "../../src/spec/requirements.js";

const home = process.cwd();
afterEach(() => process.chdir(home));

describe("profile target.cwd", () => {
  it("is the user's working directory for --target-cmd and --profile", () => {
    const user = mkdtempSync(join(tmpdir(), "provider-repo-"));
    writeFileSync(
      join(user, "my.yaml"),
      "name: mine\ntarget:\n  command: ./bin/p --port {port}\n  cwd: build\ncapabilities: []\n",
    );
    process.chdir(user);
    expect(resolveProfile({ targetCmd: "./bin/p --port {port}" }).target.cwd).toBe(process.cwd());
    expect(resolveProfile({ profile: "my.yaml" }).target.cwd).toBe(join(process.cwd(), "build"));
  });

  it("is the package root for a built-in profile, wherever the harness runs", () => {
    process.chdir(mkdtempSync(join(tmpdir(), "elsewhere-")));
    expect(resolveProfile({ target: "reference" }).target.cwd).toBe(REPO_ROOT);
  });
});

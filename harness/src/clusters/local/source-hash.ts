// What a control-plane binary was built from, independent of the machine that
// builds it: the Kubernetes version and the Go module's sources. A prebuilt
// binary is used only when its recorded hash equals this one, so a harness
// whose controlplane/ changed never runs a stale binary.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../../package-root.js";

export const KUBERNETES_VERSION = "v1.37.2";

export const controlplaneSource = join(PACKAGE_ROOT, "harness", "controlplane");

/** The files of harness/controlplane that make up the build, sorted (the same set the Go build reads). */
export function controlplaneFiles(dir = controlplaneSource): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".go") || f === "go.mod" || f === "go.sum")
    .sort();
}

/** sha256 (hex) over the Kubernetes version and each source file's name and bytes. */
export function controlplaneSourceHash(dir = controlplaneSource): string {
  const h = createHash("sha256");
  h.update(KUBERNETES_VERSION);
  for (const f of controlplaneFiles(dir)) {
    h.update(f);
    h.update(readFileSync(join(dir, f)));
  }
  return h.digest("hex");
}

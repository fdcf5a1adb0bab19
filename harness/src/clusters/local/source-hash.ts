// What a control-plane binary was built from, independent of the machine that
// builds it: the Kubernetes version and the Go module's sources. A prebuilt
// binary is used only when its recorded hash equals this one, so a harness
// whose controlplane/ changed never runs a stale binary.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../../package-root.js";

export const controlplaneSource = join(PACKAGE_ROOT, "harness", "controlplane");

/** The `k8s.io/kubernetes` version go.mod requires: the one source of the kube-apiserver version. */
export function kubernetesVersion(goMod: string): string {
  const m = /^\s*k8s\.io\/kubernetes\s+(v\d+\.\d+\.\d+)\s*$/m.exec(goMod);
  if (!m?.[1]) throw new Error("harness/controlplane/go.mod requires no k8s.io/kubernetes version");
  return m[1];
}

export const KUBERNETES_VERSION = kubernetesVersion(readFileSync(join(controlplaneSource, "go.mod"), "utf8"));

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

// The cluster file that crosses process boundaries: `clusters up --out` writes it; the runner
// (`run --clusters-file`), the Cucumber workers and the benchmarks read it. Two shapes are
// accepted: a bare ClusterInfo[] (what the runner writes for its workers) and the `clusters up`
// file, whose `harness` member holds the same ClusterInfo[] next to the user-facing identities.
import { readFileSync } from "node:fs";
import { abilitiesFromInfo } from "./abilities.js";
import { OWNED_CLUSTER_NAMES, runScopedNames } from "./names.js";
import type { ClusterInfo } from "./types.js";

export function parseClusterFile(text: string, file: string): ClusterInfo[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(
      `${file} is not JSON: expected the output of \`auth-headers-conformance clusters up --out\``,
    );
  }
  const infos = Array.isArray(parsed) ? parsed : (parsed as { harness?: unknown } | null)?.harness;
  if (!Array.isArray(infos) || !infos.every(isClusterInfo))
    throw new Error(
      `${file} is not a cluster file: expected the output of \`auth-headers-conformance clusters up --out\` (or a ClusterInfo[] array)`,
    );
  return infos.map(withDefaults);
}

export function readClusterFile(file: string): ClusterInfo[] {
  return parseClusterFile(readFileSync(file, "utf8"), file);
}

type StoredClusterInfo = Omit<ClusterInfo, "namespaces" | "abilities"> &
  Partial<Pick<ClusterInfo, "namespaces" | "abilities">>;

/** Files written before namespaces and abilities were recorded describe clusters the harness started. */
function withDefaults(info: StoredClusterInfo): ClusterInfo {
  return {
    ...info,
    namespaces:
      info.namespaces ??
      (info.runId ? runScopedNames(info.runId).namespaces : OWNED_CLUSTER_NAMES.namespaces),
    abilities: info.abilities ?? abilitiesFromInfo(info),
  };
}

function isClusterInfo(v: unknown): v is StoredClusterInfo {
  const c = v as Partial<ClusterInfo> | null;
  const admin = c?.admin;
  return (
    typeof c?.name === "string" &&
    typeof c.server === "string" &&
    typeof c.caPem === "string" &&
    typeof admin?.user === "string" &&
    ((typeof admin.keyPem === "string" && typeof admin.certPem === "string") ||
      typeof admin.kubeconfig === "string") &&
    typeof c.clientCa === "object" &&
    c.clientCa !== null &&
    typeof c.serviceAccount === "object" &&
    c.serviceAccount !== null
  );
}

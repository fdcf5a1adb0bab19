import type { Profile } from "../profile/schema.js";

/** JSON handed by the runner to every Cucumber worker (worldParameters). */
export interface WorldParams {
  /** 0600 file with ClusterInfo[] (contains secrets). */
  clustersFile: string;
  profile: Profile;
  /** Shared HTTP target started (or reached) by the runner. */
  targetUrl?: string;
  /** True when the harness may start its own instances of the target (variants with flags). */
  canStart: boolean;
  commandOverride?: string;
  /** File receiving the shared target's stdout+stderr (only when the runner started it). */
  targetLogFile?: string;
  /** Workers append every minted secret here (one JSON string per line, 0600). */
  secretsFile: string;
  runDir: string;
}

export const CLUSTER_LETTERS = ["A", "B", "C"] as const;

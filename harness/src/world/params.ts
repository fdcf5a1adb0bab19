import type { Profile } from "../profile/schema.js";

/** JSON handed by the runner to every Cucumber worker (worldParameters). */
export interface WorldParams {
  /** 0600 file with ClusterInfo[] (contains secrets). */
  clustersFile: string;
  profile: Profile;
  /** The target's MCP endpoint under --target-url (the harness does not start it). */
  targetUrl?: string;
  /**
   * True when the harness starts the target: each worker then starts its own
   * instance (and instances with flags for the scenarios that need them).
   */
  canStart: boolean;
  commandOverride?: string;
  /** Directory of the instances' output files (one per instance, copied redacted into the reports). */
  targetLogDir: string;
  /** Workers append every minted secret here (one JSON string per line, 0600). */
  secretsFile: string;
  runDir: string;
}

export const CLUSTER_LETTERS = ["A", "B", "C"] as const;

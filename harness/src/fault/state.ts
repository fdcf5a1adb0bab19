// What the @fault scenarios keep between their steps.
import type { RestartableCluster } from "../clusters/index.js";
import type { LeanMcp } from "../load/lean-mcp.js";
import type { summarize } from "../load/stats.js";
import type { HealthyLoad } from "./healthy.js";
import type { FaultUpstream } from "./upstreams.js";

export interface FaultCall {
  label: string;
  /** Accepted outcomes: error codes, or "ok" for a success. */
  expected: string[];
  outcome: string;
  ms: number;
  text: string;
}

export interface FaultState {
  caller?: string;
  session?: LeanMcp;
  upstreams: FaultUpstream[];
  healthy?: HealthyLoad;
  healthyTenants: string[];
  baseline?: ReturnType<typeof summarize>;
  /**
   * Healthy latencies without faults, in ms: the baseline and a window of as many calls
   * right after the faults, the control that checks/timing.ts judges the fault windows by.
   */
  control: number[];
  baselineCalls: number;
  calls: FaultCall[];
  /** [from, to] in performance.now() time: when faults were happening. */
  windows: [number, number][];
  restartable: Map<string, RestartableCluster>;
}

export const newFaultState = (): FaultState => ({
  upstreams: [],
  healthyTenants: [],
  control: [],
  baselineCalls: 0,
  calls: [],
  windows: [],
  restartable: new Map(),
});

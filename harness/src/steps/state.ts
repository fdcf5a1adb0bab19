// What each feature keeps between its steps, one typed key per feature (the
// World holds the values without knowing any of them).
import type { Answer } from "../checks/answer.js";
import type { LinearCostSamples } from "../checks/timing.js";
import type { FaultState } from "../fault/state.js";
import type { FuzzState } from "../fuzz/state.js";
import type { LoadState } from "../load/state.js";
import type { Listener, SeenRequest } from "../oracles/listeners.js";
import { FeatureKey } from "../world/feature-state.js";

/** Answers to the lifecycle requests of the lifecycle scenarios, and what tools/list named. */
export interface LifecycleState {
  with?: string;
  answers: Partial<Record<"initialize" | "ping" | "tools/list", Answer>>;
  tools?: string[];
}

/** Network oracles of the network scenarios. */
export interface Oracles {
  tcpCanary?: Listener & { connections(): number };
  httpCanary?: Listener & { requests: SeenRequest[] };
  proxy?: Listener;
  hung?: Listener;
  front?: Listener & { requests: SeenRequest[] };
  redirectCanary?: Listener & { requests: SeenRequest[] };
  gateway?: Listener & { requests: SeenRequest[] };
  gatewayPrefix?: string;
  bigAnswer?: Listener & { requests: SeenRequest[]; bigAnswers: { completed: boolean }[] };
}

/** A slow or hung call and the other tenant's calls made meanwhile (AH-NET-5). */
export interface SlowState {
  ms?: number;
  otherMs: number[];
  other: string;
  otherFailure?: Answer;
  /** The other tenant's same calls without the slow one in flight, before and after it (the timing control). */
  control?: number[];
  /** The other tenant's calls of each attempt (a window slower than the control is measured once more). */
  windows?: number[][];
}

/** The answer to a raw request refused before MCP (Host/Origin checks). */
export interface AdmissionState {
  status?: number;
  body?: string;
  error?: string;
}

export type ConcurrentCall = { who: string; cluster: string; answer?: Answer };

export const LIFECYCLE = new FeatureKey<LifecycleState>("lifecycle");
export const ORACLES = new FeatureKey<Oracles>("oracles");
export const SLOW = new FeatureKey<SlowState>("slow");
export const ADMISSION = new FeatureKey<AdmissionState>("admission");
export const CONCURRENT = new FeatureKey<ConcurrentCall[]>("concurrent");
export const LOAD = new FeatureKey<LoadState>("load");
export const FAULT = new FeatureKey<FaultState>("fault");
export const FUZZ = new FeatureKey<FuzzState>("fuzz");
/** The interleaved samples of the large-value scenario (AH-HDR-12), for judgeLinearCost. */
export const LARGE_VALUE_COST = new FeatureKey<LinearCostSamples>("large-value-cost");

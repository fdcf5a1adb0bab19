// What the @load scenario keeps between its steps.
import type { LeanResult } from "./lean-mcp.js";

export interface LoadCall {
  who: string;
  cluster: string;
  via: "headers" | "meta";
  session: number;
  outcome?: LeanResult;
  error?: string;
}

export interface LoadState {
  identities: string[];
  calls: LoadCall[];
}

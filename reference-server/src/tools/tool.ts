import type { z } from "zod";
import type { KubeRequest } from "../upstream/kube-request.js";

/** Calls the API server of this call only; non-2xx answers arrive as thrown ToolErrors. */
export type KubeCall = (req: KubeRequest) => Promise<unknown>;

export interface ToolOutput {
  /** Human/LLM readable body, without the origin line (added by the dispatcher). */
  readonly text: string;
  readonly structured: Record<string, unknown>;
}

export interface ToolDefinition<S extends z.ZodTypeAny = z.ZodTypeAny> {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: { type: "object"; properties: Record<string, unknown>; required?: string[] };
  readonly args: S;
  run(args: z.infer<S>, kube: KubeCall): Promise<ToolOutput>;
}

export function defineTool<S extends z.ZodTypeAny>(def: ToolDefinition<S>): ToolDefinition<S> {
  return def;
}

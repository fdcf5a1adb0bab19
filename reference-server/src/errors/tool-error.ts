import type { ErrorCode } from "../wire/constants.js";

/** A failure that becomes an `isError: true` result whose text starts with `[code]`. */
export class ToolError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "ToolError";
  }

  get text(): string {
    return `[${this.code}] ${this.message}`;
  }
}

export function isToolError(value: unknown): value is ToolError {
  return value instanceof ToolError;
}

// How a run ends when it cannot judge: a one-line error and a documented exit code.

export const EXIT = { pass: 0, fail: 1, config: 2, target: 3, interrupted: 130 } as const;

export class ConfigError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

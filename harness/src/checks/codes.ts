// Error codes whose meaning the checks rely on.

/** Codes a provider gives a tuple it refused to use: a valid tuple must never get one. */
export const VALIDATION_CODES = [
  "missing-header",
  "invalid-header",
  "conflicting-headers",
  "server-not-allowed",
];

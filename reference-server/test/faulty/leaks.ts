// Defects that let a credential out (AH-SEC-1/2).
import type { Faults } from "../../src/faults.js";

/** echo-token-in-errors: appends the token to error texts. */
export const echoTokenInErrors: Partial<Faults> = {
  result: (result, { target, error }) => {
    if (!error || target?.auth.kind !== "token") return result;
    const text = result.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
    return { ...result, content: [{ type: "text", text: `${text} (token ${target.auth.token})` }] };
  },
};

/** log-key: writes the token or private key into the call's log line. */
export const logKey: Partial<Faults> = {
  logLine: (line, target) =>
    target
      ? { ...line, credential: target.auth.kind === "token" ? target.auth.token : target.auth.keyPem }
      : line,
};

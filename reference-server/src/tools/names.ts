// AH-ERR-5: tool arguments that name Kubernetes objects are attack surface (a model picks
// them, a prompt can steer it). A namespace must be a DNS-1123 label and an object name a
// Kubernetes path segment name; anything else is refused before any request, never encoded,
// normalised or truncated into a path that means something else.
import { ToolError } from "../errors/tool-error.js";
import { ERROR_CODE } from "../wire/constants.js";

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const NAME_MAX = 253;
const NAMESPACE_MAX = 63;

/** Why `value` is not a namespace, or undefined. */
export function namespaceProblem(value: string): string | undefined {
  if (value.length > NAMESPACE_MAX)
    return `is ${value.length} characters long; a namespace has at most ${NAMESPACE_MAX}`;
  if (!DNS1123_LABEL.test(value))
    return "is not a Kubernetes namespace (lower-case letters, digits and '-', starting and ending with a letter or digit)";
  return undefined;
}

/** Why `value` is not an object name (Kubernetes' path segment rule), or undefined. */
export function objectNameProblem(value: string): string | undefined {
  if (value.length > NAME_MAX) return `is ${value.length} characters long; a name has at most ${NAME_MAX}`;
  if (value === "." || value === "..") return `"${value}" is not a Kubernetes name`;
  if (/[/%]/.test(value)) return "contains '/' or '%', which no Kubernetes name does";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f\s]/.test(value)) return "contains white space or a control character";
  return undefined;
}

/** The refusal of the first argument that is not a valid name, or undefined. */
export function argumentNameRefusal(tool: string, args: Record<string, unknown>): ToolError | undefined {
  const checks: [string, (v: string) => string | undefined][] = [
    ["namespace", namespaceProblem],
    ["name", objectNameProblem],
  ];
  for (const [key, problem] of checks) {
    const value = args[key];
    if (typeof value !== "string") continue;
    const why = problem(value);
    if (why)
      return new ToolError(ERROR_CODE.invalidArgument, `argument "${key}" of ${tool} ${why} (AH-ERR-5).`);
  }
  return undefined;
}

// --kubeconfig FILE --contexts a,b,c → the kubeconfig backend's option; the
// file is resolved against the user's working directory. Given these, `auto`
// means the kubeconfig backend: a user who names clusters wants them used.
import { resolve } from "node:path";
import { parseContextList } from "../clusters/kubeconfig/context-list.js";
import type { BackendChoice } from "../clusters/types.js";

export interface KubeconfigOption {
  file: string;
  contexts: string[];
}

export function kubeconfigOption(o: {
  kubeconfig?: string;
  contexts?: string;
}): KubeconfigOption | undefined {
  if (!o.kubeconfig && !o.contexts) return undefined;
  return { file: resolve(o.kubeconfig ?? ""), contexts: parseContextList(o.contexts) };
}

/** The backend to start, or an error message for a contradictory combination. */
export function chooseBackend(
  backend: BackendChoice,
  o: { kubeconfig?: string; contexts?: string },
): { backend: BackendChoice; kubeconfig?: KubeconfigOption } | { error: string } {
  const kubeconfig = kubeconfigOption(o);
  if (!kubeconfig) {
    if (backend === "kubeconfig")
      return { error: "--backend kubeconfig needs --kubeconfig FILE and --contexts a,b,c" };
    return { backend };
  }
  if (!o.kubeconfig) return { error: "--contexts needs --kubeconfig FILE" };
  if (kubeconfig.contexts.length === 0)
    return { error: "--kubeconfig needs --contexts a,b,c (one context per cluster)" };
  if (backend !== "auto" && backend !== "kubeconfig")
    return { error: `--kubeconfig and --contexts are for existing clusters; not with --backend ${backend}` };
  return { backend: "kubeconfig", kubeconfig };
}

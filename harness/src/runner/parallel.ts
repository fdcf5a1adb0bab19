// The one statement of `--parallel`'s default: the CLI uses the function, the
// docs quote the text (readme-facts unit test).
import { availableParallelism } from "node:os";

export const PARALLEL_DEFAULT_TEXT = "the number of CPUs, at least 2, at most 8";

// The provider, the API servers and the workers share the CPUs: more workers than
// cores only add start-up work (measured on 2 cores: 2 workers 24 s, 4 workers 27 s).
export function defaultParallel(cpus = availableParallelism()): number {
  return Math.max(2, Math.min(8, cpus));
}

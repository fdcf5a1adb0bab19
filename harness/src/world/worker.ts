// What a Cucumber worker keeps across its scenarios: the clusters (attached
// once from the run's cluster file), every secret minted so far, the oracles'
// throw-away CA and the worker's shared instance of the target. A World is made
// per scenario; these live as long as the worker process.
import { appendFileSync } from "node:fs";
import { makeCa, type TestCa } from "../oracles/pki.js";
import { SecretRegistry } from "../report/redact.js";
import { SharedTarget } from "../target/instances.js";
import { ClusterSet } from "./clusters.js";
import type { WorldParams } from "./params.js";

/** The worker's secrets: scrubbed from everything it reports, and appended to the run's secrets file for the runner's reports. */
export class WorkerSecrets {
  readonly registry = new SecretRegistry();

  constructor(private readonly file: string) {}

  add(value: string | undefined): void {
    if (!value || value.length < 8) return;
    this.registry.add(value);
    try {
      appendFileSync(this.file, `${JSON.stringify(value)}\n`, { mode: 0o600 });
    } catch {
      /* reports will still use pattern redaction */
    }
  }
}

export class Worker {
  readonly secrets: WorkerSecrets;
  readonly target: SharedTarget;
  private clusterSet?: ClusterSet;
  private ca?: Promise<TestCa>;

  constructor(private readonly params: WorldParams) {
    this.secrets = new WorkerSecrets(params.secretsFile);
    this.target = new SharedTarget(
      params.canStart
        ? { profile: params.profile, commandOverride: params.commandOverride, logDir: params.targetLogDir }
        : undefined,
      params.targetUrl,
    );
  }

  clusters(): ClusterSet {
    this.clusterSet ??= ClusterSet.fromFile(this.params.clustersFile, (s) => this.secrets.add(s));
    return this.clusterSet;
  }

  oracleCa(): Promise<TestCa> {
    this.ca ??= makeCa();
    return this.ca;
  }
}

let current: Worker | undefined;

/** The worker of this process (made on first use from the run's parameters). */
export function workerOf(params: WorldParams): Worker {
  current ??= new Worker(params);
  return current;
}

/** Stops the worker's shared instance (AfterAll). */
export async function stopWorker(): Promise<void> {
  await current?.target.stop();
}

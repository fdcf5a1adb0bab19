// The instances of the provider that serve scenarios, and how each is doing.
// Every Cucumber worker starts its own instance of a harness-started target:
// a worker runs one scenario at a time, so when an instance dies the scenario
// that killed it is known, and only that scenario is judged for it. The
// instance is started again before the worker's next scenario.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Profile } from "../profile/schema.js";
import { crashExcerpt } from "./crash-excerpt.js";
import { probeMcp, type RunningTarget, type StartOptions, startTarget, TargetStartError } from "./process.js";

/**
 * The free port is found by binding and releasing it, so another process may take it
 * before the target binds it: start again on a new port when the target says so.
 */
export async function startWithFreshPort(
  start: () => Promise<RunningTarget>,
  attempts = 3,
): Promise<RunningTarget> {
  for (let i = 1; ; i++) {
    try {
      return await start();
    } catch (e) {
      if (
        i >= attempts ||
        !(e instanceof TargetStartError) ||
        !/EADDRINUSE|address already in use/i.test(e.output)
      )
        throw e;
    }
  }
}

/** Lines that mean the provider crashed or caught a crash, in the languages providers are written in. */
export const PANIC_TEXT =
  /(^|\n)[^\n]*(panic: |fatal error: |goroutine \d+ \[running\]|http: panic serving|Traceback \(most recent call last\)|thread '[^']*' panicked at|Uncaught [A-Z][A-Za-z]*Error|FATAL ERROR:|UnhandledPromiseRejection|Segmentation fault|SIGSEGV|Exception in thread "main")/;

export interface Trouble {
  kind: "exited" | "panic" | "unresponsive";
  detail: string;
  /** Last lines of the instance's output (not yet redacted). */
  logTail: string;
}

export class TargetInstance {
  private scanned = 0;
  private reported = false;

  constructor(
    readonly label: string,
    readonly url: string,
    private readonly proc?: RunningTarget,
  ) {}

  /** Started by the harness (its output can be read, it can be restarted). */
  get owned(): boolean {
    return this.proc !== undefined;
  }

  get command(): string | undefined {
    return this.proc?.command;
  }

  output(): string | undefined {
    return this.proc?.output();
  }

  /** New trouble since the last look: the process ended, or it printed a panic. Reported once. */
  trouble(): Trouble | undefined {
    if (!this.proc || this.reported) return undefined;
    const exit = this.proc.exit();
    if (exit && !exit.stopped) {
      this.reported = true;
      const how = exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
      return { kind: "exited", detail: `the target exited (${how})`, logTail: this.tail() };
    }
    const out = this.proc.output();
    const fresh = out.slice(this.scanned);
    this.scanned = out.length;
    const m = PANIC_TEXT.exec(fresh);
    if (m) {
      this.reported = true;
      const line = m[0].trim().split("\n").pop() ?? "";
      return {
        kind: "panic",
        detail: `the target printed a crash: ${line.slice(0, 200)}`,
        logTail: this.tail(),
      };
    }
    return undefined;
  }

  /** Whether the endpoint still answers an MCP initialize (any JSON-RPC answer counts). */
  async answers(timeoutMs = 5000): Promise<boolean> {
    if (this.proc?.exited()) return false;
    return (await probeMcp(this.url, timeoutMs)) === undefined;
  }

  /** The crash report from its first line and top frames when there is one, else the last lines. */
  tail(lines = 30): string {
    const out = this.proc?.output() ?? "";
    return crashExcerpt(out, lines) ?? out.split("\n").slice(-lines).join("\n");
  }

  stop(): Promise<void> {
    return this.proc?.stop() ?? Promise.resolve();
  }
}

export interface TargetSpec {
  profile: Profile;
  commandOverride?: string;
  /** Where instance logs go (one file per instance; the runner copies them, redacted, into the reports). */
  logDir: string;
}

let counter = 0;
const worker = () => process.env.CUCUMBER_WORKER_ID ?? "0";

export async function startInstance(
  spec: TargetSpec,
  label: string,
  opts: Omit<StartOptions, "logFile" | "commandOverride"> = {},
): Promise<TargetInstance> {
  mkdirSync(spec.logDir, { recursive: true, mode: 0o700 });
  const logFile = join(spec.logDir, `worker-${worker()}-${String(++counter).padStart(3, "0")}-${label}.log`);
  const proc = await startWithFreshPort(() =>
    startTarget(spec.profile, {
      ...opts,
      env: { KUBECONFIG: undefined, ...opts.env },
      logFile,
      commandOverride: spec.commandOverride,
    }),
  );
  return new TargetInstance(label, proc.url, proc);
}

/** The worker's shared instance: started on first use, started again after it died. */
export class SharedTarget {
  private current?: TargetInstance;
  private starting?: Promise<TargetInstance>;
  /** Under --target-url: why the endpoint is considered down (it cannot be restarted). */
  down?: string;

  constructor(
    private readonly spec: TargetSpec | undefined,
    private readonly url: string | undefined,
  ) {}

  async get(): Promise<TargetInstance> {
    if (this.current) return this.current;
    if (!this.spec) {
      if (!this.url) throw new Error("no target: neither a command nor a URL");
      this.current = new TargetInstance("shared", this.url);
      return this.current;
    }
    const spec = this.spec;
    this.starting ??= startInstance(spec, "shared").finally(() => {
      this.starting = undefined;
    });
    this.current = await this.starting;
    return this.current;
  }

  /** Drops the instance (stopping it when the harness started it); the next get() starts a new one. */
  async discard(): Promise<void> {
    const c = this.current;
    this.current = undefined;
    if (c?.owned) await c.stop();
  }

  get restartable(): boolean {
    return this.spec !== undefined;
  }

  async stop(): Promise<void> {
    await this.discard();
  }
}

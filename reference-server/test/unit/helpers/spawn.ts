import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

export interface Spawned {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  stop(): Promise<number | null>;
}

export interface SpawnOptions {
  /** false: the child sees only `env` (e.g. to plant KUBECONFIG and nothing else). Default true. */
  inheritEnv?: boolean;
  timeoutMs?: number;
}

/** Starts a launcher on port 0 and waits for its "listening on <url>" line. */
export function spawnServer(
  script: string,
  args: string[],
  env: Record<string, string | undefined> = {},
  { inheritEnv = true, timeoutMs = 15_000 }: SpawnOptions = {},
): Promise<Spawned> {
  const child = spawn(process.execPath, [script, "--port", "0", ...args], {
    cwd: ROOT,
    env: inheritEnv ? { ...process.env, ...env } : env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  child.stderr?.on("data", (c) => {
    err += c;
  });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`no listening line; stderr: ${err}`)), timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code}; stderr: ${err}`));
    });
    child.stdout?.on("data", (c) => {
      out += c;
      const m = /listening on (\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve({
          child,
          url: m[1],
          stderr: () => err,
          stop: () =>
            new Promise((done) => {
              if (child.exitCode !== null) return done(child.exitCode);
              child.once("exit", (code) => done(code));
              child.kill("SIGTERM");
            }),
        });
      }
    });
  });
}

export function runToExit(
  script: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [script, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout?.on("data", (c) => {
    out += c;
  });
  child.stderr?.on("data", (c) => {
    err += c;
  });
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, out, err })));
}

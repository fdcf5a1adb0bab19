// Starts the production bin as a child process (so its environment can hold
// traps such as KUBECONFIG) and waits for its `listening on URL` line.
import { type ChildProcess, spawn } from "node:child_process";

export interface ChildServer {
  url: string;
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

export const PRODUCTION_BIN = "reference-server/bin/auth-headers-server.js";
/** Test-only launcher that honours AUTH_HEADERS_DEFECT. */
export const FAULTY_BIN = "reference-server/test/faulty/faulty-server.js";

export async function startBin(
  args: string[],
  env: NodeJS.ProcessEnv,
  bin = PRODUCTION_BIN,
): Promise<ChildServer> {
  const child = spawn(process.execPath, [bin, "--port", "0", ...args], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 30_000);
    const check = () => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on("data", check);
    child.on("exit", (code) => reject(new Error(`server exited (${code}):\n${out}`)));
  });
  return {
    url,
    child,
    output: () => out,
    stop: async () => {
      if (child.exitCode !== null) return;
      const done = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await done;
    },
  };
}

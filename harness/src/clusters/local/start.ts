// Starts one local control plane process and turns its data dir into a
// ClusterInfo. The process watches its stdin and has a parent-death signal,
// so a harness that dies without cleaning up still takes its clusters along.
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { abilitiesFromInfo } from "../abilities.js";
import { OWNED_CLUSTER_NAMES } from "../names.js";
import type { ClusterInfo } from "../types.js";

export interface LocalProcess {
  info: ClusterInfo;
  child: ChildProcess;
  dataDir: string;
  logPath: string;
}

const live = new Set<LocalProcess>();
let exitHookInstalled = false;

// A synchronous last resort: on any exit path Node still runs 'exit'
// listeners, and kill() plus rmSync() are synchronous.
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const p of live) {
      try {
        p.child.kill("SIGKILL");
      } catch {}
      rmSync(p.dataDir, { recursive: true, force: true });
    }
  });
}

function tail(path: string, bytes = 4000): string {
  try {
    const text = readFileSync(path, "utf8");
    return text.slice(-bytes);
  } catch {
    return "";
  }
}

export interface StartLocalOptions {
  timeoutMs?: number;
  /** Restart in an existing data dir: same PKI, same etcd data, same identities. */
  dataDir?: string;
  /** Listen on this port (a restart keeps its URL); 0 picks a free one. */
  port?: number;
  /** Without it the cluster is like an existing one whose audit log the harness cannot read. Default true. */
  auditLog?: boolean;
}

export async function startLocal(
  bin: string,
  name: string,
  opts: StartLocalOptions = {},
): Promise<LocalProcess> {
  installExitHook();
  const timeoutMs = opts.timeoutMs ?? 180_000;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), `auth-headers-${name}-`));
  rmSync(join(dataDir, "ready.json"), { force: true });
  const logPath = join(dataDir, "controlplane.log");
  const logFd = openSync(logPath, "a", 0o600);
  const args = [
    "--data-dir",
    dataDir,
    "--name",
    name,
    "--exit-on-stdin-eof",
    "--port",
    String(opts.port ?? 0),
    `--audit-log=${opts.auditLog ?? true}`,
  ];
  const child = spawn(bin, args, {
    stdio: ["pipe", logFd, logFd],
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dataDir },
  });
  closeSync(logFd);
  const proc: LocalProcess = { info: undefined as unknown as ClusterInfo, child, dataDir, logPath };
  live.add(proc);
  let exited: number | null | undefined;
  child.on("exit", (code) => {
    exited = code;
    live.delete(proc);
  });
  const readyPath = join(dataDir, "ready.json");
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(readyPath)) {
    if (exited !== undefined) {
      rmSync(dataDir, { recursive: true, force: true });
      throw new Error(`control plane ${name} exited (code ${exited}) before it was ready:\n${tail(logPath)}`);
    }
    if (Date.now() > deadline) {
      await stopLocal(proc);
      throw new Error(`control plane ${name} not ready after ${timeoutMs / 1000} s:\n${tail(logPath)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const ready = JSON.parse(readFileSync(readyPath, "utf8")) as { server: string; pid: number };
  const pki = (f: string) => readFileSync(join(dataDir, "pki", f), "utf8");
  const info = {
    name,
    backend: "local" as const,
    server: ready.server,
    caPem: pki("serving-ca.crt"),
    admin: { certPem: pki("admin.crt"), keyPem: pki("admin.key"), user: "conformance:admin" },
    clientCa: { certPem: pki("client-ca.crt"), keyPem: pki("client-ca.key") },
    serviceAccount: { signingKeyPem: pki("sa.key"), issuer: `https://${name}.conformance.invalid` },
    auditLogPath: opts.auditLog === false ? undefined : join(dataDir, "audit.log"),
    namespaces: OWNED_CLUSTER_NAMES.namespaces,
    pid: ready.pid,
  };
  proc.info = { ...info, abilities: abilitiesFromInfo(info) };
  return proc;
}

/** Stops the process; `keepData` leaves the data dir for a restart (the caller then owns its removal). */
export async function stopLocal(proc: LocalProcess, graceMs = 10_000, keepData = false): Promise<void> {
  const { child } = proc;
  if (child.exitCode === null && child.signalCode === null) {
    const done = new Promise<void>((r) => child.once("exit", () => r()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await done;
    clearTimeout(timer);
  }
  live.delete(proc);
  if (!keepData) rmSync(proc.dataDir, { recursive: true, force: true });
}

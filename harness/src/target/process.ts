// Starting and stopping a provider process described by a profile.
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, existsSync, statSync, type WriteStream } from "node:fs";
import { createServer } from "node:net";
import { resolve } from "node:path";
import { PROTOCOL_VERSION } from "../mcp/raw.js";
import type { Profile } from "../profile/schema.js";
import { REPO_ROOT } from "../spec/requirements.js";
import { INSTANCE_MARKER, providerEnvironment } from "./environment.js";
import { CappedOutput } from "./output.js";
import { instanceMarker, killMarked, PROVIDER_USER_ENV, providerSandbox } from "./sandbox.js";

export class TargetStartError extends Error {
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(message);
    this.name = "TargetStartError";
  }
}

export interface RunningTarget {
  url: string;
  command: string;
  /** Everything the provider wrote to stdout and stderr so far. */
  output(): string;
  exited(): boolean;
  /** How the process ended, once it has (`stop()` sets `stopped`). */
  exit(): { code: number | null; signal: string | null; stopped: boolean } | undefined;
  stop(): Promise<void>;
}

export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once("error", rej);
    s.listen(0, host, () => {
      const a = s.address();
      const port = a && typeof a === "object" ? a.port : 0;
      s.close(() => res(port));
    });
  });
}

export interface StartOptions {
  /** Extra command-line text appended to the profile command (already substituted). */
  extraArgs?: string[];
  env?: Record<string, string | undefined>;
  /** Also append the provider's output to this file. */
  logFile?: string;
  commandOverride?: string;
}

async function waitForTcp(
  host: string,
  port: number,
  deadline: number,
  child: ChildProcess,
): Promise<boolean> {
  const { connect } = await import("node:net");
  while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
    const ok = await new Promise<boolean>((r) => {
      const s = connect(port, host);
      s.once("connect", () => {
        s.destroy();
        r(true);
      });
      s.once("error", () => r(false));
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

export async function startTarget(profile: Profile, opts: StartOptions = {}): Promise<RunningTarget> {
  const base = opts.commandOverride ?? profile.target.command;
  if (!base)
    throw new TargetStartError("the profile has no target.command, so the harness cannot start it", "");
  const port = await freePort();
  const command = [base, ...(opts.extraArgs ?? [])].join(" ").replaceAll("{port}", String(port));
  const sandbox = providerSandbox();
  const marker = instanceMarker(sandbox);
  const env = providerEnvironment({
    target: profile.target,
    scenarioEnv: opts.env,
    sandbox,
    marker,
  });
  const cwd = resolve(REPO_ROOT, profile.target.cwd);
  if (!existsSync(cwd))
    throw new TargetStartError(
      `the target's working directory ${cwd} does not exist (profile target.cwd)`,
      "",
    );
  const child = spawn("/bin/sh", ["-c", `exec ${command}`], {
    cwd,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
    // as root, the provider runs under the sandbox's own uid (see sandbox.ts)
    ...(sandbox.uid !== undefined ? { uid: sandbox.uid, gid: sandbox.gid } : {}),
  });
  const out = new CappedOutput();
  let log: WriteStream | undefined;
  if (opts.logFile) log = createWriteStream(opts.logFile, { flags: "a", mode: 0o600 });
  const onData = (d: Buffer) => {
    const kept = out.append(d.toString());
    if (kept) log?.write(kept);
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  let logEnded = false;
  const endLog = () => {
    if (logEnded) return;
    logEnded = true;
    const ending = out.ending();
    if (ending) log?.write(ending);
    log?.end();
  };
  child.once("close", endLog);
  let exited = false;
  let stopping = false;
  let exitInfo: { code: number | null; signal: string | null; stopped: boolean } | undefined;
  const exitPromise = new Promise<void>((r) =>
    child.once("exit", (code, signal) => {
      exited = true;
      exitInfo = { code, signal, stopped: stopping };
      r();
    }),
  );
  child.once("error", (e) => {
    out.append(`\n[harness] spawn error: ${e.message}\n`);
  });

  const stop = async () => {
    stopping = true;
    if (!exited && child.pid) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        /* already gone */
      }
      const t = setTimeout(() => {
        try {
          if (child.pid) process.kill(-child.pid, "SIGKILL");
        } catch {
          /* gone */
        }
      }, 3000);
      await exitPromise;
      clearTimeout(t);
    }
    // daemons that left the process group (setsid) still carry the instance's marker
    killMarked(INSTANCE_MARKER, marker);
    endLog();
  };

  const deadline = Date.now() + profile.target.startupTimeoutMs;
  let url = profile.target.url.replaceAll("{port}", String(port));
  if (profile.target.readyPattern) {
    const re = new RegExp(profile.target.readyPattern);
    for (;;) {
      const m = re.exec(out.text());
      if (m) {
        if (m[1]) url = m[1];
        break;
      }
      if (exited || Date.now() > deadline) {
        await stop();
        throw new TargetStartError(
          (exited
            ? `target exited (code ${child.exitCode}) before it was ready (started in ${cwd})`
            : `target did not become ready in time (started in ${cwd})`) +
            ownUidHint(command, cwd, out.text(), sandbox.uid),
          out.text(),
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  } else {
    const u = new URL(url);
    const ok = await waitForTcp(u.hostname, Number(u.port), deadline, child);
    if (!ok) {
      await stop();
      throw new TargetStartError(
        (exited
          ? `target exited (code ${child.exitCode}) before it listened on ${u.host} (started in ${cwd})`
          : `target did not listen on ${u.host} in time (started in ${cwd})`) +
          ownUidHint(command, cwd, out.text(), sandbox.uid),
        out.text(),
      );
    }
  }
  return { url, command, output: () => out.text(), exited: () => exited, exit: () => exitInfo, stop };
}

/**
 * As root the provider runs under a uid of its own, which cannot read a checkout in a 0700
 * folder (mktemp -d, a private home). Runtimes say so badly (Node: "Cannot find module"), so
 * a failed start-up names the first path of the command (or its folder) that uid cannot reach.
 */
export function ownUidHint(command: string, cwd: string, output: string, uid: number | undefined): string {
  if (uid === undefined) return "";
  const paths = [
    cwd,
    ...command
      .split(/\s+/)
      .filter((t) => t.includes("/"))
      .map((t) => resolve(cwd, t)),
  ];
  const denied = paths.map(unreachableByOthers).find((p) => p !== undefined);
  if (!denied && !/EACCES|permission denied/i.test(output)) return "";
  return `; the provider ran as uid ${uid} (the harness runs as root and gives it a uid of its own)${denied ? ` and cannot reach ${denied}` : " and was denied a file"}: its files and every folder above them must be readable by that uid (a 0700 folder is not), or set ${PROVIDER_USER_ENV}=same to run it as root`;
}

/** The first folder on the way to `path` that a stranger cannot enter, or `path` if it cannot read it. */
function unreachableByOthers(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  const parts = path.split("/").filter(Boolean);
  for (let i = 0; i < parts.length; i++) {
    const dir = `/${parts.slice(0, i).join("/")}`;
    if (!(statSync(dir).mode & 0o001)) return dir;
  }
  const st = statSync(path);
  return st.mode & (st.isDirectory() ? 0o005 : 0o004) ? undefined : path;
}

/** Sends an MCP initialize to check that an endpoint answers like an MCP server (any JSON-RPC answer). */
export async function probeMcp(url: string, timeoutMs = 10_000): Promise<string | undefined> {
  try {
    const r = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: {
          protocolVersion: PROTOCOL_VERSION,
          capabilities: {},
          clientInfo: { name: "probe", version: "0" },
        },
      }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await r.text();
    // A JSON-RPC error is still an MCP answer: the lifecycle scenarios judge it (AH-LIFE-1).
    if (r.status !== 200 && !/"jsonrpc"\s*:\s*"2\.0"/.test(body)) {
      return `initialize answered HTTP ${r.status}: ${body.slice(0, 200)}`;
    }
    const sid = r.headers.get("mcp-session-id");
    if (sid) {
      await fetch(url, { method: "DELETE", headers: { "mcp-session-id": sid } }).catch(() => undefined);
    }
    return undefined;
  } catch (e) {
    return `initialize failed: ${(e as Error).message}`;
  }
}

// Where the provider under test runs: its own HOME and TMPDIR, and, when the
// harness runs as root (CI containers, this project's own machines), its own
// user id. Under another uid the provider cannot read or write the harness's
// 0600/0700 files: the cluster file, the clusters' pki/*.key and audit.log,
// the run directory, the CI job's summary and output files. Under the same uid
// (an unprivileged harness) it can: see docs/design.md, "Trust boundary".
import { execFileSync } from "node:child_process";
import { randomInt, randomUUID } from "node:crypto";
import {
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";

export interface ProviderSandbox {
  dir: string;
  home: string;
  tmp: string;
  /** The provider's own uid/gid (set only when the harness runs as root). */
  uid?: number;
  gid?: number;
}

/** How the runner hands its sandbox to its Cucumber workers (no secret in it). */
const SANDBOX_ENV = "AHC_PROVIDER_SANDBOX";
/** `same` keeps the provider under the harness's uid even as root (its files are then not protected). */
export const PROVIDER_USER_ENV = "AUTH_HEADERS_PROVIDER_USER";

/** uids no distribution hands out: one per run, so every process of the provider is found by its uid. */
const UID_BASE = 2_000_000_000;
const UID_SPAN = 100_000_000;

export function isolatedUser(env: NodeJS.ProcessEnv = process.env): boolean {
  return process.getuid?.() === 0 && env[PROVIDER_USER_ENV] !== "same";
}

export function createSandbox(opts: { isolate?: boolean } = {}): ProviderSandbox {
  const isolate = opts.isolate ?? isolatedUser();
  const dir = mkdtempSync(join(tmpdir(), "ahc-provider-"));
  const s: ProviderSandbox = { dir, home: join(dir, "home"), tmp: join(dir, "tmp") };
  mkdirSync(s.home, { mode: 0o700 });
  mkdirSync(s.tmp, { mode: 0o700 });
  // which process made it, so a later run can remove it once that process is gone (runner/stale.ts)
  writeFileSync(join(dir, "owner.pid"), String(process.pid), { mode: 0o600 });
  if (isolate) {
    s.uid = UID_BASE + randomInt(UID_SPAN);
    s.gid = s.uid;
    for (const p of [dir, s.home, s.tmp]) chownSync(p, s.uid, s.gid);
  }
  return s;
}

let own: ProviderSandbox | undefined;

/** The run's sandbox (created by the runner), or one for this process alone, removed at its exit. */
export function providerSandbox(env: NodeJS.ProcessEnv = process.env): ProviderSandbox {
  const given = env[SANDBOX_ENV];
  if (given) return JSON.parse(given) as ProviderSandbox;
  if (!own) {
    const s = createSandbox();
    own = s;
    process.once("exit", () => removeSandbox(s));
  }
  return own;
}

/** Makes `s` the sandbox of this process and of the Cucumber workers it starts. */
export function shareSandbox(s: ProviderSandbox): void {
  process.env[SANDBOX_ENV] = JSON.stringify(s);
}

/** A value for INSTANCE_MARKER: unique per instance, with the sandbox's name as its prefix. */
export function instanceMarker(s: ProviderSandbox): string {
  return `${basename(s.dir)}/${randomUUID()}`;
}

/** Kills whatever the provider left running (under its uid, or carrying the sandbox's marker), then removes its files. */
export function removeSandbox(s: ProviderSandbox): void {
  const marked = `${INSTANCE_MARKER}=${basename(s.dir)}/`;
  killProcesses(
    (p) => (s.uid !== undefined && p.uid === s.uid) || `\0${p.environ()}`.includes(`\0${marked}`),
  );
  if (process.env[SANDBOX_ENV] && JSON.parse(process.env[SANDBOX_ENV]).dir === s.dir)
    delete process.env[SANDBOX_ENV];
  rmSync(s.dir, { recursive: true, force: true });
}

/**
 * Files planted for the provider to read (the ambient-credentials bait), in a
 * fresh directory inside its sandbox, owned by its uid. Returns the directory.
 */
export function plantForProvider(files: Record<string, string>, s = providerSandbox()): string {
  const dir = mkdtempSync(join(s.dir, "planted-"));
  for (const [rel, content] of Object.entries(files)) {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true, mode: 0o700 });
    // "wx": never through a file or link that is already there
    writeFileSync(p, content, { mode: 0o600, flag: "wx" });
  }
  if (s.uid !== undefined && s.gid !== undefined) chownTree(dir, s.uid, s.gid);
  return dir;
}

function chownTree(path: string, uid: number, gid: number): void {
  const st = lstatSync(path);
  if (st.isSymbolicLink()) return;
  chownSync(path, uid, gid);
  if (st.isDirectory()) for (const e of readdirSync(path)) chownTree(join(path, e), uid, gid);
}

/**
 * A shell command that runs `command` inside the sandbox's uid, for launchers
 * that cannot set one themselves (the MCP SDK's stdio transport).
 */
export function commandInSandbox(command: string, s = providerSandbox()): string {
  if (s.uid === undefined) return command;
  const quoted = `'${`exec ${command}`.replaceAll("'", `'\\''`)}'`;
  return `${setprivPath()} --reuid=${s.uid} --regid=${s.gid} --clear-groups -- /bin/sh -c ${quoted}`;
}

let setpriv: string | undefined;
function setprivPath(): string {
  if (setpriv) return setpriv;
  for (const p of ["/usr/bin/setpriv", "/bin/setpriv", "/usr/sbin/setpriv"]) if (existsSync(p)) setpriv = p;
  if (!setpriv) {
    try {
      setpriv = execFileSync("/bin/sh", ["-c", "command -v setpriv"], { encoding: "utf8" }).trim();
    } catch {
      /* not installed */
    }
  }
  if (!setpriv)
    throw new Error(
      `the harness runs as root, so it starts the provider under its own uid, and that needs setpriv (util-linux) for stdio; install it or set ${PROVIDER_USER_ENV}=same`,
    );
  return setpriv;
}

interface ProcInfo {
  pid: number;
  uid: number;
  environ: () => string;
}

/** Processes on this machine (Linux /proc; elsewhere none are found). */
function processes(): ProcInfo[] {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return [];
  }
  const out: ProcInfo[] = [];
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    const pid = Number(e);
    if (pid === process.pid) continue;
    let status: string;
    try {
      status = readFileSync(`/proc/${e}/status`, "utf8");
    } catch {
      continue;
    }
    const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1] ?? -1);
    out.push({
      pid,
      uid,
      environ: () => {
        try {
          return readFileSync(`/proc/${e}/environ`, "latin1");
        } catch {
          return "";
        }
      },
    });
  }
  return out;
}

/** SIGKILLs every process matching `which`; returns how many were found. */
export function killProcesses(which: (p: ProcInfo) => boolean): number {
  let n = 0;
  for (const p of processes()) {
    if (!which(p)) continue;
    n++;
    try {
      process.kill(p.pid, "SIGKILL");
    } catch {
      /* gone meanwhile */
    }
  }
  return n;
}

/** Set by the harness on every process it starts for the provider, so its descendants can be found. */
export const INSTANCE_MARKER = "AUTH_HEADERS_PROVIDER_INSTANCE";

/** Every process still carrying `name=value` in its environment (an instance's descendants, daemons included). */
export function killMarked(name: string, value: string): number {
  const needle = `\0${name}=${value}\0`;
  return killProcesses((p) => `\0${p.environ()}\0`.includes(needle));
}

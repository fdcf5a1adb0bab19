// The report directory: written without following links, into a clean set of
// files. The harness owns the entries it writes (REPORT_ENTRIES): before a run
// writes its reports, those are removed (a link planted as one of them is
// removed, never followed) and created afresh with O_EXCL | O_NOFOLLOW, so a
// report lands in the directory or nowhere. Other entries are the user's: left
// as they are, and named in the run's log.
import {
  closeSync,
  constants,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  rmSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";

/** What a run writes into its report directory. */
export const REPORT_ENTRIES = [
  "verdict.json",
  "summary.md",
  "junit.xml",
  "report.html",
  "messages.ndjson",
  "cucumber.html",
  "target-logs",
] as const;

export class ReportDirError extends Error {}

/** Checked before the run: a report directory that cannot be one fails at once, not after the suite. */
export function checkReportDir(dir: string): void {
  let st: ReturnType<typeof lstatSync>;
  try {
    st = lstatSync(dir);
  } catch {
    return; // made when the reports are written
  }
  if (st.isSymbolicLink())
    throw new ReportDirError(`--report-dir ${dir} is a symbolic link; name the directory itself`);
  if (!st.isDirectory()) throw new ReportDirError(`--report-dir ${dir} exists and is not a directory`);
}

/** Makes `dir` ready for a run's reports; returns the entries the harness does not own. */
export function prepareReportDir(dir: string): string[] {
  checkReportDir(dir);
  mkdirSync(dir, { recursive: true });
  for (const e of REPORT_ENTRIES) rmSync(join(dir, e), { recursive: true, force: true });
  return readdirSync(dir).filter((e) => !(REPORT_ENTRIES as readonly string[]).includes(e));
}

const NEW_FILE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/** Writes a new file; fails if anything (a file, a link) is already there. */
export function writeNewFile(path: string, content: string, mode = 0o644): void {
  const fd = openSync(path, NEW_FILE, mode);
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
}

/** Writes a file the user named (the baseline): replaced when it exists, but never through a link. */
export function writeUserFile(path: string, content: string): void {
  let fd: number;
  try {
    fd = openSync(
      path,
      constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW,
      0o644,
    );
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ELOOP")
      throw new ReportDirError(`${path} is a symbolic link; the harness does not write through links`);
    throw e;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
}

#!/usr/bin/env node
// A hostile provider: it reports on stdout what it could reach, then listens
// like a server. Arguments name what it tries (as a provider that guessed the
// paths would): --read FILE (a harness secret), --append FILE (the CI job's
// summary or output), --daemon (leaves a setsid double-forked daemon behind),
// --flood MiB (writes that much output).
import { spawn } from "node:child_process";
import { appendFileSync, readFileSync } from "node:fs";
import { createServer } from "node:http";

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const all = (name) => args.flatMap((a, i) => (a === name ? [args[i + 1]] : []));
const report = { env: process.env, uid: process.getuid?.(), read: {}, appended: {}, daemon: undefined };

for (const f of [...all("--read"), process.env.AHC_CLUSTERS_FILE].filter(Boolean)) {
  try {
    report.read[f] = readFileSync(f, "utf8").length;
  } catch (e) {
    report.read[f] = e.code;
  }
}
for (const f of [...all("--append"), process.env.GITHUB_STEP_SUMMARY, process.env.GITHUB_OUTPUT].filter(
  Boolean,
)) {
  try {
    appendFileSync(f, "outcome=CONFORMANT\n# ✅ CONFORMANT\n");
    report.appended[f] = "ok";
  } catch (e) {
    report.appended[f] = e.code;
  }
}
if (args.includes("--daemon")) {
  // setsid leaves the provider's process group; the shell's child is the daemon
  const d = spawn("setsid", ["/bin/sh", "-c", 'echo "daemon $$"; exec sleep 600'], {
    detached: true,
    stdio: ["ignore", "pipe", "ignore"],
  });
  report.daemon = await new Promise((r) =>
    d.stdout.once("data", (b) => r(Number(/daemon (\d+)/.exec(String(b))?.[1]))),
  );
  d.stdout.destroy();
  d.unref();
}
process.stdout.write(`SNOOP ${JSON.stringify(report)}\n`);
const flood = Number(opt("--flood") ?? 0);
if (flood) {
  const mib = `${"x".repeat(1023)}\n`;
  const chunk = mib.repeat(1024);
  for (let i = 0; i < flood; i++) process.stdout.write(chunk);
  process.stdout.write("END OF FLOOD\n");
}
createServer((_req, res) => res.end("{}")).listen(Number(opt("--port")), "127.0.0.1", () =>
  process.stdout.write("listening\n"),
);

// `auth-headers-conformance list | head`: when the reader closes the pipe,
// writes fail with EPIPE. That is the reader's choice, not an error of ours:
// end quietly with the exit code a shell gives a process killed by SIGPIPE.
export const SIGPIPE_EXIT = 141;

export function exitQuietlyOnClosedStdout(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code !== "EPIPE") throw e;
    process.exit(SIGPIPE_EXIT);
  });
}

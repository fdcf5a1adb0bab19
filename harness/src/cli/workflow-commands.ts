// GitHub Actions reads workflow commands (`::add-mask::…`, `::stop-commands::…`,
// `::error …`) from any line a step prints to stdout or stderr. Text a provider
// chose (its output, its error messages) is printed by the harness, so each
// line that would be a command is defused before it is printed.
import { Writable } from "node:stream";

/** `text` with every line that would be a workflow command prefixed so that it is not one. */
export function neutraliseCommands(text: string): string {
  return text.replace(/^([ \t]*)::/gm, "$1[::]");
}

/** A stream that passes text on with workflow-command lines defused (Cucumber's formatter output). */
export function commandSafe(stream: NodeJS.WritableStream): Writable {
  let atLineStart = true;
  let pending = "";
  return new Writable({
    write(chunk: Buffer | string, _enc, done) {
      // a line's start can end a chunk (":" then ":…" in the next): hold back a trailing partial prefix
      let s = pending + String(chunk);
      pending = "";
      const tail = /(^|\n)[ \t]*:?$/.exec(s);
      if (tail && tail[0].replace(/^\n/, "").length > 0) {
        pending = s.slice(tail.index + (tail[1] ? 1 : 0));
        s = s.slice(0, s.length - pending.length);
      }
      const out = atLineStart ? neutraliseCommands(s) : s.replace(/\n([ \t]*)::/g, "\n$1[::]");
      if (out) atLineStart = out.endsWith("\n");
      stream.write(out, () => done());
    },
    final(done) {
      if (pending) stream.write(atLineStart ? neutraliseCommands(pending) : pending);
      done();
    },
  });
}

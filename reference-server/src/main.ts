import { parseCli } from "./cli.js";
import { run } from "./run.js";

await run(parseCli(process.argv.slice(2)));

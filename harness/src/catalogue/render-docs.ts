// npm run docs:defects: renders fixtures/defects.yaml into docs/defects.md.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../spec/requirements.js";
import { loadCatalogue, withCatalogue } from "./defects.js";

const path = join(REPO_ROOT, "docs", "defects.md");
writeFileSync(path, withCatalogue(readFileSync(path, "utf8"), loadCatalogue()));
process.stdout.write(`${path} updated\n`);

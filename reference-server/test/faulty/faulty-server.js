#!/usr/bin/env node
// Test-only launcher for faulty-server.ts (AUTH_HEADERS_DEFECT=<name>[,<name>…]), from a
// bundle of the sources as they are now (../../bin/launch.js).
import { launch, SERVERS } from "../../bin/launch.js";

await launch(SERVERS.faulty.entry, SERVERS.faulty.roots);

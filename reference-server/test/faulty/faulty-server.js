#!/usr/bin/env node
// Test-only launcher for faulty-server.ts (AUTH_HEADERS_DEFECT=<name>[,<name>…]).
import { register } from "tsx/esm/api";

register();
await import("./faulty-server.ts");

#!/usr/bin/env node
// Builds the bundles the launchers start from (launch.js); `npm run setup` runs it, the e2e
// global setup calls prebuild() itself.
import { prebuild } from "./launch.js";

for (const [name, out] of Object.entries(await prebuild()))
  console.log(out ? `${name} server: ${out}` : `${name} server: no bundle, it runs through tsx`);

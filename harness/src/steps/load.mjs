// Entry point Cucumber imports in every worker: registers tsx (workers do not
// inherit the launcher's in-process registration), then loads the steps.
import { register } from "tsx/esm/api";

register();
await import("./hooks.ts");
await import("./setup.steps.ts");
await import("./calls.steps.ts");
await import("./assertions.steps.ts");
await import("./network.steps.ts");
await import("./switching.steps.ts");
await import("./load.steps.ts");
await import("./fault.steps.ts");
await import("./fuzz.steps.ts");

import { defineConfig } from "vitest/config";

// Two projects: `unit` is fast and offline (msw for the Kubernetes API);
// `e2e` runs against real control planes started once per run by the global
// setup and shared by every e2e file (isolation comes from fresh identities).
export default defineConfig({
  test: {
    reporters: ["default", "json"],
    outputFile: { json: ".cache/vitest-results.json" },
    projects: [
      {
        test: {
          name: "unit",
          include: ["reference-server/test/unit/**/*.test.ts", "harness/test/unit/**/*.test.ts"],
          setupFiles: ["harness/test/setup/reflect.ts"],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["reference-server/test/e2e/**/*.test.ts", "harness/test/e2e/**/*.test.ts"],
          setupFiles: ["harness/test/setup/reflect.ts"],
          globalSetup: ["harness/test/setup/clusters.ts"],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          // Files share the clusters; run them one at a time so that "cluster B
          // saw nothing" in one file is not disturbed by another file's tenants.
          fileParallelism: false,
        },
      },
    ],
  },
});

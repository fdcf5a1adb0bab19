// The YAML of single objects (pods_get, resources_get, whoami) is written by a linear emitter:
// the `yaml` library took ~1.5 s per MB of JSON (issue 10 item 3). The library's parser is
// the judge that what we write means exactly the object.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { toYaml } from "../../src/tools/format.js";
import { fuzzSeed } from "./helpers/seed.js";

const SEED = fuzzSeed("yaml-format");

describe("toYaml", () => {
  it("reads back as the same value (property, 3,000 cases)", () => {
    const key = fc.oneof(
      fc.string(),
      fc.string({ unit: "binary" }),
      fc.constantFrom(
        "true",
        "null",
        "~",
        "yes",
        "No",
        "-",
        "? x",
        "a: b",
        "#",
        "0x1f",
        "1e3",
        ".inf",
        "",
        " lead",
        "<<",
      ),
    );
    const scalar = fc.oneof(
      fc.string(),
      fc.string({ unit: "binary" }),
      fc.constantFrom(
        "true",
        "False",
        "null",
        "NULL",
        "~",
        "yes",
        "off",
        "123",
        "-1.5",
        "0o17",
        "1_000",
        ".NaN",
        "- a",
        "a #b",
        "x\ny",
        "'q'",
        '"',
        "\t",
        "@x",
        "`",
        "%x",
        "!x",
        "&x",
        "*x",
        "|",
        ">",
        "[a]",
        "{a}",
        "2024-01-01",
      ),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
    );
    const value = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: "small" },
        scalar,
        fc.array(tie("v"), { maxLength: 4 }),
        fc.dictionary(key, tie("v"), { maxKeys: 4 }),
      ),
    })).v;
    fc.assert(
      fc.property(value, (v) => {
        const normal = JSON.parse(JSON.stringify(v)) as unknown;
        expect(parse(toYaml(normal))).toEqual(normal);
      }),
      { seed: SEED, numRuns: 3_000 },
    );
  });

  it("writes Kubernetes objects in the usual block style", () => {
    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "web", labels: { app: "web" }, annotations: {} },
      spec: { containers: [{ name: "c", image: "nginx:1.27", args: ["--port", "80"] }] },
      status: { phase: "Running", ready: true, restarts: 0, ip: null },
    };
    expect(toYaml(pod)).toBe(
      [
        "apiVersion: v1",
        "kind: Pod",
        "metadata:",
        "  name: web",
        "  labels:",
        "    app: web",
        "  annotations: {}",
        "spec:",
        "  containers:",
        "    - name: c",
        "      image: nginx:1.27",
        "      args:",
        '        - "--port"',
        '        - "80"',
        "status:",
        "  phase: Running",
        "  ready: true",
        "  restarts: 0",
        "  ip: null",
      ].join("\n"),
    );
  });

  // CPU time against a linear baseline in the same process (JSON.stringify of the same object),
  // the best of three each: other test files share the machine, so an absolute figure flips
  // with load, while a quadratic emitter is far slower (the yaml library, ~470 ms, is ~11x).
  it("is linear and cheap: 3.8 MB of YAML from 80,000 keys in at most 8x the CPU of JSON.stringify", () => {
    const annotations: Record<string, string> = {};
    for (let i = 0; i < 80_000; i++) annotations[`key-${i}`] = `value-${i}-${"x".repeat(20)}`;
    const obj = { metadata: { name: "big", annotations } };
    toYaml({ warm: [1, "a"] });
    const cpuOf = (f: () => unknown) => {
      const before = process.cpuUsage();
      f();
      const cpu = process.cpuUsage(before);
      return (cpu.user + cpu.system) / 1000;
    };
    let text = "";
    const yaml = Math.min(...[1, 2, 3].map(() => cpuOf(() => (text = toYaml(obj)))));
    const json = Math.min(...[1, 2, 3].map(() => cpuOf(() => JSON.stringify(obj, null, 2))));
    expect(yaml / json).toBeLessThan(8);
    expect(text.length).toBeGreaterThan(3_000_000);
  });
});

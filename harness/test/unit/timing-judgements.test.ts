// Timing judged against an interleaved control: a uniformly loaded machine cannot decide
// the verdict, each defect that exists for these rules still fails (synthetic samples).
import { describe, expect, it } from "vitest";
import { judgeLinearCost, judgeNotDelayed, judgeWindows, median, quantile } from "../../src/checks/timing.js";

/** Deterministic jitter so that the samples look like a machine's, not a constant. */
const jitter = (base: number, n: number, spread = 0.3, seed = 1) =>
  Array.from({ length: n }, (_, i) => base * (1 + spread * Math.sin(seed * 7.3 + i * 2.1)));

const OTHER_TENANT = { quantile: 1, factor: 3, floorMs: 0, limitMs: 1500, minSamples: 3 } as const;
const HEALTHY_P99 = { quantile: 0.99, factor: 2, floorMs: 50, minSamples: 10 } as const;
const HDR12 = { limitMs: 2000, excessMs: 250 } as const;

describe("quantile", () => {
  it("nearest rank; q = 1 is the maximum", () => {
    expect(quantile([5, 1, 3], 1)).toBe(5);
    expect(median([5, 1, 3, 9])).toBe(3);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.99)).toBe(10);
    expect(quantile([], 0.5)).toBeNaN();
  });
});

describe("other tenant not delayed (AH-NET-5, against the same tenant's control calls)", () => {
  it("quiet machine, correct provider: pass", () => {
    const v = judgeNotDelayed("bob", jitter(40, 5), jitter(40, 10, 0.3, 2), OTHER_TENANT);
    expect(v.outcome).toBe("pass");
  });

  it("uniformly loaded machine (everything ×40, a 1.7 s call among them): pass, where the fixed 1500 ms bound failed", () => {
    const measured = jitter(1300, 5);
    expect(Math.max(...measured)).toBeGreaterThan(1500);
    const v = judgeNotDelayed("bob", measured, jitter(1300, 10, 0.3, 2), OTHER_TENANT);
    expect(v.outcome, v.message).toBe("pass");
  });

  it("no-value-size-limit: the event loop blocked 2 s by a quadratic parse delays one call; control fast: fail", () => {
    const v = judgeNotDelayed("bob", [2100, 35, 40, 38, 41], jitter(40, 10), OTHER_TENANT);
    expect(v.outcome).toBe("fail");
    expect(v.message).toContain("max 2100 ms");
  });

  it("the same defect on a loaded machine (×5) still fails", () => {
    const v = judgeNotDelayed("bob", [10_500, 180, 200, 190, 205], jitter(200, 10), OTHER_TENANT);
    expect(v.outcome).toBe("fail");
  });

  it("a limiter shared by all tenants: the other tenant waits for the hung call's timeout: fail", () => {
    const v = judgeNotDelayed("bob", [10_020, 10_015, 45, 40, 44], jitter(40, 10), OTHER_TENANT);
    expect(v.outcome).toBe("fail");
  });

  it("no timeout and one limiter: the other tenant's call never ends: fail", () => {
    const v = judgeNotDelayed("bob", [Number.POSITIVE_INFINITY, 40, 40], jitter(40, 10), OTHER_TENANT);
    expect(v.outcome).toBe("fail");
    expect(v.message).toContain("no answer");
  });

  it("control calls that failed or too few samples: untestable, never pass", () => {
    expect(
      judgeNotDelayed("bob", [40, 40, 40], [40, Number.POSITIVE_INFINITY, 40], OTHER_TENANT).outcome,
    ).toBe("untestable");
    expect(judgeNotDelayed("bob", [40], jitter(40, 10), OTHER_TENANT).outcome).toBe("untestable");
    expect(judgeNotDelayed("bob", [40, 40, 40], [], OTHER_TENANT).outcome).toBe("untestable");
  });
});

describe("healthy tenants' p99 during faults (AH-NET-5, against baseline and after-fault control)", () => {
  it("the measured flip: p99 103 ms against baseline 50.8 ms (limit 102 ms) passes when the control after the faults is as loaded", () => {
    const control = [...jitter(45, 100, 0.1), ...jitter(75, 100, 0.35, 3)];
    const v = judgeNotDelayed("healthy tenants", jitter(80, 200, 0.3), control, HEALTHY_P99);
    expect(v.outcome, v.message).toBe("pass");
  });

  it("a provider whose hung upstream calls starve the healthy tenants (p99 at the timeout): fail, loaded or not", () => {
    const starved = [...jitter(50, 180), ...Array.from({ length: 20 }, () => 10_000)];
    expect(judgeNotDelayed("healthy tenants", starved, jitter(50, 200), HEALTHY_P99).outcome).toBe("fail");
    const loaded = [...jitter(150, 180), ...Array.from({ length: 20 }, () => 11_000)];
    expect(judgeNotDelayed("healthy tenants", loaded, jitter(150, 200), HEALTHY_P99).outcome).toBe("fail");
  });
});

describe("large value refused in linear time (AH-HDR-12, full vs half vs small, interleaved)", () => {
  it("correct provider (refused by size, constant time): pass, quiet or loaded", () => {
    expect(
      judgeLinearCost({ full: [22, 25, 21], half: [20, 24, 19], small: [12, 15, 11] }, HDR12).outcome,
    ).toBe("pass");
    const loaded = judgeLinearCost(
      { full: [180, 420, 200], half: [170, 190, 390], small: [90, 400, 110] },
      HDR12,
    );
    expect(loaded.outcome, loaded.message).toBe("pass");
  });

  it("one sample slowed by a burst of load does not decide: the fastest of each counts", () => {
    const v = judgeLinearCost({ full: [3100, 25], half: [22, 900], small: [12, 14] }, HDR12);
    expect(v.outcome, v.message).toBe("pass");
  });

  it("no-value-size-limit (quadratic parse) on a fast machine, under the 2 s bound: fail, where the fixed bound passed", () => {
    const v = judgeLinearCost(
      { full: [1700, 1750, 1800], half: [440, 450, 460], small: [10, 11, 12] },
      HDR12,
    );
    expect(v.outcome).toBe("fail");
    expect(v.message).toContain("not linear");
  });

  it("no-value-size-limit on a loaded machine: fail", () => {
    const v = judgeLinearCost(
      { full: [6900, 7100, 7000], half: [1800, 1750, 1790], small: [40, 60, 50] },
      HDR12,
    );
    expect(v.outcome).toBe("fail");
  });

  it("a linear but slow checker over the bound fails; the bound moves only by the cheap refusal's time", () => {
    expect(
      judgeLinearCost({ full: [2600, 2700, 2650], half: [1300, 1350, 1320], small: [10, 10, 10] }, HDR12)
        .outcome,
    ).toBe("fail");
    expect(
      judgeLinearCost({ full: [2600, 2700, 2650], half: [1300, 1350, 1320], small: [900, 800, 850] }, HDR12)
        .outcome,
    ).toBe("pass");
  });

  it("an unanswered full call fails; missing samples are untestable", () => {
    expect(
      judgeLinearCost({ full: [Number.POSITIVE_INFINITY], half: [20], small: [10] }, HDR12).outcome,
    ).toBe("fail");
    expect(judgeLinearCost({ full: [20], half: [], small: [10] }, HDR12).outcome).toBe("untestable");
  });
});

describe("repeated windows", () => {
  const control = jitter(40, 10);
  const judge = (w: number[]) => judgeNotDelayed("bob", w, control, OTHER_TENANT);

  it("the measured flip: one burst of load (1798 ms against a 138 ms control) in one window, the next clean: pass", () => {
    const v = judgeWindows([judge([127, 1798, 15, 140, 67]), judge([40, 38, 45, 41, 39])]);
    expect(v.outcome, v.message).toBe("pass");
    expect(v.message).toContain("window 1 of 2");
  });

  it("a defect slows every window: fail", () => {
    expect(judgeWindows([judge([2100, 40, 40]), judge([2050, 41, 39])]).outcome).toBe("fail");
  });

  it("no window, or only untestable ones: untestable", () => {
    expect(judgeWindows([]).outcome).toBe("untestable");
    expect(judgeWindows([judge([40])]).outcome).toBe("untestable");
  });
});

// Timing judgements that machine noise cannot decide (issue 17, section 4). A latency
// is never judged against a fixed number alone: it is judged against a control, calls
// of the same kind taken in the same process right before and after (or alternately
// with) the measured ones. A uniformly loaded machine slows the control as much as the
// measured calls, so it moves the allowance with it; a real defect (no timeout, a value
// checked in quadratic time, a limiter shared by all tenants) slows only the measured
// calls, by far more than any allowance.

export interface TimingVerdict {
  readonly outcome: "pass" | "fail" | "untestable";
  readonly message: string;
}

/** The q-quantile (0..1) by the nearest-rank method; q = 1 is the maximum. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] as number;
}

export const median = (samples: readonly number[]) => quantile(samples, 0.5);

const ms = (x: number) => (Number.isFinite(x) ? `${Math.round(x)} ms` : "no answer");
const qName = (q: number) => (q === 1 ? "max" : q === 0.5 ? "median" : `p${Math.round(q * 100)}`);

export interface NotDelayedRule {
  /** Which quantile of each set is compared (1 = the slowest call). */
  readonly quantile: number;
  /** The measured quantile may be this many times the control's … */
  readonly factor: number;
  /** … or the control's plus this many ms, whichever is larger … */
  readonly floorMs: number;
  /** … and never less than this absolute allowance (the scenario's own bound), if given. */
  readonly limitMs?: number;
  /** Fewer measured or control samples than this cannot be judged. */
  readonly minSamples?: number;
}

/**
 * Other tenants are not delayed (AH-NET-5): the measured calls (made while a slow or
 * hostile call was in flight) against the control calls of the same tenant, the same
 * tool, the same session, made just before and after it.
 */
export function judgeNotDelayed(
  what: string,
  measured: readonly number[],
  control: readonly number[],
  rule: NotDelayedRule,
): TimingVerdict {
  const min = rule.minSamples ?? 1;
  if (measured.length < min)
    return { outcome: "untestable", message: `only ${measured.length} measured call(s) of ${what}` };
  if (control.length < min || control.some((x) => !Number.isFinite(x)))
    return {
      outcome: "untestable",
      message: `the control calls of ${what} (${control.length}, without the slow call) did not all succeed: nothing to compare with`,
    };
  const m = quantile(measured, rule.quantile);
  const c = quantile(control, rule.quantile);
  const allowed = Math.max(rule.factor * c, c + rule.floorMs, rule.limitMs ?? 0);
  const name = qName(rule.quantile);
  const line = `${what}: ${name} ${ms(m)} (${measured.length} calls) against ${name} ${ms(c)} of ${control.length} control calls; allowed max(${rule.factor}× control, control + ${rule.floorMs} ms${rule.limitMs ? `, ${rule.limitMs} ms` : ""}) = ${ms(allowed)}`;
  return { outcome: m <= allowed ? "pass" : "fail", message: line };
}

export interface LinearCostSamples {
  /** Durations of the call with the full-size value. */
  readonly full: readonly number[];
  /** Durations of the same call with a value of half that size. */
  readonly half: readonly number[];
  /** Durations of the same call with a small invalid value (refused for a cheap reason). */
  readonly small: readonly number[];
}

export interface LinearCostRule {
  /** The spec's bound on the full-size call on an unloaded machine (AH-HDR-12: 2000 ms). */
  readonly limitMs: number;
  /** Full minus twice half above this many ms (and above a quarter of the full time) is superlinear. */
  readonly excessMs: number;
}

/**
 * A large value is refused in time linear in its size (AH-HDR-12), judged on the fastest of
 * samples taken alternately: (1) the cost must not grow faster than the size: with linear
 * cost T(full) ≤ 2·T(half); quadratic cost gives T(full) ≈ 4·T(half), at any machine speed;
 * (2) the full call is answered within the spec's bound, shifted by what the machine
 * needs for a cheap refusal of the same kind right now.
 */
export function judgeLinearCost(samples: LinearCostSamples, rule: LinearCostRule): TimingVerdict {
  const { full, half, small } = samples;
  if (!full.length || !half.length || !small.length)
    return { outcome: "untestable", message: "the size samples were not all taken" };
  // the fastest of each: machine noise only ever adds time, so the minimum is the cost
  const f = Math.min(...full);
  const h = Math.min(...half);
  const s = Math.min(...small);
  const excess = f - 2 * h;
  const line = `fastest of ${full.length}/${half.length}/${small.length}: full value ${ms(f)}, half ${ms(h)}, small ${ms(s)}; full − 2×half = ${ms(excess)}`;
  if (!Number.isFinite(f))
    return { outcome: "fail", message: `${line}: the full-size call was not answered` };
  if (excess > Math.max(rule.excessMs, f / 4))
    return { outcome: "fail", message: `${line}: the cost grows faster than the size (not linear)` };
  const allowed = rule.limitMs + s;
  if (f > allowed)
    return {
      outcome: "fail",
      message: `${line}: above ${rule.limitMs} ms + the small refusal (${ms(allowed)})`,
    };
  return { outcome: "pass", message: `${line}; within ${ms(allowed)}` };
}

/**
 * Repeated windows: a window that failed may be measured again (the caller decides when);
 * the verdict fails only if every window failed, since a burst of machine load hits one
 * window while a defect slows every one. Untestable windows count as neither.
 */
export function judgeWindows(verdicts: readonly TimingVerdict[]): TimingVerdict {
  if (verdicts.length === 0) return { outcome: "untestable", message: "no window was measured" };
  const label = (v: TimingVerdict, i: number) =>
    verdicts.length > 1 ? `window ${i + 1} of ${verdicts.length}: ${v.message}` : v.message;
  const all = verdicts.map(label).join("; ");
  if (verdicts.some((v) => v.outcome === "pass")) return { outcome: "pass", message: all };
  if (verdicts.some((v) => v.outcome === "fail")) return { outcome: "fail", message: all };
  return { outcome: "untestable", message: all };
}

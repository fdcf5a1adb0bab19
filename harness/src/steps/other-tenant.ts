// One tenant's slow or hostile call while another tenant keeps calling: the
// shape of every AH-NET-5 scenario (a hung server, a huge answer, a huge value).
import { answeredByApiServer } from "../checks/answer.js";
import { judgeNotDelayed } from "../checks/timing.js";
import type { McpSession } from "../mcp/client.js";
import type { ConformanceWorld, LastCall } from "../world/world.js";
import { SLOW } from "./state.js";

/** The relative rule alone (no absolute bound): a window that breaks it is measured again. */
export const OTHER_TENANT_RULE = { quantile: 1, factor: 3, floorMs: 0 } as const;

/**
 * Starts `slowCall`, lets it get under way, makes `n` calls of `other` on
 * `session` meanwhile, and keeps the slow call as the scenario's last call.
 * The other tenant's session is opened by the caller before, so its calls, not
 * a connect, are what is measured. Its control calls (the same calls without the
 * slow one in flight) come before and after. A window slower than the control
 * allows is measured once more: a burst of machine load hits one window, a defect
 * every one (checks/timing.ts judgeWindows).
 */
export async function whileOtherTenantCalls(
  world: ConformanceWorld,
  slowCall: () => Promise<LastCall>,
  other: { who: string; tool: string; n: number; session: McpSession; headStartMs: number },
): Promise<void> {
  const control: number[] = [];
  const windows: number[][] = [];
  const oneCall = async (asControl: boolean) => {
    const o = await world.calls.call(other.tool, {
      headers: world.identities.headersOf(other.who),
      label: world.identities.labelOf(other.who),
      session: other.session,
      ...(asControl ? { control: true } : {}),
    });
    return o;
  };
  // an API server's answer, a refusal of the credential included, times the provider as well as
  // a result does: a broken identity must not hide a tenant stalled by another (AH-AUTH-1 is
  // judged elsewhere)
  const answered = (o: LastCall) => answeredByApiServer(o.answer);
  const ms = (o: LastCall) => (answered(o) ? o.answer.durationMs : Number.POSITIVE_INFINITY);
  for (let i = 0; i < other.n; i++) control.push(ms(await oneCall(true)));
  for (let attempt = 1; attempt <= 2; attempt++) {
    const state = world.features.set(SLOW, { otherMs: [], other: other.who, control, windows });
    const t0 = performance.now();
    const slow = slowCall().then((r) => {
      state.ms = performance.now() - t0;
      return r;
    });
    await new Promise((r) => setTimeout(r, other.headStartMs));
    for (let i = 0; i < other.n; i++) {
      const o = await oneCall(false);
      state.otherMs.push(ms(o));
      if (!answered(o)) state.otherFailure ??= o.answer;
    }
    world.calls.last = await slow;
    for (let i = 0; i < other.n; i++) control.push(ms(await oneCall(true)));
    windows.push(state.otherMs);
    // a failed call is a finding, not noise; a window within the control needs no second look
    if (state.otherFailure) break;
    if (judgeNotDelayed(other.who, state.otherMs, control, OTHER_TENANT_RULE).outcome !== "fail") break;
  }
}

// One tenant's slow or hostile call while another tenant keeps calling: the
// shape of every AH-NET-5 scenario (a hung server, a huge answer, a huge value).
import type { McpSession } from "../mcp/client.js";
import type { ConformanceWorld, LastCall } from "../world/world.js";

/**
 * Starts `slowCall`, lets it get under way, makes `n` calls of `other` on
 * `session` meanwhile, and keeps the slow call as the scenario's last call.
 * The other tenant's session is opened by the caller before, so its calls, not
 * a connect, are what is measured.
 */
export async function whileOtherTenantCalls(
  world: ConformanceWorld,
  slowCall: () => Promise<LastCall>,
  other: { who: string; tool: string; n: number; session: McpSession; headStartMs: number },
): Promise<void> {
  world.slow = { otherMs: [], other: other.who };
  const state = world.slow;
  const control: number[] = [];
  otherTenantControl.set(world, control);
  const oneCall = async () => {
    const o = await world.call(other.tool, {
      headers: world.headersOf(other.who),
      label: world.labelOf(other.who),
      session: other.session,
      control: true,
    });
    return o.answer.kind === "result" ? o.answer.durationMs : Number.POSITIVE_INFINITY;
  };
  // the control: the same calls without the slow one in flight, before and after it
  for (let i = 0; i < other.n; i++) control.push(await oneCall());
  const t0 = performance.now();
  const slow = slowCall().then((r) => {
    state.ms = performance.now() - t0;
    return r;
  });
  await new Promise((r) => setTimeout(r, other.headStartMs));
  for (let i = 0; i < other.n; i++) {
    const o = await world.call(other.tool, {
      headers: world.headersOf(other.who),
      label: world.labelOf(other.who),
      session: other.session,
    });
    state.otherMs.push(o.answer.kind === "result" ? o.answer.durationMs : Number.POSITIVE_INFINITY);
    if (o.answer.kind !== "result") state.otherFailure ??= o.answer;
  }
  world.last = await slow;
  for (let i = 0; i < other.n; i++) control.push(await oneCall());
}

/**
 * The other tenant's control calls of each scenario (checks/timing.ts judges against them).
 * Kept beside the World, not in it, until the World's services take it over.
 */
export const otherTenantControl = new WeakMap<ConformanceWorld, number[]>();

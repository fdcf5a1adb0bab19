// One tenant's slow or hostile call while another tenant keeps calling: the
// shape of every AH-NET-5 scenario (a hung server, a huge answer, a huge value).
import type { McpSession } from "../mcp/client.js";
import type { ConformanceWorld, LastCall } from "../world/world.js";
import { SLOW } from "./state.js";

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
  const control: number[] = [];
  const state = world.features.set(SLOW, { otherMs: [], other: other.who, control });
  const oneCall = async () => {
    const o = await world.calls.call(other.tool, {
      headers: world.identities.headersOf(other.who),
      label: world.identities.labelOf(other.who),
      session: other.session,
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
    const o = await world.calls.call(other.tool, {
      headers: world.identities.headersOf(other.who),
      label: world.identities.labelOf(other.who),
      session: other.session,
    });
    state.otherMs.push(o.answer.kind === "result" ? o.answer.durationMs : Number.POSITIVE_INFINITY);
    if (o.answer.kind !== "result") state.otherFailure ??= o.answer;
  }
  world.calls.last = await slow;
  for (let i = 0; i < other.n; i++) control.push(await oneCall());
}

/**
 * Clock re-timing (docs/gateway.md#clocks): every frame bounds its boot's offset (epoch - uptime) from above, as it
 * can only arrive after it was sent; a better (smaller) offset re-times the boot's unsynced events and queues
 * their terminals for a rebuild.
 */
import type { HandlerContext } from "./context.ts";

export function observeOffset(ctx: HandlerContext, serial: string, boot: string, candidate: number, now: number): void {
  const s = ctx.store;
  const improved = s.boots.observe(serial, boot, candidate, now);
  if (improved === undefined) return;
  for (const [terminal, from] of s.events.retime(serial, boot, improved)) s.derived.enqueue(terminal, from);
}

/**
 * Clock re-timing (docs/gateway.md#clocks): every frame bounds its boot's offset (epoch - uptime) from above, as it
 * can only arrive after it was sent; a better (smaller) offset re-times the boot's unsynced events and queues
 * their terminals for a rebuild. A boot's offset is *known* once a frame arrived that a device sends only live, in
 * the boot it names (`hello`, `status`); until then its unsynced events are untimed, and the first such frame
 * places them (docs/decisions.md, "An unsynced event whose boot was never heard live is untimed").
 */
import type { HandlerContext } from "./context.ts";

/** `live`: the frame is a `hello` or `status`, never replayed from an outbox. */
export function observeOffset(ctx: HandlerContext, serial: string, boot: string, candidate: number, now: number, live: boolean): void {
  const s = ctx.store;
  const improved = s.boots.observe(serial, boot, candidate, now);
  if (improved !== undefined) for (const [terminal, from] of s.events.retime(serial, boot, improved)) s.derived.enqueue(terminal, from);
  if (!live || !s.boots.heardLive(serial, boot, now)) return;
  const placed = s.events.place(serial, boot, s.boots.offset(serial, boot) as number);
  for (const [terminal, from] of placed) s.derived.enqueue(terminal, from);
  if (placed.size > 0) ctx.log.info({ device: serial, boot }, "boot heard live after its unsynced events: untimed events placed");
}

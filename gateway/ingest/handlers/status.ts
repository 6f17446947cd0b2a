/**
 * `status` (docs/protocol.md, `status`): records the device's health, logs changes of its clock offset, and sends
 * `time` again when its clock is off by more than the tolerance (docs/gateway.md#clocks).
 */
import type { StatusMsg } from "../../../protocol/schemas.ts";
import { setBounded } from "../bounded.ts";
import type { Item, Outgoing } from "../item.ts";
import { observeOffset } from "./clock.ts";
import type { HandlerContext } from "./context.ts";

export function onStatus(ctx: HandlerContext, m: StatusMsg, it: Item, out: Outgoing[]): void {
  ctx.store.devices.status(m, it.link.id, it.receivedMs);
  observeOffset(ctx, m.d, m.b, it.receivedMs - m.up, it.receivedMs, true);
  if (m.clk === undefined) return;
  const offset = it.receivedMs - m.clk;
  const last = ctx.loggedOffsets.get(m.d);
  if (last === undefined || Math.abs(offset - last) >= 50) {
    setBounded(ctx.loggedOffsets, m.d, offset);
    ctx.store.boots.log(m.d, it.receivedMs, "offset", offset);
  }
  if (Math.abs(offset) > ctx.clockToleranceMs) {
    out.push({ link: it.link, msg: { t: "time", d: m.d, ms: it.receivedMs } });
    ctx.store.boots.log(m.d, it.receivedMs, "time_sent", it.receivedMs);
  }
}

/**
 * `hello` (docs/protocol.md, `hello`): records the device, answers with the gateway's clock and, when paired, its
 * config; a device unpaired while it was away is told `unpair` again.
 */
import type { HelloMsg } from "../../../protocol/schemas.ts";
import { configFor } from "../../terminals/config.ts";
import type { Item, Outgoing } from "../item.ts";
import { observeOffset } from "./clock.ts";
import type { HandlerContext } from "./context.ts";

export function onHello(ctx: HandlerContext, m: HelloMsg, it: Item, out: Outgoing[]): void {
  const s = ctx.store;
  s.devices.hello(m, it.link.id, it.receivedMs);
  observeOffset(ctx, m.d, m.b, it.receivedMs - m.up, it.receivedMs, true);
  out.push({ link: it.link, msg: { t: "time", d: m.d, ms: it.receivedMs } });
  s.boots.log(m.d, it.receivedMs, "time_sent", it.receivedMs);
  const config = configFor(s, ctx.defaults, m.d, it.receivedMs);
  if (config) out.push({ link: it.link, msg: config });
  else {
    /* A device unpaired while it was away may still hold its config: tell it again (harmless if it does not). */
    if (s.terminals.firstPairing(m.d)) out.push({ link: it.link, msg: { t: "unpair", d: m.d } });
    ctx.log.info({ device: m.d, role: m.role, fw: m.fw, link: it.link.id }, "device is not paired (pending)");
  }
}

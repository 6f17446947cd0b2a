/** One handler per message type, as MQTT.js has one per packet type; each runs inside the batch's transaction. */
import type { Collected, Item } from "../item.ts";
import type { HandlerContext } from "./context.ts";
import { onEvent } from "./event.ts";
import { onHello } from "./hello.ts";
import { onStatus } from "./status.ts";

export function handle(ctx: HandlerContext, it: Item, batch: Collected): void {
  const m = it.msg;
  if (m.t === "hello") onHello(ctx, m, it, batch.out);
  else if (m.t === "status") onStatus(ctx, m, it, batch.out);
  else onEvent(ctx, m, it, batch);
}

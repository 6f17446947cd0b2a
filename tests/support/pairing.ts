/** Brings a connected scripted terminal to the paired state on an in-process gateway, as an installer would. */
import type { Gateway } from "../../gateway/app.ts";
import type { Connected } from "../../gateway/testkit/transports.ts";
import { pair } from "../../gateway/terminals/manage.ts";
import { waitFor } from "../../gateway/testkit/wait.ts";

export async function helloAndPair(gw: Gateway, c: Connected, point: string, store = "s1"): Promise<void> {
  const serial = c.terminal.serial;
  c.terminal.hello();
  await waitFor(`the hello of ${serial} stored`, () => (gw.ingest.flush(), gw.store.devices.get(serial)));
  pair(gw.store, { serial, store, point, question: "staff", timeZone: "UTC" }, Date.now());
  gw.workers.commands();
  await waitFor(`config on ${serial}`, () => c.terminal.config);
}

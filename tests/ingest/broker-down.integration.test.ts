import { describe, expect, it } from "vitest";
import { testGateway } from "../support/gateway.ts";
import { freePort, startMosquitto } from "../../gateway/testkit/mosquitto.ts";
import { overMqtt } from "../../gateway/testkit/transports.ts";
import { helloAndPair } from "../support/pairing.ts";
import { waitFor } from "../../gateway/testkit/wait.ts";

describe("an external broker that is down when the gateway starts", () => {
  it("does not stop the gateway, which connects once the broker is up", { timeout: 60_000 }, async () => {
    const port = await freePort();
    const gw = await testGateway({ mqtt: { url: `mqtt://127.0.0.1:${port}` } });
    try {
      expect(gw.store.events.count()).toBe(0);
      const broker = await startMosquitto("", port);
      try {
        const conn = await overMqtt({ serial: "LATE-1" }, broker.url);
        /* As an unpaired device does, say hello until heard: the gateway reconnects within its retry period. */
        await waitFor("the gateway to hear the device", () => (conn.terminal.hello(), gw.ingest.flush(), gw.store.devices.get("LATE-1")), 20_000);
        await helloAndPair(gw, conn, "late");
        conn.terminal.press("short");
        await conn.terminal.drained();
        await waitFor("the event stored", () => gw.store.events.count() === 1);
        await conn.close();
      } finally {
        await broker.stop();
      }
    } finally {
      await gw.stop();
    }
  });
});

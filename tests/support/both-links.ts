/**
 * A real gateway with one paired terminal on each link: a socat pty (serial) and the embedded broker (MQTT), as the
 * ingest's flood and bad-input tests start it.
 */
import type { Gateway } from "../../gateway/app.ts";
import { ptyPair } from "../../gateway/testkit/socat.ts";
import { overGatewayMqtt, overSerial, type Connected } from "../../gateway/testkit/transports.ts";
import { waitFor } from "../../gateway/testkit/wait.ts";
import { testGateway } from "./gateway.ts";
import { helloAndPair } from "./pairing.ts";

export interface BothLinks {
  gw: Gateway;
  serialDev: Connected;
  mqttDev: Connected;
  /** Closes the terminals, the gateway and the pty. */
  close(): Promise<void>;
}

/** Starts the gateway and pairs `serials.serial` over the pty and `serials.mqtt` over MQTT, both in store "flood". */
export async function pairedOnBothLinks(serials: { serial: string; mqtt: string }): Promise<BothLinks> {
  const pty = await ptyPair();
  const gw = await testGateway({ serial: { ports: [{ path: pty.gateway }] } });
  await waitFor("port open", () => gw.serial[0]?.isOpen);
  const serialDev = await overSerial({ serial: serials.serial }, pty.device);
  const mqttDev = await overGatewayMqtt({ serial: serials.mqtt }, gw);
  await helloAndPair(gw, serialDev, "s", "flood");
  await helloAndPair(gw, mqttDev, "m", "flood");
  return {
    gw,
    serialDev,
    mqttDev,
    close: async () => {
      await serialDev.close();
      await mqttDev.close();
      await gw.stop();
      await pty.close();
    },
  };
}

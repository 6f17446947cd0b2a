/**
 * Asks the freshly started firmware for its version with the protocol's `query` down message
 * (docs/protocol.md "unpair, query, identify"); the firmware answers with `hello`, whose `fw` is its version.
 * Over serial the query goes through the firmware's one REPL entry (protocol/repl.ts); over MQTT through the
 * broker, on the device's down topic, and the hello comes back on its up topic.
 */
import mqtt from "mqtt";
import { gatewayEnd } from "../../protocol/endpoints.ts";
import { replCall } from "../../protocol/repl.ts";
import type { HelloMsg } from "../../protocol/schemas.ts";
import { downTopic, upTopic } from "../../protocol/topics.ts";
import { GatewayError } from "../errors.ts";
import { QUERY_EVERY_MS } from "./constants.ts";
import { ReplTimeout, type ReplClient } from "./repl-client.ts";

export interface Verified {
  serial: string;
  fw: string;
  role: string;
  caps: string[];
  via: string;
}

function queryLine(serial: string): string {
  const r = gatewayEnd().encode({ t: "query", d: serial });
  if (!r.ok) throw new GatewayError("invalid", `cannot build a query for device ${serial}: ${r.reason}`);
  return r.line;
}

function helloOf(serial: string) {
  const end = gatewayEnd();
  return (line: string): HelloMsg | undefined => {
    const r = end.decode(line);
    return r.ok && r.msg.t === "hello" && r.msg.d === serial ? r.msg : undefined;
  };
}

const verified = (h: HelloMsg, via: string): Verified => ({ serial: h.d, fw: h.fw, role: h.role, caps: h.cap, via });

export async function verifyOverRepl(repl: ReplClient, serial: string, timeoutMs: number): Promise<Verified> {
  const call = replCall(queryLine(serial));
  try {
    const h = await repl.line(helloOf(serial), "the version query", timeoutMs, { everyMs: QUERY_EVERY_MS, send: () => repl.write(call) });
    return verified(h, "over the serial REPL");
  } catch (e) {
    if (!(e instanceof ReplTimeout)) throw e;
    throw new GatewayError(
      "no_answer",
      `the firmware was stored but did not answer the version query within ${timeoutMs} ms (heard ${e.heard}). ` +
        `Power-cycle the board and run \`loyalty ports\`; if it still does not answer, run the flash command again`,
    );
  }
}

export async function verifyOverMqtt(url: string, prefix: string, serial: string, timeoutMs: number): Promise<Verified> {
  const client = mqtt.connect(url, { clean: true, reconnectPeriod: 0, connectTimeout: Math.min(timeoutMs, 5000) });
  const pick = helloOf(serial);
  let timer: NodeJS.Timeout | undefined;
  let repeat: NodeJS.Timeout | undefined;
  try {
    return await new Promise<Verified>((resolve, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new GatewayError(
              "no_answer",
              `the firmware was stored but did not answer the version query over MQTT (${url}, prefix ${prefix}) within ${timeoutMs} ms: ` +
                `check the WiFi name and password and that the terminal reaches the broker at the --broker address; \`loyalty status\` shows it once it connects`,
            ),
          ),
        timeoutMs,
      );
      client.on("error", (err) => reject(new GatewayError("no_answer", `cannot reach the broker ${url} to ask the firmware for its version: ${err.message}`)));
      client.on("message", (_topic, payload) => {
        const h = pick(payload.toString("latin1"));
        if (h) resolve(verified(h, `over MQTT (${url})`));
      });
      client.on("connect", () => {
        client.subscribe(upTopic(prefix, serial), { qos: 1 }, () => {
          const q = queryLine(serial).replace(/\n$/, "");
          const send = () => client.publish(downTopic(prefix, serial), q, { qos: 1 });
          send();
          repeat = setInterval(send, QUERY_EVERY_MS);
        });
      });
    });
  } finally {
    clearTimeout(timer);
    clearInterval(repeat);
    await client.endAsync(true);
  }
}

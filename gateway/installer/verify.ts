/**
 * Asks the freshly started firmware for its version with the protocol's `query` down message
 * (docs/protocol.md "unpair, query, identify"); the firmware answers with `hello`, whose `fw` is its version.
 * Over serial the query goes through the firmware's one REPL entry (protocol/repl.ts); over MQTT the hello that
 * the firmware sends at connect is read from the gateway's database.
 */
import { gatewayEnd } from "../../protocol/endpoints.ts";
import { replCall } from "../../protocol/repl.ts";
import type { HelloMsg } from "../../protocol/schemas.ts";
import { GatewayError } from "../errors.ts";
import { GATEWAY_POLL_MS, QUERY_EVERY_MS } from "./constants.ts";
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

/** What `loyalty flash` needs of the gateway's database for an MQTT terminal (cli/flash-command.ts opens it). */
export interface GatewayRecord {
  /** Registers a new secret for the device (replacing and un-revoking any earlier one) and returns it. */
  issue(serial: string): string;
  /** The device as the gateway last stored it: the boot and the identity of its last hello. */
  device(serial: string): { boot: string | null; fw: string | null; role: string | null; caps: string[] } | undefined;
  /** Where that database is, for messages. */
  where: string;
}

/**
 * Over MQTT the firmware says `hello` at every connect, and the gateway stores it: the new firmware is verified
 * once the gateway's database holds a hello of a boot other than `before` (the one it had before `load()`). Nobody
 * else can ask the device: the broker admits only devices, each to its own topics (docs/protocol.md "MQTT").
 */
export async function verifyThroughGateway(gw: GatewayRecord, serial: string, before: string | null | undefined, timeoutMs: number, prefix: string): Promise<Verified> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = gw.device(serial);
    if (d && d.boot !== before && d.fw && d.role) return { serial, fw: d.fw, role: d.role, caps: d.caps, via: `through the gateway (it stored the hello, ${gw.where})` };
    if (Date.now() > deadline) {
      throw new GatewayError(
        "no_answer",
        `the firmware was stored but the gateway (${gw.where}) did not hear its hello over MQTT (prefix ${prefix}) within ${timeoutMs} ms: ` +
          `is the gateway running with this database? Check the WiFi name and password and that the terminal reaches the broker at the --broker address; \`loyalty status\` shows it once it connects`,
      );
    }
    await new Promise((r) => setTimeout(r, GATEWAY_POLL_MS));
  }
}

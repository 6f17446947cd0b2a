/**
 * End to end on the real runtime: the built firmware in the real Espruino interpreter talks to the real gateway,
 * over a socat pseudo-terminal cabled to the interpreter's console (the serial path a store uses: the gateway
 * writes `\x10LB(...)` into the REPL) and over MQTT through the interpreter's real sockets, to the gateway's
 * embedded broker and to Mosquitto. The installer pairs it; the seller and the customer press their buttons
 * (through the GPIO lines); surveys and force-majeure periods appear in the gateway's database.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Gateway } from "../../gateway/app.ts";
import { connectSerialPath } from "../../firmware/sim/index.ts";
import { testGateway } from "../support/gateway.ts";
import { startMosquitto } from "../../gateway/testkit/mosquitto.ts";
import { ptyPair } from "../../gateway/testkit/socat.ts";
import { waitFor } from "../../gateway/testkit/wait.ts";
import { expectDayDerived, pairBoard } from "../support/pairing.ts";
import { createInterpreterBoard, type InterpreterBoard } from "../../firmware/interpreter/board.ts";
import { realBundle, sleep } from "../../firmware/interpreter/peer.ts";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A short press answered Yes, then a force-majeure long press (held past the default L of 3 s). */
async function playDay(board: InterpreterBoard): Promise<void> {
  board.down("seller");
  await sleep(150);
  board.up("seller");
  await sleep(400);
  board.down("yes");
  await sleep(150);
  board.up("yes");
  await sleep(400);
  board.down("seller");
  await sleep(3600);
  board.up("seller");
}

async function expectDerived(gw: Gateway, terminal: string): Promise<void> {
  await expectDayDerived(gw, terminal, 30_000);
  const synced = gw.store.db.prepare("SELECT count(*) AS n FROM events WHERE terminal_id = ? AND synced = 1").get(terminal) as { n: number };
  expect(synced.n).toBe(3);
}

describe("the firmware on the real interpreter against the real gateway", () => {
  it("over a socat pseudo-terminal to the interpreter's console (Espruino Pico, REPL form)", { timeout: 120_000 }, async () => {
    const pty = await ptyPair();
    cleanups.push(() => pty.close());
    const gw = await testGateway({ serial: { ports: [{ path: pty.gateway }] } });
    cleanups.push(() => gw.stop());
    await waitFor("port open", () => gw.serial[0]?.isOpen);
    const cable = connectSerialPath(pty.device);
    cleanups.push(() => cable.close());
    const board = createInterpreterBoard({ board: "pico", serial: "REAL-PTY-1", onWrite: (d) => cable.write(d) });
    cleanups.push(() => board.close());
    cable.attach(board);
    await board.flash(await realBundle("pico", "combo", "serial"));
    await pairBoard(gw, { serial: "REAL-PTY-1", store: "real", point: "serial", stored: async () => (await board.evaluate("LB_.s.c!==undefined")) === true, ms: 30_000 });
    expect(gw.store.devices.get("REAL-PTY-1")?.caps).toContain("repl");
    await playDay(board);
    await expectDerived(gw, "real.serial");
  });

  it.each([
    ["ESP8266", "the embedded broker", "esp8266"],
    ["Espruino WiFi", "Mosquitto", "wifi"],
  ])("over MQTT (%s) through %s", { timeout: 120_000 }, async (_name, via, profile) => {
    let url: string | undefined;
    if (via === "Mosquitto") {
      const m = await startMosquitto();
      cleanups.push(() => m.stop());
      url = m.url;
    }
    const gw = await testGateway(url ? { mqtt: { url } } : {});
    cleanups.push(() => gw.stop());
    const port = Number(new URL(url ?? gw.mqttUrl).port);
    const serial = "REAL-MQTT-" + profile.toUpperCase();
    const board = createInterpreterBoard({ board: profile, serial, wifi: true });
    cleanups.push(() => board.close());
    /* On the embedded broker the board logs in with its own credential, issued in the gateway's database as `loyalty flash` does. */
    const k = url ? {} : { k: gw.store.credentials.issue(serial, Date.now()) };
    await board.flash(await realBundle(profile, "combo", "mqtt"), { lbnet: JSON.stringify({ ssid: "shop", pass: "x", host: "127.0.0.1", port, ...k }) });
    await pairBoard(gw, { serial, store: "real", point: "mqtt", stored: async () => (await board.evaluate("LB_.s.c!==undefined")) === true, ms: 30_000 });
    await playDay(board);
    await expectDerived(gw, "real.mqtt");
  });
});

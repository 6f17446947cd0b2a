/**
 * End to end: the built firmware bundle in the simulator talks to the real gateway, over a real pseudo-terminal
 * (socat) and over MQTT through the embedded broker. The installer pairs it; the seller and the customer press;
 * surveys and force-majeure periods appear in the gateway's database.
 */
import { afterEach, describe, expect, it } from "vitest";
import { buildFirmware } from "../../firmware/build/build.ts";
import { connectSerialPath, createFlash, createSimulatedBoard, type SimBoard } from "../../firmware/sim/index.ts";
import pino from "pino";
import { startGateway } from "../../gateway/app.ts";
import { testConfig } from "../../gateway/testkit/config.ts";
import { testGateway } from "../support/gateway.ts";
import { ptyPair } from "../../gateway/testkit/socat.ts";
import { waitFor } from "../../gateway/testkit/wait.ts";
import { expectDayDerived, pairBoard } from "../support/pairing.ts";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A short press answered Yes, then a force-majeure long press (held past L = 3 s), as a seller would. */
async function playDay(board: SimBoard): Promise<void> {
  board.press("seller", 120);
  await new Promise((r) => setTimeout(r, 400));
  board.press("yes", 120);
  await new Promise((r) => setTimeout(r, 400));
  board.pressAndHold("seller");
  await new Promise((r) => setTimeout(r, 3400));
  board.release("seller");
}

describe("the firmware bundle against the real gateway", () => {
  it("over a socat pseudo-terminal (REPL form)", { timeout: 90_000 }, async () => {
    const pty = await ptyPair();
    cleanups.push(() => pty.close());
    const gw = await testGateway({ serial: { ports: [{ path: pty.gateway }] } });
    cleanups.push(() => gw.stop());
    await waitFor("port open", () => gw.serial[0]?.isOpen);
    const { code } = await buildFirmware({ board: "pico", write: false });
    const cable = connectSerialPath(pty.device);
    cleanups.push(() => cable.close());
    const board = createSimulatedBoard({ bundle: code, board: "pico", clock: "real", serialNumber: "SIM-SERIAL-1", onWrite: (d) => cable.write(d) });
    cleanups.push(() => board.stop());
    cable.attach(board);
    await pairBoard(gw, { serial: "SIM-SERIAL-1", store: "e2e", point: "serial", stored: () => board.flash.files.has("lbc"), ms: 20_000 });
    expect(gw.store.devices.get("SIM-SERIAL-1")?.caps).toContain("repl");
    await playDay(board);
    await expectDayDerived(gw, "e2e.serial", 20_000);
  });

  it("over MQTT through the embedded broker", { timeout: 90_000 }, async () => {
    const gw = await testGateway();
    cleanups.push(() => gw.stop());
    const port = Number(new URL(gw.mqttUrl).port);
    const { code } = await buildFirmware({ board: "wifi", write: false, net: { ssid: "shop", pass: "x", host: "127.0.0.1", port } });
    /* Its credential the way `loyalty flash` gives it: issued in the gateway's database, written to lbnet. */
    const flash = createFlash();
    flash.files.set("lbnet", { data: JSON.stringify({ k: gw.store.credentials.issue("SIM-MQTT-1", Date.now()) }), sf: false });
    const board = createSimulatedBoard({ bundle: code, board: "wifi", clock: "real", serialNumber: "SIM-MQTT-1", flash });
    cleanups.push(() => board.stop());
    await pairBoard(gw, { serial: "SIM-MQTT-1", store: "e2e", point: "mqtt", stored: () => board.flash.files.has("lbc"), ms: 20_000 });
    await playDay(board);
    await expectDayDerived(gw, "e2e.mqtt", 20_000);
  });

  it("over MQTT, a board without its credential, or with one a later flash replaced, is refused and never heard", { timeout: 60_000 }, async () => {
    /* The gateway's warnings, to see each refusal the broker makes. */
    const warnings: string[] = [];
    const gw = await startGateway(testConfig(), { log: pino({ level: "warn" }, { write: (line: string) => void warnings.push(line) }) });
    cleanups.push(() => gw.stop());
    const port = Number(new URL(gw.mqttUrl).port);
    const { code } = await buildFirmware({ board: "wifi", write: false, net: { ssid: "shop", pass: "x", host: "127.0.0.1", port } });
    const stale = gw.store.credentials.issue("SIM-STALE", Date.now());
    gw.store.credentials.issue("SIM-STALE", Date.now());
    const boards = (
      [
        ["SIM-NOKEY", undefined],
        ["SIM-STALE", stale],
        ["SIM-GOOD", gw.store.credentials.issue("SIM-GOOD", Date.now())],
      ] as const
    ).map(([serial, k]) => {
      const flash = createFlash();
      if (k) flash.files.set("lbnet", { data: JSON.stringify({ k }), sf: false });
      const board = createSimulatedBoard({ bundle: code, board: "wifi", clock: "real", serialNumber: serial, flash });
      cleanups.push(() => board.stop());
      return board;
    });
    const refused = (serial: string) => warnings.some((w) => w.includes("MQTT connection refused") && w.includes(`"username":"${serial}"`));
    await waitFor("both boards refused by the broker", () => refused("SIM-NOKEY") && refused("SIM-STALE"), 20_000);
    await waitFor("the hello of SIM-GOOD", () => (gw.ingest.flush(), gw.store.devices.get("SIM-GOOD")), 20_000);
    gw.ingest.flush();
    expect(gw.store.devices.all().map((d) => d.serial)).toEqual(["SIM-GOOD"]);
    expect(boards.map((b) => (b.context() as { LB_: { m?: { on: boolean } } }).LB_.m?.on)).toEqual([false, false, true]);
  });
});

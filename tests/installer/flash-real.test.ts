/**
 * `loyalty flash` against the real Espruino interpreter (firmware/interpreter/, the Pico's build and pool): its
 * console is cabled to a socat pseudo-terminal, as a board's USB console is to the installer's laptop. The
 * command probes the board, uploads into Storage `.bootcde` through the real REPL, checks the CRC the real
 * `E.CRC32` computes, restarts with the real `load()` and gets the firmware's hello; the firmware then survives
 * a power cycle, a second flash keeps its outbox, and a wrong --board is refused before anything is written.
 */
import { afterEach, describe, expect, it } from "vitest";
import { buildFirmware, FW_VERSION } from "../../firmware/build/build.ts";
import { createInterpreterBoard, type InterpreterBoard } from "../../firmware/interpreter/board.ts";
import { connectSerialPath } from "../../firmware/sim/index.ts";
import { configFor } from "../../firmware/interpreter/peer.ts";
import { crc32 } from "../../protocol/crc32.ts";
import { gatewayEnd } from "../../protocol/endpoints.ts";
import { replCall } from "../../protocol/repl.ts";
import { runCli } from "../support/cli.ts";
import { ptyPair } from "../../gateway/testkit/socat.ts";
import { waitFor } from "../../gateway/testkit/wait.ts";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const SERIAL = "FLASH-REAL-1";

async function blankPicoOnPty(): Promise<{ port: string; board: InterpreterBoard }> {
  const pty = await ptyPair();
  cleanups.push(() => pty.close());
  const cable = connectSerialPath(pty.device);
  cleanups.push(() => cable.close());
  const board = createInterpreterBoard({ board: "pico", serial: SERIAL, onWrite: (d) => cable.write(d) });
  cleanups.push(() => board.close());
  cable.attach(board);
  await board.blank();
  return { port: pty.gateway, board };
}

const storedCrc = async (board: InterpreterBoard) => ((await board.evaluate(`E.CRC32(require("Storage").read(".bootcde"))`)) as number) >>> 0;

describe("loyalty flash on the real interpreter", () => {
  it("uploads through the real REPL, restarts from flash, and the firmware answers; again over a running firmware", { timeout: 180_000 }, async () => {
    const { port, board } = await blankPicoOnPty();
    const bundle = (await buildFirmware({ board: "pico", write: false })).code;
    const r = await runCli("flash", "--port", port);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`Port ${port}: Espruino 2v29 on PICO_R1_3, serial ${SERIAL}\\n`));
    expect(r.out).toContain(`firmware ${FW_VERSION} answered: device ${SERIAL}, role combo, over the serial REPL`);
    expect(await storedCrc(board)).toBe(crc32(bundle));

    /* Power off and on: the board runs .bootcde by itself and says hello. */
    await board.kill();
    await board.boot();
    await waitFor("the hello after a power cycle", () => board.output().includes('"t":"hello"') || undefined, 30_000);
    expect(board.output()).toContain(`"fw":"${FW_VERSION}"`);

    /* Paired (a terminal drops presses until it is), an event waits in the outbox (nobody acks it here); flashing
       again replaces the firmware and keeps both. */
    const config = gatewayEnd().encode(configFor(SERIAL, "combo"));
    if (!config.ok) throw new Error(config.reason);
    board.serialInput(replCall(config.line));
    await waitFor("the config stored", async () => (await board.evaluate("LB_.s.c!==undefined")) === true || undefined, 20_000);
    board.down("yes");
    await new Promise((res) => setTimeout(res, 200));
    board.up("yes");
    await waitFor("the event in flash", async () => ((await board.evaluate("LB_.o.f.length")) as number) > 0 || undefined, 20_000);
    const kept = (await board.evaluate("LB_.o.f[0].l")) as string;
    const [keptBoot, keptSeq] = kept.split(",");
    /* From here on, what the board prints is the new firmware's (and the upload's). */
    board.clearOutput();
    const again = await runCli("flash", "--port", port);
    expect(again.err).toBe("");
    expect(again.code).toBe(0);
    expect(again.out).toContain("runs a loyalty firmware now; it is replaced, its outbox and pairing are kept");
    const resent = new RegExp(`"t":"event","d":"${SERIAL}","b":"${keptBoot}","n":${keptSeq},"k":"yes"`);
    /* After the new firmware's first hello: the old one was stopped by reset() before the upload. */
    const fromNew = () => board.output().slice(Math.max(0, board.output().indexOf('"t":"hello"')));
    await waitFor("the kept event sent again by the new firmware", () => (board.output().includes('"t":"hello"') && resent.test(fromNew())) || undefined, 30_000);
    expect(await storedCrc(board)).toBe(crc32(bundle));
    expect(await board.evaluate("LB_.s.c!==undefined")).toBe(true);
  });

  it("refuses a --board the real interpreter does not report, before writing anything", { timeout: 60_000 }, async () => {
    const { port, board } = await blankPicoOnPty();
    const r = await runCli("flash", "--port", port, "--board", "esp8266", "--transport", "serial");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^the board on .* reports PICO_R1_3, but --board esp8266 builds for ESP8266_4MB: pass the --board that matches \(pico = PICO_R1_3, wifi = ESPRUINOWIFI, esp32 = ESP32, esp8266 = ESP8266_4MB\)/);
    expect(await board.evaluate(`require("Storage").list()`)).toEqual([".boot0"]);
  });
});

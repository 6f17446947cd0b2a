/**
 * `loyalty flash`: build the firmware, check the board, (MQTT) write its network settings and a new per-device
 * secret registered in the gateway's database, upload the bundle into the Storage file `.bootcde` (the file
 * Espruino runs at every boot, so it survives power-off), check its CRC, restart from flash with `load()`, and
 * check the running firmware's version (serial: the `query` down message, answered by `hello` with its `fw`;
 * MQTT: the hello the gateway stored). docs/installer.md "Flash" and docs/decisions.md ("our uploader, not the espruino package") say why.
 *
 * A failure at any step leaves the board with its REPL (Espruino's own firmware is never touched): running the
 * command again starts over from the first byte.
 */
import { buildFirmware, FW_VERSION, type BuildResult } from "../../firmware/build/build.ts";
import { BOARDS } from "../../firmware/build/boards.ts";
import { crc32 } from "../../protocol/crc32.ts";
import { GatewayError } from "../errors.ts";
import type { FlashRequest } from "./flash-options.ts";
import { ReplClient, ReplTimeout } from "./repl-client.ts";
import { CRC_EXPR, SPACE_EXPR, storageWrites, type ProbeAnswer } from "./repl-text.ts";
import { openTextPort, type TextPort } from "./serial-open.ts";
import { probeBoard } from "./probe.ts";
import { verifyOverRepl, verifyThroughGateway, type GatewayRecord, type Verified } from "./verify.ts";

export interface FlashResult {
  board: ProbeAnswer;
  bytes: number;
  crc: number;
  verified: Verified;
}

export interface FlashDeps {
  /** One progress line for the installer. */
  say(line: string): void;
  /** Builds the firmware (default: buildFirmware in memory). */
  build?(req: FlashRequest): Promise<BuildResult>;
  open?(path: string): Promise<TextPort>;
  /** MQTT terminals: the gateway's database, where the device's credential is registered and its hello awaited. */
  gateway?: GatewayRecord;
}

const n = (x: number) => x.toLocaleString("en-US");

async function buildFor(req: FlashRequest, deps: FlashDeps): Promise<BuildResult> {
  const b = deps.build ? await deps.build(req) : await buildFirmware({ board: req.board, role: req.role, transport: req.transport, write: false });
  if (b.findings.length) {
    throw new GatewayError("invalid", `the firmware build has ${b.findings.length} construct(s) outside the Espruino subset (npm run firmware:build prints them); nothing was uploaded`);
  }
  if (b.overBudget) {
    throw new GatewayError("too_large", `the firmware is too large for the ${req.board} board: ${n(b.bytes)} bytes, the board's budget is ${n(b.budget)} (firmware/build/boards.ts); nothing was uploaded`);
  }
  return b;
}

export async function flash(req: FlashRequest, deps: FlashDeps): Promise<FlashResult> {
  const say = deps.say;
  say(`Building the firmware: board ${req.board}, role ${req.role}, ${req.transport} ...`);
  const build = await buildFor(req, deps);
  const bytes = Buffer.from(build.code, "utf8");
  const crc = crc32(bytes.toString("latin1"));
  say(`  ${n(bytes.length)} bytes (budget ${n(build.budget)}), firmware ${FW_VERSION}`);

  const port = await (deps.open ?? openTextPort)(req.port);
  const repl = new ReplClient(port, req.answerTimeoutMs);
  try {
    const board = await probeBoard(repl, req.port);
    say(`Port ${req.port}: Espruino ${board.version} on ${board.board}, serial ${board.serial}${board.firmware ? " (runs a loyalty firmware now; it is replaced, its outbox and pairing are kept)" : ""}`);
    const want = (BOARDS[req.board] as (typeof BOARDS)[string]).espruino;
    if (board.board !== want) {
      throw new GatewayError("wrong_board", `the board on ${req.port} reports ${board.board}, but --board ${req.board} builds for ${want}: pass the --board that matches (${Object.entries(BOARDS).map(([k, b]) => k + " = " + b.espruino).join(", ")})`);
    }
    const space = (await step(repl, SPACE_EXPR, "the free Storage query", 0, bytes.length)) as unknown;
    if (Array.isArray(space) && typeof space[0] === "number" && typeof space[1] === "number" && space[0] + space[1] < bytes.length) {
      throw new GatewayError("too_large", `the firmware is too large for the board's Storage: ${n(bytes.length)} bytes, ${n(space[0] + space[1])} free; erase unused files (require("Storage").eraseAll() wipes everything, including the outbox and, on ESP boards, the boot counter: docs/protocol.md "Boot id") and run again; nothing was uploaded`);
    }

    /* reset(): stops the running program (RAM only; Storage keeps the outbox, config and lbnet). */
    repl.write("\x10reset();\n");
    await step(repl, "1", "the REPL after reset()", 0, bytes.length);
    /* The gateway's record of the device before the restart: the new firmware's hello has another boot id. */
    const before = req.net ? gateway(deps).device(board.serial)?.boot : undefined;
    if (req.net) {
      /*
       * A new secret at every flash, registered (its hash) before the board can use it; the previous one stops
       * working. It goes only to the board's Storage, never into the bundle or onto the screen.
       */
      const k = gateway(deps).issue(board.serial);
      const ok = await step(repl, `require("Storage").write("lbnet",${JSON.stringify(JSON.stringify({ ...req.net, k }))})`, "writing the network settings (lbnet)", 0, bytes.length);
      if (ok !== true) throw new GatewayError("upload_failed", `the board refused to store its network settings (Storage.write returned ${JSON.stringify(ok)}); run the same command again`);
      say(`  network: WiFi ${req.net.ssid}, broker ${req.net.tls ? "mqtts" : "mqtt"}://${req.net.host}:${req.net.port}, prefix ${req.net.prefix} (Storage file lbnet)`);
      say(`  MQTT credential: user ${board.serial} and a new secret, on the board only; the gateway's database (${gateway(deps).where}) keeps its hash`);
    }

    say(`Uploading ${n(bytes.length)} bytes into Storage .bootcde ...`);
    let done = 0;
    for (const chunk of storageWrites(bytes)) {
      const ok = await step(repl, chunk.expr, "a Storage write", done, bytes.length);
      if (ok !== true) throw halfway(done, bytes.length, `the board refused a Storage write (returned ${JSON.stringify(ok)})`);
      done = chunk.end;
    }
    const stored = await step(repl, CRC_EXPR, "the CRC check", done, bytes.length);
    if (stored !== crc) throw halfway(done, bytes.length, `the stored file's CRC is ${String(stored)}, the bundle's ${crc}`);
    say(`  stored and checked (CRC-32 ${crc.toString(16).padStart(8, "0")})`);

    say("Restarting the board from flash (load()) and asking the firmware for its version ...");
    repl.write("\x10load();\n");
    const verified =
      req.transport === "serial"
        ? await verifyOverRepl(repl, board.serial, req.verifyTimeoutMs)
        : await verifyThroughGateway(gateway(deps), board.serial, before, req.verifyTimeoutMs, (req.net as { prefix: string }).prefix);
    if (verified.fw !== FW_VERSION || verified.role !== req.role) {
      throw new GatewayError("upload_failed", `the board answered with firmware ${verified.fw} (${verified.role}), expected ${FW_VERSION} (${req.role}): the new firmware did not start; run the same command again`);
    }
    say(`  firmware ${verified.fw} answered: device ${verified.serial}, role ${verified.role}, ${verified.via}`);
    return { board, bytes: bytes.length, crc, verified };
  } finally {
    repl.close();
    await port.close();
  }
}

function gateway(deps: FlashDeps): GatewayRecord {
  if (!deps.gateway) throw new GatewayError("invalid", "an MQTT terminal is flashed where the gateway's database is: its credential is registered there");
  return deps.gateway;
}

/* One REPL round trip of the upload; a silent board here means the upload stopped half-way. */
async function step(repl: ReplClient, expr: string, what: string, done: number, total: number): Promise<unknown> {
  try {
    return await repl.evaluate(expr, what);
  } catch (e) {
    if (e instanceof ReplTimeout) throw halfway(done, total, `the board stopped answering (${e.message}; last heard ${e.heard})`);
    throw e;
  }
}

function halfway(done: number, total: number, why: string): GatewayError {
  return new GatewayError(
    "upload_failed",
    `upload failed after ${n(done)} of ${n(total)} bytes: ${why}. The board keeps its Espruino REPL; check the cable and run the same command again (a retry is safe: it starts over from the first byte)`,
  );
}

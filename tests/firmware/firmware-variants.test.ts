/**
 * Build variants on the simulator: raw serial lines on a UART (console moved off it) and the keypad/seller roles.
 */
import { describe, expect, it } from "vitest";
import { createSimulatedBoard } from "../../firmware/sim/index.ts";
import { gatewayEnd } from "../../protocol/endpoints.ts";
import type { UpMsg } from "../../protocol/schemas.ts";
import { bundle, CONFIG, pair, serialPeer, SERIAL } from "./helpers.ts";

describe("firmware variants", () => {
  it("--raw on Serial1: frames as raw lines both ways, no repl capability, REPL text never reaches the port", async () => {
    const code = await bundle({ board: "pico", port: "Serial1", raw: true });
    const out: string[] = [];
    const board = createSimulatedBoard({ bundle: code, board: "pico", port: "Serial1", onWrite: (d) => out.push(d) });
    const end = gatewayEnd();
    const msgs = () => out.join("").split("\n").filter(Boolean).map((l) => end.decode(l));
    expect(msgs().every((r) => r.ok)).toBe(true);
    const hello = msgs()[0] as { ok: true; msg: UpMsg };
    expect(hello.msg).toMatchObject({ t: "hello", cap: ["serial", "led", "flash"] });
    const cfg = end.encode({ ...CONFIG });
    board.serialInput(cfg.ok ? cfg.line.slice(0, 40) : "");
    board.serialInput(cfg.ok ? cfg.line.slice(40) : "");
    expect(board.flash.files.has("lbc")).toBe(true);
    board.serialInput("1+1\n");
    board.press("no", 60);
    board.advance(300);
    const all = msgs();
    expect(all.every((r) => r.ok)).toBe(true);
    expect(all.some((r) => r.ok && r.msg.t === "event" && r.msg.k === "no")).toBe(true);
    board.stop();
  });

  it("keypad role: reports keys only, and every answer shows the thank-you", async () => {
    const code = await bundle({ board: "pico", role: "keypad" });
    const p = serialPeer(code);
    expect(p.read()[0]).toMatchObject({ t: "hello", role: "keypad", d: SERIAL });
    pair(p);
    p.board.press("seller", 100);
    p.board.press("unsure", 100);
    p.board.advance(300);
    expect(p.events().map((e) => e.k)).toEqual(["unsure"]);
    expect(p.board.leds()).toEqual({ green: true, red: false });
  });

  it("seller role: reports the seller button only", async () => {
    const code = await bundle({ board: "pico", role: "seller" });
    const p = serialPeer(code);
    pair(p);
    p.board.press("yes", 100);
    p.board.press("seller", 100);
    p.board.advance(300);
    expect(p.events().map((e) => e.k)).toEqual(["short"]);
  });
});

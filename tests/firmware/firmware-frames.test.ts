/**
 * The built firmware's frames, both ways (docs/protocol.md "Framing", "Messages"; docs/decisions.md "Canonical
 * encoding"): what it writes is the canonical frame of a valid up message, and what the gateway might write badly
 * (wrong CRC, too long, bad JSON, unknown or up type, a field of the wrong shape) changes nothing on the device.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { MAX_DOWN_LINE } from "../../protocol/constants.ts";
import { crc32 } from "../../protocol/crc32.ts";
import { deviceEnd, gatewayEnd } from "../../protocol/endpoints.ts";
import { encodeFrame, hex8 } from "../../protocol/frame.ts";
import { replCall } from "../../protocol/repl.ts";
import { bundle, CONFIG, pair, serialPeer, SERIAL, type Peer } from "./helpers.ts";

let code = "";
beforeAll(async () => {
  code = await bundle({ board: "pico" });
});

/** A frame of `payload` with a correct CRC, whatever the payload holds. */
const frame = (payload: string) => encodeFrame(payload, crc32);
const json = (o: object) => JSON.stringify(o);
const cfg = (over: object) => json({ ...CONFIG, tid: "other-till", ...over });
/** Sends one raw line through the REPL entry, as the gateway would. */
const raw = (p: Peer, line: string) => p.board.serialInput(replCall(line));
const storedTid = (p: Peer) => (JSON.parse(p.board.flash.files.get("lbc")!.data) as { tid: string }).tid;

/* A config frame padded with an unknown field to exactly `len` bytes (the `\n` excluded). */
function paddedConfig(len: number): string {
  const base = frame(cfg({ zz: "" })).length - 1;
  return frame(cfg({ zz: "x".repeat(len - base) }));
}

describe("firmware frames", () => {
  it("every frame written is the canonical frame of a valid up message", () => {
    const p = serialPeer(code);
    const lines: string[] = [];
    p.board.onLine((l) => lines.push(l));
    p.board.advance(1000);
    pair(p, 1763884800000);
    p.send({ ...CONFIG, hb: 2000 });
    for (const [btn, ms] of [["seller", 100], ["seller", 3500], ["yes", 100], ["unsure", 61_000]] as const) {
      p.board.press(btn, ms);
      p.board.advance(ms + 500);
      p.ackAll();
    }
    p.send({ t: "query", d: SERIAL });
    const gw = gatewayEnd();
    const dev = deviceEnd();
    const frames = lines.filter((l) => l.includes("~LB")).map((l) => l.slice(l.indexOf("~LB")).replace(/\r?\n$/, ""));
    const types = new Set<string>();
    for (const l of frames) {
      const r = gw.decode(l);
      expect(r, l).toMatchObject({ ok: true });
      if (!r.ok) continue;
      types.add(r.msg.t + (r.msg.t === "event" ? ":" + r.msg.k : ""));
      expect(dev.encode(r.msg)).toEqual({ ok: true, line: l + "\n" });
    }
    expect([...types].sort()).toEqual(["event:long", "event:short", "event:stuck", "event:unsure", "event:yes", "hello", "status"]);
  });

  it("a bad down frame changes nothing; the same frame made valid is applied", () => {
    const p = serialPeer(code);
    pair(p);
    const good = frame(cfg({}));
    const flipped = good.slice(0, -2) + (good.charAt(good.length - 2) === "0" ? "1" : "0") + "\n";
    const bad: { [why: string]: string } = {
      "bad CRC": flipped,
      "upper-case CRC": good.slice(0, -9) + good.slice(-9).toUpperCase().replace(/[0-9]/g, "A"),
      "no CRC": good.slice(0, good.lastIndexOf("|")) + "\n",
      "no marker": good.slice(3),
      "version 2": "~LB2|" + cfg({}) + "|" + hex8(crc32("2|" + cfg({}))) + "\n",
      "too long": paddedConfig(MAX_DOWN_LINE + 1),
      "raw non-ASCII byte": frame(cfg({ qt: "Всё ок?" })),
      "not JSON": frame(cfg({}).slice(0, -1)),
      "JSON array": frame(json([cfg({})])),
      "JSON string": frame(JSON.stringify(cfg({}))),
      "unknown type": frame(cfg({ t: "reboot" })),
      "type not a string": frame(cfg({ t: ["config"] })),
      "up type": frame(json({ t: "hello", d: SERIAL, b: "0badc0de", fw: "9", pv: "1.0", role: "combo", cap: [], up: 1 })),
      "role not in enum": frame(cfg({ role: "boss" })),
      "question not in enum": frame(cfg({ q: "weather" })),
      "w a string": frame(cfg({ w: "30000" })),
      "w negative": frame(cfg({ w: -1 })),
      "w fractional": frame(cfg({ w: 1.5 })),
      "hb missing": frame(cfg({ hb: undefined })),
      "tid with a space": frame(cfg({ tid: "till 2" })),
      "tid too long": frame(cfg({ tid: "t".repeat(33) })),
      "qt too long": frame(cfg({ qt: "q".repeat(121) })),
      "d not a token": frame(cfg({ d: SERIAL + " " })),
    };
    for (const why of Object.keys(bad)) {
      raw(p, bad[why] as string);
      expect(storedTid(p), why).toBe(CONFIG.tid);
    }
    expect(p.read()).toEqual([]);
    expect(p.board.errors).toEqual([]);
    raw(p, paddedConfig(MAX_DOWN_LINE));
    expect(storedTid(p)).toBe("other-till");
    /* The one check the device leaves to the gateway (protocol/device-codec.ts): a key question's characters. */
    raw(p, frame(cfg({ tid: "ctl-till", qt: "Ok?\u0001" })));
    expect(storedTid(p)).toBe("ctl-till");
    p.send({ ...CONFIG, tid: "third", qt: "Всё ок?" });
    expect(storedTid(p)).toBe("third");
  });

  it("an ack of the wrong shape does not finish the event", () => {
    const p = serialPeer(code);
    pair(p);
    p.board.press("yes", 100);
    p.board.advance(300);
    const ev = p.events()[0]!;
    const ack = (n: unknown, b: unknown = ev.b) => frame(json({ t: "ack", d: SERIAL, b, n }));
    const seqs = Array.from({ length: 33 }, (_, i) => i + 1);
    for (const l of [ack([]), ack(ev.n), ack([String(ev.n)]), ack(seqs), ack([ev.n], "bad boot"), ack([ev.n, -1])]) raw(p, l);
    p.board.advance(5000);
    expect(p.sent().length).toBeGreaterThanOrEqual(2);
    p.send({ t: "ack", d: SERIAL, b: ev.b, n: [ev.n] });
    const before = p.sent().length;
    p.board.advance(120_000);
    expect(p.sent().length).toBe(before);
  });
});

/**
 * The device's half of the codec (protocol/device-codec.ts) against the full codec: the same verdict, code and
 * message on every down line, golden or corrupted; up types rejected as `unknown_type`; up frames built by the
 * device byte for byte the golden ones. The one documented difference (a key question's characters are not
 * checked on the device) has its own case.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createCodec } from "../../protocol/codec.ts";
import { DOWN_FIELDS, DOWN_TYPES, ENUMS, MAX_ACK_SEQS, MAX_DOWN_LINE, MAX_UP_LINE } from "../../protocol/constants.ts";
import { crc32 } from "../../protocol/crc32.ts";
import { decodeDown, encodeUp } from "../../protocol/device-codec.ts";
import { gatewayEnd } from "../../protocol/endpoints.ts";
import { decodeFrame } from "../../protocol/frame.ts";
import type { UpMsg } from "../../protocol/schemas.ts";
import { badLine, prng } from "../support/corrupt.ts";
import { ascii, downMessage, token } from "./arbitraries.ts";
import { goldenFrames } from "./golden.ts";

/* The device's answer in the full codec's shape: the message, or the code it was rejected with. */
const device = {
  decode(line: string) {
    const r = decodeDown(line, crc32, DOWN_FIELDS, ENUMS);
    return typeof r === "string" ? { ok: false as const, code: r } : { ok: true as const, msg: r };
  },
  encode: (m: UpMsg) => encodeUp(m, crc32),
};
const full = createCodec({ crc32, maxIn: MAX_DOWN_LINE, maxOut: MAX_DOWN_LINE });
const gateway = gatewayEnd();
const payloadOf = (line: string) => line.slice(line.indexOf("|") + 1, line.lastIndexOf("|"));
const isDown = (t: unknown) => (DOWN_TYPES as readonly unknown[]).indexOf(t) >= 0;

/* What the device must answer for a line: the full codec's verdict, except that a JSON object of an up type
   (valid or not) is of a type the device does not know. */
function expected(line: string) {
  const r = full.decode(line);
  if (!r.ok && r.code !== "bad_message") return r;
  const f = decodeFrame(line, MAX_DOWN_LINE, crc32);
  const obj = f.ok ? (JSON.parse(f.payload) as { t?: unknown }) : undefined;
  const upType = !!obj && typeof obj === "object" && !Array.isArray(obj) && !isDown(obj.t);
  return upType ? { ok: false as const, code: "unknown_type" } : r;
}
const sameVerdict = (line: string) => {
  const r = device.decode(line);
  const want = expected(line);
  if (want.ok) expect(r).toEqual(want);
  else expect(r).toMatchObject({ ok: false, code: want.code });
};

describe("device codec", () => {
  it.each(goldenFrames())("golden $expect frame $line: the full codec's verdict", ({ line }) => sameVerdict(line));

  it.each(goldenFrames().filter((f) => f.expect === "ok" && !isDown(JSON.parse(payloadOf(f.line)).t)))("encodes $line byte for byte", ({ line }) => {
    expect(device.encode(JSON.parse(payloadOf(line)) as UpMsg)).toBe(line + "\n");
    expect(gateway.decode(line)).toMatchObject({ ok: true });
  });

  it("decodes every valid down message as the full codec does, and rejects its corruptions the same way", () => {
    fc.assert(
      fc.property(downMessage, fc.integer(), (m, seed) => {
        const r = gateway.encode(m);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        sameVerdict(r.line);
        const rnd = prng(seed);
        for (let i = 0; i < 4; i++) sameVerdict(badLine(r.line.slice(0, -1), rnd));
      }),
      { numRuns: 3_000 },
    );
  });

  it("judges each field as the full codec does: valid messages with fields replaced, dropped or added at random", () => {
    const anyValue = fc.oneof(fc.jsonValue(), token, ascii, fc.maxSafeNat(), fc.array(fc.maxSafeNat(), { maxLength: 4 }), fc.array(fc.nat(9), { minLength: MAX_ACK_SEQS - 1, maxLength: MAX_ACK_SEQS + 1 }), fc.string({ minLength: 31, maxLength: 33 }), fc.double(), fc.constantFrom(...Object.values(ENUMS).flat()));
    fc.assert(
      fc.property(downMessage, fc.array(fc.tuple(fc.nat(12), anyValue, fc.boolean()), { maxLength: 3 }), (m, edits) => {
        const obj: { [k: string]: unknown } = { ...m };
        const names = ["t", "d", "b", "n", "code", "tid", "role", "q", "w", "l", "fm", "hb", "ms", "s"];
        for (const [i, v, drop] of edits) {
          const name = names[i % names.length] as string;
          if (drop) delete obj[name];
          else obj[name] = v;
        }
        /* A key question with control characters is the one documented difference (next case). */
        if (typeof obj.qt === "string" && /[\x00-\x1f\x7f]/.test(obj.qt)) return;
        const body = "1|" + JSON.stringify(obj);
        sameVerdict("~LB" + body + "|" + (crc32(body) >>> 0).toString(16).padStart(8, "0"));
      }),
      { numRuns: 5_000 },
    );
  });

  it("judges every field of every down type at its edges as the full codec does", () => {
    const edges: unknown[] = [
      "", "a", "a".repeat(31), "b".repeat(32), "c".repeat(33), "a b", "a~b", "x".repeat(64), "y".repeat(65), "q".repeat(120), "q".repeat(121),
      0, 1, -1, 1.5, 9007199254740991, 9007199254740992, "5", null, true, {}, [], [0], [1, -1], [1.5],
      Array.from({ length: MAX_ACK_SEQS }, (_, i) => i), Array.from({ length: MAX_ACK_SEQS + 1 }, (_, i) => i),
      ...Object.values(ENUMS).flat(), "Combo", "staff ",
    ];
    const base: { [t: string]: { [k: string]: unknown } } = {
      ack: { d: "dev-1", b: "b1", n: [1] },
      nack: { d: "dev-1", code: "bad_crc", b: "b1", n: 1 },
      config: { d: "dev-1", tid: "t-1", role: "combo", q: "staff", qt: "Ok?", w: 30000, l: 3000, fm: 1800000, hb: 60000 },
      time: { d: "dev-1", ms: 1763884800000 },
      unpair: { d: "dev-1" },
      query: { d: "dev-1" },
      identify: { d: "dev-1", s: 5 },
    };
    let checked = 0;
    for (const t of DOWN_TYPES) {
      for (const field of Object.keys(base[t] as object)) {
        for (const v of edges.concat([undefined])) {
          const obj: { [k: string]: unknown } = { t, ...base[t], [field]: v };
          const body = "1|" + JSON.stringify(obj);
          sameVerdict("~LB" + body + "|" + (crc32(body) >>> 0).toString(16).padStart(8, "0"));
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(800);
  });

  it("accepts a key question with control characters, which only the full codec rejects (Espruino without Unicode reads Cyrillic as low bytes)", () => {
    const body = '1|{"t":"config","d":"dev-1","tid":"t-1","role":"combo","q":"staff","qt":"\\u0412\\u0001","w":30000,"l":3000,"fm":1800000,"hb":60000}';
    const line = "~LB" + body + "|" + (crc32(body) >>> 0).toString(16).padStart(8, "0");
    expect(full.decode(line)).toMatchObject({ ok: false, code: "bad_message" });
    expect(device.decode(line)).toMatchObject({ ok: true, msg: { t: "config", qt: "\u0412\u0001" } });
  });

  it("rejects a line over MAX_DOWN_LINE before anything else, and takes one of exactly that length", () => {
    const ok = gateway.encode({ t: "query", d: "dev-1" });
    if (!ok.ok) throw new Error(ok.reason);
    const pad = (n: number) => "=".repeat(n - ok.line.length + 1) + ok.line;
    expect(device.decode(pad(MAX_DOWN_LINE))).toMatchObject({ ok: true });
    expect(device.decode(pad(MAX_DOWN_LINE + 1))).toMatchObject({ ok: false, code: "too_long" });
    expect(MAX_UP_LINE).toBeLessThan(MAX_DOWN_LINE);
  });
});

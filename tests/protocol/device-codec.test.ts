/**
 * The device's half of the codec (protocol/device-codec.ts) against the full codec: the same verdict, code and
 * message on every down line, golden or corrupted; up types rejected as `unknown_type`; up frames built by the
 * device byte for byte the golden ones.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createCodec } from "../../protocol/codec.ts";
import { DOWN_TYPES, MAX_DOWN_LINE, MAX_UP_LINE } from "../../protocol/constants.ts";
import { crc32 } from "../../protocol/crc32.ts";
import { createDeviceCodec } from "../../protocol/device-codec.ts";
import { gatewayEnd } from "../../protocol/endpoints.ts";
import { decodeFrame } from "../../protocol/frame.ts";
import type { UpMsg } from "../../protocol/schemas.ts";
import { badLine, prng } from "../support/corrupt.ts";
import { downMessage } from "./arbitraries.ts";
import { goldenFrames } from "./golden.ts";

const device = createDeviceCodec(crc32);
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

  it("rejects a line over MAX_DOWN_LINE before anything else, and takes one of exactly that length", () => {
    const ok = gateway.encode({ t: "query", d: "dev-1" });
    if (!ok.ok) throw new Error(ok.reason);
    const pad = (n: number) => "=".repeat(n - ok.line.length + 1) + ok.line;
    expect(device.decode(pad(MAX_DOWN_LINE))).toMatchObject({ ok: true });
    expect(device.decode(pad(MAX_DOWN_LINE + 1))).toMatchObject({ ok: false, code: "too_long" });
    expect(MAX_UP_LINE).toBeLessThan(MAX_DOWN_LINE);
  });
});

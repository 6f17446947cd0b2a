import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { createCodec, directionOf } from "../../protocol/codec.ts";
import { DECODE_ERRORS, DOWN_TYPES, MAX_DOWN_LINE, UP_TYPES } from "../../protocol/constants.ts";
import { crc32 } from "../../protocol/crc32.ts";
import { deviceEnd, gatewayEnd } from "../../protocol/endpoints.ts";
import { goldenFrames } from "./golden.ts";

const frames = goldenFrames();
const gateway = gatewayEnd();
const device = deviceEnd();
const endFor = (t: string) => (directionOf(t) === "up" ? gateway : device);
const typeOf = (line: string) => (JSON.parse(line.slice(line.indexOf("|") + 1, line.lastIndexOf("|"))) as { t: string }).t;

describe("golden frames in docs/protocol.md", () => {
  it("cover every message type and every decode error", () => {
    const okTypes = new Set(frames.filter((f) => f.expect === "ok").map((f) => typeOf(f.line)));
    expect([...okTypes].sort()).toEqual([...UP_TYPES, ...DOWN_TYPES].sort());
    const codes = new Set(frames.map((f) => f.expect));
    for (const code of DECODE_ERRORS) if (code !== "too_long" && code !== "not_ascii") expect(codes).toContain(code);
  });

  it.each(frames.filter((f) => f.expect === "ok"))("$line decodes and re-encodes to the same line", ({ line }) => {
    const end = endFor(typeOf(line));
    const decoded = end.decode(line + "\n");
    expect(decoded).toMatchObject({ ok: true });
    if (!decoded.ok) return;
    expect(end === gateway ? device.encode(decoded.msg as never) : gateway.encode(decoded.msg as never)).toEqual({ ok: true, line: line + "\n" });
  });

  it.each(frames.filter((f) => f.expect === "ok"))("$line carries zlib's CRC-32", ({ line }) => {
    const body = line.slice(3, line.lastIndexOf("|"));
    const want = line.slice(line.lastIndexOf("|") + 1);
    expect(crc32(body).toString(16).padStart(8, "0")).toBe(want);
    const z = (zlib as { crc32?: (s: string) => number }).crc32;
    if (z) expect(z(body).toString(16).padStart(8, "0")).toBe(want);
  });

  it.each(frames.filter((f) => f.expect === "ok-lenient"))("$line decodes", ({ line }) => {
    const decoded = endFor(typeOf(line.slice(line.indexOf("~LB")))).decode(line);
    expect(decoded.ok).toBe(true);
  });

  it.each(frames.filter((f) => !f.expect.startsWith("ok")))("$line is rejected with $expect", ({ line, expect: code }) => {
    const codec = createCodec({ crc32, maxIn: MAX_DOWN_LINE, maxOut: MAX_DOWN_LINE });
    expect(codec.decode(line)).toMatchObject({ ok: false, code });
    expect(gateway.decode(line)).toMatchObject({ ok: false, code });
    expect(device.decode(line)).toMatchObject({ ok: false, code });
  });
});

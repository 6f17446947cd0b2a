import zlib from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { crc32 } from "../../protocol/crc32.ts";

describe("crc32", () => {
  it.each([
    ["", 0x00000000],
    ["abc", 0x352441c2],
    ["123456789", 0xcbf43926],
    ["The quick brown fox jumps over the lazy dog", 0x414fa339],
  ])("crc32(%j) = %s", (text, want) => {
    expect(crc32(text)).toBe(want);
  });

  const zcrc = (zlib as { crc32?: (b: Uint8Array) => number }).crc32;
  it.runIf(zcrc !== undefined)("matches zlib.crc32 on random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(crc32(Buffer.from(bytes).toString("latin1"))).toBe(zcrc!(bytes));
      }),
      { numRuns: 2000 },
    );
  });
});

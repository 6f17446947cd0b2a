/**
 * The codec compiles into the firmware bundle: bundled on its own it must stay inside the Espruino subset and
 * run with nothing but ECMAScript globals (no Node API, no Buffer), as it will on a device.
 */
import vm from "node:vm";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { checkEspruinoSubset } from "../../firmware/build/espruino-subset.ts";
import { crc32 } from "../../protocol/crc32.ts";
import { goldenFrames } from "./golden.ts";

async function bundleCodec(): Promise<string> {
  const out = await build({
    stdin: {
      contents:
        'import { createCodec } from "./protocol/codec.ts"; import { decodeDown } from "./protocol/device-codec.ts"; import { DOWN_FIELDS, ENUMS } from "./protocol/constants.ts"; import * as topics from "./protocol/topics.ts"; globalThis.codec = { createCodec, decodeDown, DOWN_FIELDS, ENUMS, topics };',
      resolveDir: new URL("../..", import.meta.url).pathname,
      loader: "ts",
    },
    bundle: true,
    format: "iife",
    target: "es2019",
    write: false,
    logLevel: "silent",
  });
  return (out.outputFiles[0] as { text: string }).text;
}

describe("protocol codec as device code", () => {
  it("bundles inside the Espruino subset, without zod", async () => {
    const code = await bundleCodec();
    expect(checkEspruinoSubset(code)).toEqual([]);
    expect(code).not.toMatch(/zod|ZodError/);
  });

  it("decodes the golden frames in a bare VM context", async () => {
    const code = await bundleCodec();
    const context = vm.createContext({});
    vm.runInContext(code.replace("globalThis.codec", "this.codec"), context);
    type Decode = { decode(l: string): { ok: boolean; code?: string; msg?: { t: string } } };
    type DecodeDown = (l: string, c: typeof crc32, f: object, e: object) => string | { t: string };
    const api = context.codec as { createCodec: (o: object) => Decode; decodeDown: DecodeDown; DOWN_FIELDS: object; ENUMS: object };
    const codec = api.createCodec({ crc32, maxIn: 1024, maxOut: 1024 });
    for (const f of goldenFrames()) {
      const r = codec.decode(f.line);
      const d = api.decodeDown(f.line, crc32, api.DOWN_FIELDS, api.ENUMS);
      if (f.expect.startsWith("ok")) {
        expect(r.ok).toBe(true);
        expect(typeof d !== "string").toBe(["hello", "event", "status"].indexOf(r.msg!.t) < 0);
      } else {
        expect(r.code).toBe(f.expect);
        expect(typeof d).toBe("string");
      }
    }
  });
});

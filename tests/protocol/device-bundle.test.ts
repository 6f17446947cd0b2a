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
        'import { createCodec } from "./protocol/codec.ts"; import { createDeviceCodec } from "./protocol/device-codec.ts"; import * as topics from "./protocol/topics.ts"; globalThis.codec = { createCodec, createDeviceCodec, topics };',
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
    const api = context.codec as { createCodec: (o: object) => Decode; createDeviceCodec: (c: typeof crc32) => Decode };
    const codec = api.createCodec({ crc32, maxIn: 1024, maxOut: 1024 });
    const device = api.createDeviceCodec(crc32);
    for (const f of goldenFrames()) {
      const r = codec.decode(f.line);
      const d = device.decode(f.line);
      if (f.expect.startsWith("ok")) {
        expect(r.ok).toBe(true);
        expect(d.ok).toBe(["hello", "event", "status"].indexOf(r.msg!.t) < 0);
      } else {
        expect(r.code).toBe(f.expect);
        expect(d.ok).toBe(false);
      }
    }
  });
});

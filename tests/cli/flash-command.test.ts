/**
 * `loyalty flash` against a pseudo-terminal that behaves like an Espruino REPL (tests/support/fake-espruino.ts):
 * the uploaded file is the built bundle, the board restarts from flash and the real firmware answers the version
 * query; each failure has its own message.
 */
import { afterEach, describe, expect, it } from "vitest";
import { SerialPort } from "serialport";
import { buildFirmware, FW_VERSION } from "../../firmware/build/build.ts";
import { main } from "../../gateway/cli/main.ts";
import { fakeEspruino, type FakeEspruinoOptions } from "../support/fake-espruino.ts";
import { ptyPair } from "../support/socat.ts";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function run(...args: string[]) {
  let out = "";
  let err = "";
  const code = await main(["node", "loyalty", ...args], { out: (t) => (out += t), err: (t) => (err += t), exitCode: () => {} });
  return { code, out, err };
}

async function boardOnPty(o: Omit<FakeEspruinoOptions, "path"> = {}) {
  const pty = await ptyPair();
  cleanups.push(() => pty.close());
  const fake = fakeEspruino({ path: pty.device, serialNumber: "FLASH-1", ...o });
  cleanups.push(() => fake.close());
  return { port: pty.gateway, fake };
}

const picoBundle = buildFirmware({ board: "pico", write: false }).then((b) => b.code);

describe("loyalty flash", () => {
  it("uploads the built bundle into .bootcde, restarts from flash and checks the firmware version", { timeout: 60_000 }, async () => {
    const { port, fake } = await boardOnPty();
    const r = await run("flash", "--port", port);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(fake.flash.files.get(".bootcde")?.data).toBe(await picoBundle);
    expect(fake.loads).toBe(1);
    expect(fake.received()).toContain("\x10reset();\n");
    expect(fake.received()).toContain("\x10load();\n");
    /* The verification went through the firmware's REPL entry with a query for this device. */
    expect(fake.received()).toMatch(/\x10LB\("~LB1\|\{\\"t\\":\\"query\\",\\"d\\":\\"FLASH-1\\"\}\|[0-9a-f]{8}"\)\n/);
    expect(r.out).toContain("Port " + port + ": Espruino 2v25 on PICO_R1_3, serial FLASH-1");
    expect(r.out).toContain(`firmware ${FW_VERSION} answered: device FLASH-1, role combo, over the serial REPL`);
    expect(r.out).toContain("keeps it after power-off");
    /* The firmware runs from flash: a power cycle boots it again from .bootcde. */
    expect(fake.board().errors).toEqual([]);
  });
});

/**
 * `loyalty flash` against a pseudo-terminal that behaves like an Espruino REPL (tests/support/fake-espruino.ts):
 * the uploaded file is the built bundle, the board restarts from flash and the real firmware answers the version
 * query; each failure has its own message.
 */
import { afterEach, describe, expect, it } from "vitest";
import { SerialPort } from "serialport";
import { buildFirmware, FW_VERSION } from "../../firmware/build/build.ts";
import { runCli } from "../support/cli.ts";
import { flash } from "../../gateway/installer/flash.ts";
import { flashRequest } from "../../gateway/installer/flash-options.ts";
import { testGateway } from "../support/gateway.ts";
import { waitFor } from "../../gateway/testkit/wait.ts";
import { fakeEspruino, type FakeEspruinoOptions } from "../support/fake-espruino.ts";
import { ptyPair } from "../../gateway/testkit/socat.ts";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const run = runCli;

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
    expect(fake.board().errors).toEqual([]);
    /* It survives power-off: at power-on the board runs .bootcde, and the firmware says hello. */
    fake.powerCycle();
    const hello = await waitFor("the hello after a power cycle", () => fake.board().takeLines().find((l) => l.includes('"t":"hello"')));
    expect(hello).toContain(`"fw":"${FW_VERSION}"`);
  });

  it("configures and checks an MQTT terminal through the broker", { timeout: 60_000 }, async () => {
    const gw = await testGateway();
    cleanups.push(() => gw.stop());
    const broker = new URL(gw.mqttUrl).host;
    const { port, fake } = await boardOnPty({ boardName: "ESPRUINOWIFI", simBoard: "wifi", serialNumber: "FLASH-MQTT" });
    const db = gw.store.db.name;
    const r = await run("flash", "--port", port, "--board", "wifi", "--wifi", "shop:secret:1", "--broker", broker, "--db", db);
    expect(r.err).toBe(`warning: --broker mqtt://${broker} is plain MQTT, readable by anyone on the network; ESPRUINOWIFI can use TLS: --broker mqtts://127.0.0.1:8883\n`);
    expect(r.code).toBe(0);
    const lbnet = JSON.parse(fake.flash.files.get("lbnet")?.data ?? "") as { k: string };
    expect(lbnet).toEqual({ ssid: "shop", pass: "secret:1", host: "127.0.0.1", port: Number(new URL(gw.mqttUrl).port), prefix: "lb", k: expect.stringMatching(/^[0-9a-f]{32}$/) });
    /* The secret is on the board and registered (hashed) in the gateway's database, nowhere in the bundle or the output. */
    expect(gw.store.credentials.check("FLASH-MQTT", lbnet.k)).toBe(true);
    expect(fake.flash.files.get(".bootcde")?.data).not.toContain(lbnet.k);
    expect(r.out).not.toContain(lbnet.k);
    expect(r.out).toContain("MQTT credential: user FLASH-MQTT and a new secret, on the board only");
    /* The gateway heard the new firmware's hello (the broker let it in with that credential): it is pending, ready to pair. */
    expect(r.out).toContain(`firmware ${FW_VERSION} answered: device FLASH-MQTT, role combo, through the gateway (it stored the hello, ${db})`);
    expect(gw.store.devices.get("FLASH-MQTT")).toMatchObject({ fw: FW_VERSION });
    /* Flashing again issues a new secret; the old one no longer opens the broker. */
    const again = await run("flash", "--port", port, "--board", "wifi", "--wifi", "shop:secret:1", "--broker", broker, "--db", db);
    expect(again.code).toBe(0);
    const k2 = (JSON.parse(fake.flash.files.get("lbnet")?.data ?? "") as { k: string }).k;
    expect(k2).not.toBe(lbnet.k);
    expect(gw.store.credentials.check("FLASH-MQTT", lbnet.k)).toBe(false);
    expect(gw.store.credentials.check("FLASH-MQTT", k2)).toBe(true);
  });

  it("configures an MQTT terminal for TLS with --broker mqtts://, and it answers through the gateway's TLS listener", { timeout: 60_000 }, async () => {
    const gw = await testGateway({ mqtt: { embedded: { port: 0, plain: false, tls: { enabled: true, port: 0 } } } });
    cleanups.push(() => gw.stop());
    const { port, fake } = await boardOnPty({ boardName: "ESPRUINOWIFI", simBoard: "wifi", serialNumber: "FLASH-TLS" });
    const db = gw.store.db.name;
    const r = await run("flash", "--port", port, "--board", "wifi", "--wifi", "shop:pw", "--broker", `mqtts://127.0.0.1:${gw.broker!.tlsPort}`, "--db", db);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const lbnet = JSON.parse(fake.flash.files.get("lbnet")?.data ?? "") as { k: string };
    expect(lbnet).toEqual({ ssid: "shop", pass: "pw", host: "127.0.0.1", port: gw.broker!.tlsPort, prefix: "lb", tls: 1, k: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(r.out).toContain(`broker mqtts://127.0.0.1:${gw.broker!.tlsPort}`);
    /* Only the TLS listener runs, so the hello that the gateway stored came over TLS. */
    expect(r.out).toContain(`firmware ${FW_VERSION} answered: device FLASH-TLS, role combo, through the gateway (it stored the hello, ${db})`);
  });

  it("needs the gateway's database for an MQTT terminal, and touches nothing without it", async () => {
    const { port, fake } = await boardOnPty({ boardName: "ESPRUINOWIFI", simBoard: "wifi", serialNumber: "FLASH-NODB" });
    const r = await run("flash", "--port", port, "--board", "wifi", "--wifi", "shop:x", "--broker", "127.0.0.1:1", "--db", "/nonexistent-lb/loyalty.sqlite");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^no gateway database at \/nonexistent-lb\/loyalty\.sqlite: flash an MQTT terminal where the gateway runs/);
    expect(fake.received()).toBe("");
  });

  it("refuses a build over the board's size budget before opening the port", async () => {
    const req = flashRequest({ port: "/dev/does-not-exist-lb" });
    const big = { code: "x", debug: "x", bytes: 20_000, budget: 10_240, overBudget: true, findings: [] };
    await expect(flash(req, { say: () => undefined, build: async () => big })).rejects.toThrow(/^the firmware is too large for the pico board: 20,000 bytes, the board's budget is 10,240/);
  });

  it("fails clearly when the port does not exist", async () => {
    const r = await run("flash", "--port", "/dev/does-not-exist-lb");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^no serial port \/dev\/does-not-exist-lb: check the cable, then `loyalty ports` lists the ports/);
  });

  it("fails clearly when another process holds the port, and touches nothing", async () => {
    const { port, fake } = await boardOnPty();
    const holder = new SerialPort({ path: port, baudRate: 115200, autoOpen: false });
    await new Promise<void>((resolve, reject) => holder.open((e) => (e ? reject(e) : resolve())));
    cleanups.push(() => new Promise<void>((resolve) => holder.close(() => resolve())));
    const r = await run("flash", "--port", port);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(`^port ${port} is busy: another program holds it \\(the running gateway`));
    expect(fake.received()).toBe("");
  });

  it("says when nothing answers like an Espruino REPL", async () => {
    const { port } = await boardOnPty({ silent: true });
    const r = await run("flash", "--port", port, "--answer-timeout", "200");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^no Espruino REPL answered on .* \(asked for process\.env\.VERSION; heard ""\)/);
  });

  it("says when the device answers but is not an Espruino", async () => {
    const { port, fake } = await boardOnPty({ version: undefined });
    const r = await run("flash", "--port", port);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^the device on .* is not an Espruino board: asked for process\.env\.VERSION, it answered \[null,"PICO_R1_3","FLASH-1","undefined","undefined"\]/);
    expect(fake.flash.files.has(".bootcde")).toBe(false);
  });

  it("refuses a board other than the one built for", async () => {
    const { port } = await boardOnPty({ boardName: "ESP32" });
    const r = await run("flash", "--port", port);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^the board on .* reports ESP32, but --board pico builds for PICO_R1_3/);
  });

  it("refuses firmware too large for the board's Storage, before writing anything", async () => {
    const { port, fake } = await boardOnPty({ flashSize: 4096 });
    const r = await run("flash", "--port", port);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^the firmware is too large for the board's Storage: [\d,]+ bytes, [\d,]+ free/);
    expect(fake.flash.files.has(".bootcde")).toBe(false);
  });

  it("reports an upload that stops half-way, and a retry on the same board succeeds", { timeout: 60_000 }, async () => {
    const { port, fake } = await boardOnPty({ stopAfterWrites: 3 });
    /* Long enough for the three answered writes on a loaded machine; the fourth is never answered. */
    const first = await run("flash", "--port", port, "--answer-timeout", "1500");
    expect(first.code).toBe(2);
    expect(first.err).toMatch(/^upload failed after 1,152 of [\d,]+ bytes: the board stopped answering .*a retry is safe: it starts over from the first byte/);
    expect(fake.flash.files.get(".bootcde")?.data).not.toBe(await picoBundle);
    fake.resume();
    const again = await run("flash", "--port", port);
    expect(again.err).toBe("");
    expect(again.code).toBe(0);
    expect(fake.flash.files.get(".bootcde")?.data).toBe(await picoBundle);
  });

  it.each([
    [["--board", "uno"], /^--board: expected one of pico, wifi, esp32/],
    [["--role", "boss"], /^--role: expected one of combo, keypad, seller/],
    [["--wifi", "shop:pw"], /^--wifi and --broker are for --transport mqtt/],
    [["--board", "wifi"], /^--board wifi --transport mqtt needs --wifi <ssid:password> and --broker/],
    [["--board", "wifi", "--wifi", "nocolon", "--broker", "10.0.0.2"], /^--wifi 'nocolon': expected ssid:password/],
    [["--board", "wifi", "--wifi", "shop:pw", "--broker", "ws://10.0.0.2"], /^--broker 'ws:\/\/10\.0\.0\.2': the firmware speaks mqtts:\/\/ \(TLS\) or mqtt:\/\/ only/],
    [["--board", "esp8266", "--wifi", "shop:pw", "--broker", "mqtts://10.0.0.2"], /^--board esp8266: Espruino 2v29 for ESP8266_4MB has no TLS; use the gateway's plain listener, --broker mqtt:\/\/10\.0\.0\.2:1883/],
  ])("rejects bad options %j before touching the port", async (args, message) => {
    const r = await run("flash", "--port", "/dev/does-not-exist-lb", ...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  it("needs --port", async () => {
    const r = await run("flash");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^--port <path> is required/);
  });
});

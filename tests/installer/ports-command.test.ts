/**
 * `loyalty ports` against real pseudo-terminals: an Espruino without our firmware, flashed boards the gateway
 * knows as pending and as paired, a port that answers nothing, and a port another process holds.
 */
import { afterEach, describe, expect, it } from "vitest";
import { SerialPort } from "serialport";
import { buildFirmware } from "../../firmware/build/build.ts";
import { runCli } from "../support/cli.ts";
import { openStore } from "../../gateway/store/store.ts";
import { pair } from "../../gateway/terminals/manage.ts";
import { fakeEspruino, type FakeEspruinoOptions } from "../support/fake-espruino.ts";
import { ptyPair } from "../../gateway/testkit/socat.ts";
import { heard } from "../support/store.ts";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const run = runCli;

async function boardOnPty(o: Omit<FakeEspruinoOptions, "path">): Promise<string> {
  const pty = await ptyPair();
  cleanups.push(() => pty.close());
  const fake = fakeEspruino({ path: pty.device, ...o });
  cleanups.push(() => fake.close());
  return pty.gateway;
}

describe("loyalty ports", () => {
  it("says what answers on each port", { timeout: 60_000 }, async () => {
    const { code } = await buildFirmware({ board: "pico", write: false });
    const db = join(mkdtempSync(join(tmpdir(), "lb-ports-")), "loyalty.sqlite");
    const store = openStore(db);
    heard(store, "PENDING-1", "combo", Date.now());
    heard(store, "PAIRED-1", "combo", Date.now());
    pair(store, { serial: "PAIRED-1", store: "msk", point: "till-1", question: "staff", timeZone: "UTC" }, Date.now());
    const held = await boardOnPty({ serialNumber: "HELD-1" });
    store.devices.seen("HELD-1", "serial:" + held, Date.now());
    store.close();

    const bare = await boardOnPty({ serialNumber: "BARE-1" });
    const pending = await boardOnPty({ serialNumber: "PENDING-1", firmware: code });
    const paired = await boardOnPty({ serialNumber: "PAIRED-1", firmware: code });
    const stranger = await boardOnPty({ serialNumber: "NEW-1", firmware: code });
    const silent = await boardOnPty({ silent: true });
    const holder = new SerialPort({ path: held, baudRate: 115200, autoOpen: false });
    await new Promise<void>((resolve, reject) => holder.open((e) => (e ? reject(e) : resolve())));
    cleanups.push(() => new Promise<void>((resolve) => holder.close(() => resolve())));

    const ports = [bare, pending, paired, stranger, silent, held];
    const r = await run("ports", "--db", db, "--timeout", "1500", ...ports.flatMap((p) => ["--port", p]), "--json");
    expect(r.err).toBe("");
    const got = JSON.parse(r.out) as { problem: string | null; ports: { path: string; usb: string; says: string }[] };
    const says = Object.fromEntries(got.ports.map((p) => [p.path, p.says]));
    expect(says[bare]).toBe("Espruino 2v25 (PICO_R1_3), serial BARE-1: no loyalty firmware (loyalty flash --port ... installs it)");
    expect(says[pending]).toBe("Espruino 2v25 (PICO_R1_3), serial PENDING-1: loyalty firmware, pending (loyalty pair PENDING-1 --store ... pairs it)");
    expect(says[paired]).toBe("Espruino 2v25 (PICO_R1_3), serial PAIRED-1: loyalty firmware, paired to terminal msk.till-1");
    expect(says[stranger]).toBe("Espruino 2v25 (PICO_R1_3), serial NEW-1: loyalty firmware, not yet heard by the gateway (connect it to the gateway)");
    expect(says[silent]).toBe("nothing answered (not an Espruino REPL, or its console is elsewhere)");
    expect(says[held]).toBe("busy: another program holds it (the running gateway?); the gateway last heard HELD-1 here");

    const text = await run("ports", "--db", db, "--timeout", "1500", "--port", bare);
    expect(text.out).toMatch(/port\s+usb id\s+maker\s+what answers\n.*\s+-\s+-\s+Espruino 2v25/);
  });

  it("reports a path that is not there", async () => {
    const r = await run("ports", "--db", join(mkdtempSync(join(tmpdir(), "lb-ports-")), "x.sqlite"), "--port", "/dev/does-not-exist-lb", "--json");
    const got = JSON.parse(r.out) as { ports: { says: string }[] };
    expect(got.ports[0]?.says).toMatch(/^cannot open: no serial port \/dev\/does-not-exist-lb/);
  });
});

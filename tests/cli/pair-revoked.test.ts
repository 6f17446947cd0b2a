/**
 * `loyalty pair` of a device whose MQTT credential was revoked (by unpair or replace): the pairing is made, the
 * credential stays revoked (docs/decisions.md "Revocation is final"), and the installer is told in words to flash it
 * again. No warning once it was flashed again, for a device that never had a credential, or for one heard over a
 * serial cable since the revocation.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { HelloMsg } from "../../protocol/schemas.ts";
import { openStore, type Store } from "../../gateway/store/store.ts";
import { runCli } from "../support/cli.ts";

const SERIAL = "SHOP-W-1";
const PAIR = ["--store", "msk-01", "--point", "till-2", "--question", "staff"];

function hello(store: Store, link: string, now: number): void {
  const m: HelloMsg = { t: "hello", d: SERIAL, b: "boot1", fw: "1.0.0", pv: "1.0", role: "combo", cap: [], up: 10 };
  store.devices.hello(m, link, now);
}

/** A database where SHOP-W-1 was flashed for MQTT, heard, paired and unpaired now (its credential revoked); `then` runs after. */
async function unpairedMqttDevice(then: (store: Store, secret: string) => void = () => {}): Promise<{ db: string; secret: string }> {
  const db = join(mkdtempSync(join(tmpdir(), "lb-pair-")), "loyalty.sqlite");
  const store = openStore(db);
  const secret = store.credentials.issue(SERIAL, 1_000);
  hello(store, "mqtt:" + SERIAL, 2_000);
  store.close();
  expect((await runCli("stores", "add", "msk-01", "--zone", "Europe/Moscow", "--db", db)).code).toBe(0);
  expect((await runCli("pair", SERIAL, "--db", db, "--point", "till-1", "--store", "msk-01", "--question", "staff")).code).toBe(0);
  expect((await runCli("unpair", SERIAL, "--db", db)).code).toBe(0);
  const s = openStore(db);
  then(s, secret);
  s.close();
  return { db, secret };
}

describe("loyalty pair of a device whose MQTT credential was revoked", () => {
  it("pairs it, keeps the credential revoked and warns that it must be flashed again", async () => {
    const { db, secret } = await unpairedMqttDevice();
    const r = await runCli("pair", SERIAL, "--db", db, ...PAIR);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`Paired ${SERIAL} to terminal msk-01.till-2. The running gateway sends it its configuration.\n`);
    expect(r.err).toBe(
      `Warning: ${SERIAL}'s MQTT credential was revoked when it was unpaired or replaced, so it cannot connect: flash it again ` +
        `(loyalty flash --port <its port> --transport mqtt) to give it a new one. The pairing stands; it gets its configuration once it connects.\n`,
    );
    const store = openStore(db);
    expect(store.credentials.check(SERIAL, secret)).toBe(false);
    expect(store.terminals.currentPairing(SERIAL)?.terminalId).toBe("msk-01.till-2");
    store.close();
  });

  it.each([
    ["once it was flashed again (a new credential)", (store: Store) => void store.credentials.issue(SERIAL, 4_000)],
    ["when it was heard over a serial cable since (a serial terminal needs no credential)", (store: Store) => hello(store, "serial:/dev/ttyACM0", Date.now() + 1)],
  ])("says nothing more %s", async (_what, then) => {
    const { db } = await unpairedMqttDevice(then);
    expect(await runCli("pair", SERIAL, "--db", db, ...PAIR)).toEqual({ code: 0, out: `Paired ${SERIAL} to terminal msk-01.till-2. The running gateway sends it its configuration.\n`, err: "" });
  });

  it("still warns when it was heard over MQTT only before the revocation", async () => {
    const { db } = await unpairedMqttDevice((store) => hello(store, "serial:/dev/ttyACM0", 2_500));
    expect((await runCli("pair", SERIAL, "--db", db, ...PAIR)).err).toMatch(/^Warning: SHOP-W-1's MQTT credential was revoked/);
  });
});

/**
 * A flood of hellos (issue 15) through the real ingest path: 5,000 hellos with random serials, then 3,000 boot ids
 * for one serial, written on a pseudo-terminal serial port that a paired terminal shares, while it and a paired
 * terminal on MQTT keep pressing. The pending list, the boots and the clock log stay within ingest.limits (the
 * defaults), what was dropped is counted exactly and shown by `loyalty status`, and every press is stored and acked.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Gateway } from "../../gateway/app.ts";
import { configSchema } from "../../gateway/config/schema.ts";
import type { Connected } from "../../gateway/testkit/transports.ts";
import { waitFor } from "../../gateway/testkit/wait.ts";
import { deviceEnd } from "../../protocol/endpoints.ts";
import type { UpMsg } from "../../protocol/schemas.ts";
import { runCli } from "../support/cli.ts";
import { prng } from "../support/corrupt.ts";
import { pairedOnBothLinks, type BothLinks } from "../support/both-links.ts";

const LIMITS = configSchema.parse({}).ingest.limits;
const SERIALS = 5000;
const BOOTS = 3000;
const CHUNK = 250;

let links: BothLinks;
let gw: Gateway;
let serialDev: Connected;
let mqttDev: Connected;

beforeAll(async () => {
  links = await pairedOnBothLinks({ serial: "PAIRED-S", mqtt: "PAIRED-M" });
  ({ gw, serialDev, mqttDev } = links);
}, 60_000);

afterAll(async () => {
  await links?.close();
});

function line(m: UpMsg): string {
  const r = deviceEnd().encode(m);
  if (!r.ok) throw new Error(r.reason);
  return r.line;
}

const hello = (d: string, b: string): UpMsg => ({ t: "hello", d, b, fw: "x", pv: "1.0", role: "combo", cap: [], up: 1000 });
const hex = (rnd: () => number, n: number) => Array.from({ length: n }, () => Math.floor(rnd() * 16).toString(16)).join("");
const one = (sql: string, ...args: unknown[]) => gw.store.db.prepare(sql).pluck().get(...args) as number;

/** Writes the lines in chunks on the serial port, a press of each paired terminal between chunks; returns the presses. */
async function flood(lines: string[]): Promise<number> {
  const received = gw.ingest.stats.received;
  let presses = 0;
  for (let i = 0; i < lines.length; i += CHUNK) {
    await serialDev.writeRaw(lines.slice(i, i + CHUNK).join(""));
    serialDev.terminal.press("yes");
    mqttDev.terminal.press("no");
    presses += 2;
  }
  await waitFor("every flood frame through the ingest", () => (gw.ingest.flush(), gw.ingest.stats.received >= received + lines.length + presses), 120_000);
  await serialDev.terminal.drained();
  await mqttDev.terminal.drained();
  return presses;
}

describe("a flood of hellos", () => {
  it("keeps pending devices, boots and clock logs within the limits; paired terminals keep working and lose nothing", { timeout: 240_000 }, async () => {
    const rnd = prng(15);
    const eventsBefore = gw.store.events.count();
    let presses = await flood(Array.from({ length: SERIALS }, (_, i) => line(hello(`R${i}-${hex(rnd, 8)}`, hex(rnd, 8)))));
    expect(gw.store.prune.pendingCount()).toBe(LIMITS.pendingDevices);

    presses += await flood(Array.from({ length: BOOTS }, (_, i) => line(hello("FLOOD-B", `${i}-${hex(rnd, 6)}`))));
    expect(gw.store.prune.pendingCount()).toBe(LIMITS.pendingDevices);
    expect(one("SELECT count(*) FROM boots WHERE serial = 'FLOOD-B'")).toBe(LIMITS.bootsPerDevice);
    expect(one("SELECT count(*) FROM clock_log WHERE serial = 'FLOOD-B'")).toBe(LIMITS.clockLogPerDevice);
    /* Every device row is a paired terminal or one of the pending ones kept; no boot or clock-log row is orphaned. */
    expect(one("SELECT count(*) FROM devices")).toBe(LIMITS.pendingDevices + 2);
    expect(one("SELECT count(*) FROM boots WHERE serial NOT IN (SELECT serial FROM devices)")).toBe(0);
    expect(one("SELECT count(*) FROM clock_log WHERE serial NOT IN (SELECT serial FROM devices)")).toBe(0);
    /* Nor does the ingest remember where dropped devices were heard. */
    expect(gw.ingest.reachableDevices().length).toBe(LIMITS.pendingDevices + 2);
    const counts = Object.fromEntries(gw.store.prune.counts().map((c) => [c.kind, c.count]));
    expect(counts).toEqual({
      pending_capped: SERIALS + 1 - LIMITS.pendingDevices,
      boots_capped: BOOTS - LIMITS.bootsPerDevice,
      clock_log_trimmed: BOOTS - LIMITS.clockLogPerDevice,
    });

    /* Every press of the paired terminals is stored, in its terminal; both still get acks and config. */
    expect(gw.store.events.count()).toBe(eventsBefore + presses);
    expect(one("SELECT count(*) FROM events WHERE terminal_id IS NULL")).toBe(0);
    for (const d of [serialDev, mqttDev]) {
      expect(gw.store.terminals.currentPairing(d.terminal.serial)).toBeDefined();
      expect(one("SELECT count(*) FROM boots WHERE serial = ? AND boot = ?", d.terminal.serial, d.terminal.boot)).toBe(1);
      d.terminal.press("unsure");
      await d.terminal.drained();
    }
    expect(gw.store.events.count()).toBe(eventsBefore + presses + 2);

    const status = await runCli("status", "--db", gw.store.db.name);
    expect(status.code).toBe(0);
    expect(status.out).toContain(`Pending devices never paired: ${LIMITS.pendingDevices} (limit ingest.limits.pendingDevices ${LIMITS.pendingDevices})`);
    expect(status.out).toMatch(new RegExp(`pending devices over the limit +${SERIALS + 1 - LIMITS.pendingDevices} `));
    expect(status.out).toMatch(new RegExp(`boots over the limit per device +${BOOTS - LIMITS.bootsPerDevice} `));
  });
});

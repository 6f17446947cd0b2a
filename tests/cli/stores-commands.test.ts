/**
 * `loyalty stores` and the per-terminal settings of issue 15 (multi-store), through the real CLI on a real SQLite
 * file: a store is added with its zone before pairing, an unknown one is refused with the list, `--from` is read
 * in the store's zone (not the process's), set-window re-derives surveys from its effective time, set-long-press
 * reaches the device in its `config` frame, and set-zone recounts the store's days.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configSchema } from "../../gateway/config/schema.ts";
import { openStore } from "../../gateway/store/store.ts";
import { rebuildQueued } from "../../gateway/surveys/rebuild.ts";
import { configFor, terminalDefaults } from "../../gateway/terminals/config.ts";
import { runCli as run } from "../support/cli.ts";
import { chain } from "../support/presses.ts";
import { heard } from "../support/store.ts";

const tempDb = () => join(mkdtempSync(join(tmpdir(), "lb-stores-")), "loyalty.sqlite");
const defaults = terminalDefaults(configSchema.parse({}));

/* The process's zone (what `pair` used to give a new store) is neither store's: it must not leak into any of them. */
let savedTz: string | undefined;
beforeEach(() => {
  savedTz = process.env.LOYALTY_TZ;
  process.env.LOYALTY_TZ = "America/New_York";
});
afterEach(() => {
  if (savedTz === undefined) delete process.env.LOYALTY_TZ;
  else process.env.LOYALTY_TZ = savedTz;
});

describe("loyalty stores and pair --store", () => {
  it("adds stores with their zones and regions, and refuses pairing to a store nobody added, listing the stores", async () => {
    const db = tempDb();
    const s = openStore(db);
    heard(s, "DEV-1", "combo", Date.now());
    s.close();
    expect((await run("stores", "--db", db)).out).toMatch(/^No stores yet\. Add one: loyalty stores add <id> --zone/);
    const refused = await run("pair", "DEV-1", "--store", "ekb-01", "--point", "till-1", "--question", "staff", "--db", db);
    expect(refused).toMatchObject({ code: 2, out: "" });
    expect(refused.err).toBe("store ekb-01 does not exist (stores: none yet); add it with its time zone: loyalty stores add ekb-01 --zone <IANA zone, e.g. Europe/Moscow>\n");

    expect(await run("stores", "add", "ekb-01", "--zone", "Asia/Yekaterinburg", "--name", "ТЦ Гринвич", "--region", "Урал", "--db", db)).toMatchObject({ code: 0, err: "" });
    expect((await run("stores", "add", "msk-01", "--zone", "Europe/Moscow", "--db", db)).code).toBe(0);
    expect((await run("stores", "add", "msk-01", "--zone", "Europe/Moscow", "--db", db)).err).toMatch(/^store msk-01 exists; change it with loyalty stores set-zone/);
    expect((await run("stores", "add", "spb-01", "--zone", "Europe/Petersburg", "--db", db)).err).toBe("--zone 'Europe/Petersburg': not an IANA time zone (e.g. Europe/Moscow, Asia/Yekaterinburg)\n");
    expect((await run("stores", "add", "spb.01", "--zone", "Europe/Moscow", "--db", db)).err).toMatch(/^store 'spb\.01': expected 1\.\.32 of A-Z a-z 0-9 _ - \(no dot/);
    expect((await run("stores", "add", "spb-01", "--db", db)).err).toMatch(/required option '--zone <tz>' not specified/);

    const typo = await run("pair", "DEV-1", "--store", "ekb-1", "--point", "till-1", "--question", "staff", "--db", db);
    expect(typo.err).toMatch(/^store ekb-1 does not exist \(stores: ekb-01 \(Asia\/Yekaterinburg\), msk-01 \(Europe\/Moscow\)\)/);
    expect((await run("pair", "--db", db)).out).toMatch(/\nStores: ekb-01 \(Asia\/Yekaterinburg\), msk-01 \(Europe\/Moscow\)\n$/);
    expect((await run("pair", "DEV-1", "--store", "ekb-01", "--point", "till-1", "--question", "staff", "--db", db)).code).toBe(0);

    expect((await run("stores", "rename", "msk-01", "Москва, Тверская", "--db", db)).out).toBe("Store msk-01 is now called Москва, Тверская.\n");
    expect((await run("stores", "set-region", "msk-01", "Центр", "--db", db)).out).toBe("Store msk-01 is in region Центр.\n");
    expect((await run("stores", "set-region", "nope", "Центр", "--db", db)).err).toMatch(/^store nope does not exist \(stores: ekb-01/);
    const list = (await run("stores", "list", "--db", db)).out.split("\n");
    expect(list[0]).toMatch(/^store\s+name\s+region\s+time zone\s+terminals$/);
    expect(list[1]).toMatch(/^ekb-01\s+ТЦ Гринвич\s+Урал\s+Asia\/Yekaterinburg\s+1$/);
    expect(list[2]).toMatch(/^msk-01\s+Москва, Тверская\s+Центр\s+Europe\/Moscow\s+0$/);
    expect((await run("stores", "set-region", "msk-01", "-", "--db", db)).out).toBe("Store msk-01 has no region.\n");
  });

  it("reads --from in the terminal's store's zone, and sends a per-terminal long press and Fmax in the device's config", async () => {
    const db = tempDb();
    const s = openStore(db);
    heard(s, "DEV-2", "combo", Date.now());
    s.close();
    await run("stores", "add", "ekb-01", "--zone", "Asia/Yekaterinburg", "--db", db);
    await run("pair", "DEV-2", "--store", "ekb-01", "--point", "till-2", "--question", "staff", "--db", db);
    const shift = await run("terminals", "assign-employee", "ekb-01.till-2", "olga", "--from", "2026-03-02 09:00", "--db", db);
    /* Yekaterinburg is UTC+5 all year: 09:00 there is 04:00 UTC (New York, the process's zone, would be 14:00 UTC). */
    expect(shift.out).toBe("Terminal ekb-01.till-2: olga on duty from 2026-03-02 09:00:00 (Asia/Yekaterinburg).\n");
    const bad = await run("terminals", "assign-employee", "ekb-01.till-2", "olga", "--from", "tomorrow-ish", "--db", db);
    expect(bad).toMatchObject({ code: 2, err: "--from 'tomorrow-ish': expected now, an ISO time, or YYYY-MM-DD HH:MM in Asia/Yekaterinburg\n" });

    expect((await run("terminals", "set-long-press", "ekb-01.till-2", "4s", "--db", db)).out).toMatch(/^Terminal ekb-01\.till-2: long-press threshold 4 s from .* \(Asia\/Yekaterinburg\)\. The running gateway sends its devices the new config now\.\n$/);
    expect((await run("terminals", "set-fm-max", "ekb-01.till-2", "20min", "--from", "2030-01-01 00:00", "--db", db)).code).toBe(0);
    const past = await run("terminals", "set-long-press", "ekb-01.till-2", "5s", "--from", "2026-03-02 09:00", "--db", db);
    expect(past.err).toMatch(/^--from '2026-03-02 09:00': the device tells a long press from a short one as it happens/);
    for (const [args, message] of [
      [["set-window", "ekb-01.till-2", "45"], "survey window '45': expected a duration such as 45s, 2.5s, 3000ms, 30min or 1h\n"],
      [["set-window", "ekb-01.till-2", "0.5s"], "survey window '0.5s': expected from 1 s to 10 min (what the device accepts, docs/protocol.md \"config\")\n"],
      [["set-long-press", "ekb-01.till-2", "2min"], "long-press threshold '2min': expected from 500 ms to 1 min (what the device accepts, docs/protocol.md \"config\")\n"],
      [["set-fm-max", "ekb-01.till-2", "30s"], "force-majeure maximum '30s': expected from 1 min to 24 h (what the device accepts, docs/protocol.md \"config\")\n"],
      [["set-window", "nope", "45s"], "terminal nope does not exist\n"],
    ] as const) {
      expect(await run("terminals", ...args, "--db", db)).toEqual({ code: 2, out: "", err: message });
    }

    const store = openStore(db);
    try {
      const history = store.settings.history("ekb-01.till-2");
      expect(history.find((h) => h.key === "employee" && h.value === "olga")?.fromMs).toBe(Date.UTC(2026, 2, 2, 4, 0));
      expect(history.filter((h) => h.key === "longMs").map((h) => h.value)).toEqual([3000, 4000]);
      expect(history.filter((h) => h.key === "windowMs").map((h) => h.value)).toEqual([30_000]);
      /* The config frame the running gateway sends now, and after the scheduled Fmax (2030-01-01 00:00 Yekaterinburg) took effect. */
      expect(configFor(store, defaults, "DEV-2", Date.now())).toMatchObject({ tid: "ekb-01.till-2", l: 4000, fm: 1_800_000, w: 30_000 });
      expect(configFor(store, defaults, "DEV-2", Date.UTC(2029, 11, 31, 19, 0))).toMatchObject({ l: 4000, fm: 1_200_000 });
      expect(configFor(store, defaults, "DEV-2", Date.UTC(2029, 11, 31, 18, 59))).toMatchObject({ fm: 1_800_000 });
      /* One config each for the pairing, the shift, the long press and the Fmax; none for the refused commands. */
      expect(store.commands.pending(["DEV-2"]).map((c) => c.command)).toEqual([{ t: "config" }, { t: "config" }, { t: "config" }, { t: "config" }]);
    } finally {
      store.close();
    }
  });

  it("set-window from a past time re-derives the surveys from that time on, not before", async () => {
    const c = chain();
    const till = c.terminal("msk-01.till-1", "msk-01", "Europe/Moscow", "staff");
    /* Answered 40 s after the seller's press: silent under the default 30 s window, an answer under 45 s. */
    till.survey("2026-03-01 10:00:00", "yes", 40_000);
    till.survey("2026-03-02 10:00:00", "yes", 40_000);
    rebuildQueued(c.store, defaults);
    const answers = () => c.store.derived.surveys(till.id, 0, Date.UTC(2027, 0, 1)).map((s) => [s.answer, s.windowMs]);
    expect(answers()).toEqual([["silent", 30_000], ["silent", 30_000]]);
    const r = await run("terminals", "set-window", till.id, "45s", "--from", "2026-03-02 00:00", "--db", c.store.db.name);
    expect(r.out).toMatch(/^Terminal msk-01\.till-1: survey window 45 s from 2026-03-02 00:00:00 \(Europe\/Moscow\)\. .* Surveys and periods from then on are derived again\.\n$/);
    expect(rebuildQueued(c.store, defaults)).toBe(1);
    expect(answers()).toEqual([["silent", 30_000], ["yes", 45_000]]);
  });

  it("set-zone warns that days move, changes nothing without --yes, and recounts the store's days with it", async () => {
    const c = chain();
    const till = c.terminal("msk-01.till-1", "msk-01", "Europe/Moscow", "staff");
    /* 01:30 in Moscow on the 2nd is 22:30 UTC on the 1st. */
    till.survey("2026-03-02 01:30:00", "yes");
    rebuildQueued(c.store, defaults);
    const days = () => c.store.rollups.counts("2026-02-01", "2026-03-31").map((r) => [r.day, r.p]);
    expect(days()).toEqual([["2026-03-02", 1]]);
    const db = c.store.db.name;
    const asked = await run("stores", "set-zone", "msk-01", "UTC", "--db", db);
    expect(asked.code).toBe(1);
    expect(asked.err).toMatch(/^Warning: store msk-01's days will run from midnight in UTC instead of Europe\/Moscow\. Every day of its 1 terminal\(s\) is recounted/);
    expect(asked.err).toMatch(/Nothing changed: run it again with --yes to move the store\.\n$/);
    expect(c.store.terminals.store("msk-01")?.timeZone).toBe("Europe/Moscow");
    expect(days()).toEqual([["2026-03-02", 1]]);
    const moved = await run("stores", "set-zone", "msk-01", "UTC", "--yes", "--db", db);
    expect(moved.code).toBe(0);
    expect(moved.out).toMatch(/^Store msk-01 is now in UTC \(was Europe\/Moscow\)\.\nWarning: store msk-01's days now run from midnight in UTC/);
    expect(days()).toEqual([["2026-03-01", 1]]);
    expect((await run("stores", "set-zone", "msk-01", "Mars/Olympus", "--yes", "--db", db)).err).toBe("zone 'Mars/Olympus': not an IANA time zone (e.g. Europe/Moscow, Asia/Yekaterinburg)\n");
  });
});

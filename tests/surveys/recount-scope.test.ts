/**
 * How far back a rebuild recounts the day counts (gateway/surveys/rebuild.ts): from the surveys' restart, or from
 * the first force-majeure period that changed if earlier, never from the beginning of time just because the
 * terminal never had a period (which recounted a terminal's whole history on every new press). A real SQLite store.
 */
import { describe, expect, it } from "vitest";
import { firstPeriodChange, rebuildQueued } from "../../gateway/surveys/rebuild.ts";
import type { FmPeriod } from "../../gateway/surveys/model.ts";
import { pair } from "../../gateway/terminals/manage.ts";
import { tempStore } from "../support/store.ts";

const DEFAULTS = { questionKind: "staff" as const, questionText: "", employee: null, windowMs: 30_000, longMs: 3000, fmMaxMs: 1_800_000, heartbeatMs: 60_000 };
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 9, 1, 9);

describe("a rebuild's recount", () => {
  it("starts at the first period that differs, and nowhere for the same periods", () => {
    const p = (start: number, end: number, id = start): FmPeriod => ({ startEventId: id, start, end, endReason: "long", endEventId: null });
    expect(firstPeriodChange([p(10, 20), p(30, 40)], [p(10, 20), p(30, 40)])).toBe(Infinity);
    expect(firstPeriodChange([p(10, 20), p(30, 40)], [p(10, 20), p(30, 45)])).toBe(30);
    expect(firstPeriodChange([p(10, 20)], [p(5, 8), p(10, 20)])).toBe(5);
    expect(firstPeriodChange([], [p(50, 60)])).toBe(50);
    expect(firstPeriodChange([p(50, 60)], [])).toBe(50);
  });

  it("leaves the days before a new press alone on a terminal that never had a period, and recounts them when a period comes", () => {
    const store = tempStore();
    store.terminals.addStore({ id: "s", name: "S", timeZone: "UTC", region: null }, 0);
    store.devices.seen("D1", "serial", 0);
    const terminal = pair(store, { serial: "D1", store: "s", point: "p", question: "staff" }, 0);
    let seq = 0;
    const press = (kind: string, at: number) =>
      store.tx(() => {
        store.events.insert({ serial: "D1", boot: "b", seq: ++seq, kind: kind as "short", btn: null, ts: at, synced: true, untimed: false, atMs: at, receivedMs: at, terminalId: terminal, link: "serial" });
        store.derived.enqueue(terminal, at);
      });
    press("short", T0);
    press("yes", T0 + 5000);
    /* Surveys on a later day, enough that the first day is outside a new press's restart and silent-run context. */
    for (let i = 0; i < 8; i++) {
      press("short", T0 + 20 * DAY + i * 60_000);
      press("yes", T0 + 20 * DAY + i * 60_000 + 5000);
    }
    rebuildQueued(store, DEFAULTS);
    /* A marker on the first day's count: a recount of that day would put the real count back. */
    store.db.prepare(`UPDATE daily_counts SET p = 99 WHERE terminal_id = ? AND day = '2026-10-01'`).run(terminal);
    press("short", T0 + 30 * DAY);
    press("no", T0 + 30 * DAY + 4000);
    rebuildQueued(store, DEFAULTS);
    const p = () => (store.db.prepare(`SELECT p FROM daily_counts WHERE terminal_id = ? AND day = '2026-10-01'`).get(terminal) as { p: number }).p;
    expect(p()).toBe(99);
    /* A long press between them is a period: the days from it on are recounted, and the first day is not. */
    press("long", T0 + 25 * DAY);
    rebuildQueued(store, DEFAULTS);
    expect(p()).toBe(99);
    expect(store.db.prepare(`SELECT count(*) AS n FROM daily_terminal WHERE terminal_id = ? AND day = '2026-10-26' AND fm_unreviewed > 0`).get(terminal)).toEqual({ n: 1 });
    /* A press on the first day itself recounts it. */
    press("short", T0 + 60_000);
    rebuildQueued(store, DEFAULTS);
    expect(p()).toBe(1);
  });
});

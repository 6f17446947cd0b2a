/** The forward outbox (migration 12): rows numbered in the transaction that stores them, only while forwarding is on. */
import { describe, expect, it } from "vitest";
import { rowsLost } from "../../gateway/store/hub-outbox.ts";
import { openStore } from "../../gateway/store/store.ts";

function store() {
  const s = openStore(":memory:");
  s.terminals.addStore({ id: "s1", name: "Store 1", timeZone: "Europe/Moscow", region: null }, 1);
  s.terminals.createTerminal({ id: "s1.p1", storeId: "s1", point: "p1" }, 2);
  s.terminals.pair("D1", "s1.p1", "combo", 3);
  s.settings.set("s1.p1", "questionKind", "staff", 0, 3, null);
  return s;
}

const event = (seq: number) => ({ serial: "D1", boot: "b1", seq, kind: "short" as const, btn: null, ts: 10 + seq, synced: true, atMs: 10 + seq, receivedMs: 50, terminalId: "s1.p1", link: "mqtt" });

describe("the hub outbox", () => {
  it("writes nothing while the gateway forwards to no hub", () => {
    const s = store();
    s.tx(() => s.events.insert(event(1)));
    expect(s.hubOutbox.state()).toBeUndefined();
    expect(s.hubOutbox.lastSeq()).toBe(0);
  });

  it("puts every row stored so far in the outbox when forwarding starts, in the order stores, terminals, pairings, settings, events, traffic", () => {
    const s = store();
    s.tx(() => s.events.insert(event(1)));
    s.traffic.put({ kind: "visitors", storeId: "s1", terminalId: "", day: "2026-01-01", hour: -1, count: 9 }, "f.csv", 4);
    s.tx(() => s.hubOutbox.begin("s1", 5));
    expect(s.hubOutbox.after(0, 100).map((r) => [r.seq, r.kind])).toEqual([
      [1, "store"],
      [2, "terminal"],
      [3, "pairing"],
      [4, "setting"],
      [5, "event"],
      [6, "traffic"],
    ]);
    expect(JSON.parse(s.hubOutbox.after(4, 1)[0]!.body)).toMatchObject({ serial: "D1", boot: "b1", seq: 1, synced: 1, terminal_id: "s1.p1" });
  });

  it("numbers each stored or changed row in its own transaction: a rolled-back one leaves no row and no number", () => {
    const s = store();
    s.tx(() => s.hubOutbox.begin("s1", 5));
    const base = s.hubOutbox.lastSeq();
    expect(() =>
      s.tx(() => {
        s.events.insert(event(2));
        throw new Error("the batch fails");
      }),
    ).toThrow("the batch fails");
    expect(s.hubOutbox.lastSeq()).toBe(base);
    /* An unsynced event stored twice (one row), then re-timed with a better boot offset. */
    s.tx(() => {
      s.events.insert({ ...event(2), synced: false });
      s.events.insert({ ...event(2), synced: false });
    });
    s.tx(() => s.events.retime("D1", "b1", 1000));
    s.terminals.endPairing("D1", 90);
    s.terminals.setStoreRegion("s1", "north");
    s.terminals.setStoreRegion("s1", "north");
    s.terminals.rename("s1.p1", "Till 1");
    s.traffic.put({ kind: "visitors", storeId: "s1", terminalId: "", day: "2026-01-01", hour: -1, count: 9 }, "f.csv", 4);
    s.traffic.put({ kind: "visitors", storeId: "s1", terminalId: "", day: "2026-01-01", hour: -1, count: 9 }, "f.csv", 4);
    const rows = s.hubOutbox.after(base, 100);
    expect(rows.map((r) => r.kind)).toEqual(["event", "event_time", "pairing", "store", "terminal", "traffic"]);
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => base + 1 + i));
    expect(JSON.parse(rows[1]!.body)).toEqual({ serial: "D1", boot: "b1", seq: 2, at_ms: 1012, untimed: 0, untimed_reason: null });
  });

  it("deletes what the hub acked, keeps the rest, and refuses another store id for the same database", () => {
    const s = store();
    s.tx(() => s.hubOutbox.begin("s1", 5));
    s.tx(() => s.hubOutbox.acked(3, 6));
    expect(s.hubOutbox.state()).toEqual({ storeId: "s1", ackedSeq: 3 });
    expect(s.hubOutbox.after(0, 10).map((r) => r.seq)).toEqual([4]);
    expect(s.hubOutbox.lastSeq()).toBe(4);
    expect(() => s.tx(() => s.hubOutbox.begin("s2", 7))).toThrow("hub.storeId is 's2' but this database forwards to the hub as 's1': set hub.storeId back to 's1'");
  });

  it("numbers new rows after the hub's number when the hub has committed more than this database ever numbered (a restored backup)", () => {
    const s = openStore(":memory:");
    s.tx(() => s.hubOutbox.begin("s1", 1));
    expect(s.hubOutbox.lastSeq()).toBe(0);
    s.tx(() => s.hubOutbox.skipTo(40));
    s.terminals.addStore({ id: "s1", name: "Store 1", timeZone: "UTC", region: null }, 2);
    expect(s.hubOutbox.after(0, 10).map((r) => r.seq)).toEqual([41]);
    s.tx(() => s.hubOutbox.skipTo(45));
    s.terminals.setStoreRegion("s1", "north");
    expect(s.hubOutbox.lastSeq()).toBe(46);
  });

  it("puts the rows in the outbox again after the last number, the events from a time on, and the new time of every unsynced event", () => {
    const s = store();
    s.tx(() => s.events.insert({ ...event(1), receivedMs: 100 }));
    s.tx(() => s.hubOutbox.begin("s1", 5));
    s.tx(() => s.events.insert({ ...event(2), synced: false, receivedMs: 200 }));
    s.tx(() => s.events.retime("D1", "b1", 1000));
    s.tx(() => s.hubOutbox.acked(s.hubOutbox.lastSeq(), 6));
    const last = s.hubOutbox.lastSeq();
    expect(s.hubOutbox.after(0, 10)).toEqual([]);

    expect(s.tx(() => s.hubOutbox.seed({ sinceMs: 150, changes: true }))).toBe(6);
    const again = s.hubOutbox.after(0, 10);
    expect(again.map((r) => [r.seq, r.kind])).toEqual([
      [last + 1, "store"],
      [last + 2, "terminal"],
      [last + 3, "pairing"],
      [last + 4, "setting"],
      [last + 5, "event"],
      [last + 6, "event_time"],
    ]);
    expect(JSON.parse(again[4]!.body)).toMatchObject({ seq: 2, at_ms: 1012, synced: 0 });
    expect(JSON.parse(again[5]!.body)).toEqual({ serial: "D1", boot: "b1", seq: 2, at_ms: 1012, untimed: 0, untimed_reason: null });

    expect(s.tx(() => s.hubOutbox.seed({ changes: true }))).toBe(7);
    expect(s.hubOutbox.after(last + 6, 10).filter((r) => r.kind === "event")).toHaveLength(2);
  });

  it("knows when rows the hub says it lacks are no longer in the outbox", () => {
    expect(rowsLost(10, 11, 20)).toBe(false);
    expect(rowsLost(10, 15, 20)).toBe(true);
    expect(rowsLost(20, undefined, 20)).toBe(false);
    expect(rowsLost(10, undefined, 20)).toBe(true);
    const s = store();
    s.tx(() => s.hubOutbox.begin("s1", 5));
    s.tx(() => s.hubOutbox.acked(3, 6));
    expect(s.hubOutbox.lostAfter(3)).toBe(false);
    expect(s.hubOutbox.lostAfter(1)).toBe(true);
  });
});

describe("reviews in the hub outbox (migration 13)", () => {
  it("forwards each review log entry once, with its uid and the uid of what it undoes, and backfills them when forwarding starts", () => {
    const s = store();
    const log = (undoes: number | null) =>
      s.reviews.log({ atMs: 7, by: "olga", via: "cli", userId: null, target: "survey", targetId: 1, terminalId: "s1.p1", action: undoes ? "undo" : "invalid", reason: null, before: { valid: true, reason: null }, after: { valid: false, reason: "x" }, undoes });
    const first = s.tx(() => log(null));
    s.tx(() => s.hubOutbox.begin("s1", 8));
    const undo = s.tx(() => log(first));
    const rows = s.hubOutbox.after(0, 100).filter((r) => r.kind === "review").map((r) => JSON.parse(r.body) as Record<string, unknown>);
    const [a, b] = [s.reviews.entry(first)!, s.reviews.entry(undo)!];
    expect(a.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(rows).toEqual([
      expect.objectContaining({ uid: a.uid, by: "olga", target: "survey", target_id: 1, undoes_uid: null, after: '{"valid":false,"reason":"x"}' }),
      expect.objectContaining({ uid: b.uid, undoes_uid: a.uid }),
    ]);
    expect(s.reviews.entry(first)!.undoneBy).toBe(undo);
  });
});

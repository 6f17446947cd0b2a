/** The hub's and the forwarder's pure cores: what a batch means at the hub, runs of rows, and the forwarder's window. */
import { describe, expect, it } from "vitest";
import { due, initialWindow, nextAfter, onAck, sent } from "../../gateway/hub/forward-window.ts";
import { decide, runsOf } from "../../gateway/hub/plan.ts";
import { batchPayload, parsePayload, type BatchPayload } from "../../gateway/hub/wire.ts";
import { batchText } from "../../gateway/hub/forwarder.ts";

const ev = (seq: number) => ({ id: seq, serial: "D1", boot: "b1", seq, kind: "short", btn: null, ts: 1000 + seq, synced: 1, untimed: 0, untimed_reason: null, at_ms: 1000 + seq, received_ms: 2000, terminal_id: "s1.p1", link: "mqtt" });

function batch(after: number, seqs: number[], last = Math.max(after, ...seqs)): BatchPayload {
  return { v: 1, store: "s1", after, to: seqs.length ? seqs[seqs.length - 1]! : after, last, sentMs: 0, rows: seqs.map((s) => ({ s, k: "event", d: ev(s) })) };
}

describe("decide (hub)", () => {
  it.each([
    ["a batch right after what is committed", 10, batch(10, [11, 12]), "apply", [11, 12]],
    ["a batch sent again, all committed", 12, batch(10, [11, 12]), "duplicate", []],
    ["a heartbeat at what is committed", 12, batch(12, []), "duplicate", []],
    ["a batch that overlaps what is committed", 11, batch(10, [11, 12, 13]), "apply", [12, 13]],
    ["a batch after a gap", 10, batch(12, [13]), "gap", []],
    ["a heartbeat from a store ahead of the hub", 10, batch(12, []), "gap", []],
  ])("%s", (_what, committed, b, kind, stored) => {
    const d = decide(committed, b);
    expect(d.kind).toBe(kind);
    const seqs = d.kind === "apply" ? d.runs.flatMap((r) => r.bodies.map((x) => x.seq)) : [];
    expect(seqs).toEqual(stored);
  });
});

describe("runsOf", () => {
  it("groups consecutive rows of one kind, keeps the last row of a key in a run, and rejects unknown kinds and wrong shapes whole", () => {
    const pairing = (to: number | null) => ({ id: 7, serial: "D1", terminal_id: "s1.p1", role: "combo", from_ms: 5, to_ms: to });
    const r = runsOf([
      { s: 1, k: "pairing", d: pairing(null) },
      { s: 2, k: "pairing", d: pairing(99) },
      { s: 3, k: "event", d: ev(3) },
      { s: 4, k: "gossip", d: { a: 1 } },
      { s: 5, k: "event", d: { ...ev(5), ts: "soon" } },
      { s: 6, k: "pairing", d: pairing(120) },
    ]);
    expect(r.runs.map((x) => [x.kind, x.bodies.map((b) => b.to_ms ?? b.seq)])).toEqual([
      ["pairing", [99]],
      ["event", [3]],
      ["pairing", [120]],
    ]);
    expect(r.rejected.map((x) => [x.seq, x.reason])).toEqual([
      [4, "unknown kind 'gossip'"],
      [5, "ts: expected a number"],
    ]);
    expect(JSON.parse(r.rejected[1]!.body).ts).toBe("soon");
  });
});

describe("the wire", () => {
  it("parses what the forwarder writes, and says in words why a payload is not a batch", () => {
    const text = batchText("s1", 4, 6, 9, 123, [
      { seq: 5, kind: "event", body: JSON.stringify(ev(5)) },
      { seq: 6, kind: "event", body: JSON.stringify(ev(6)) },
    ]);
    const p = parsePayload(batchPayload, text);
    expect(p.ok && p.value.rows.map((r) => r.s)).toEqual([5, 6]);
    expect(parsePayload(batchPayload, "{not json")).toEqual({ ok: false, reason: "not JSON" });
    expect(parsePayload(batchPayload, batchText("s1", 4, 6, 9, 1, [{ seq: 7, kind: "event", body: "{}" }]))).toEqual({ ok: false, reason: "payload: row 7 is out of order or outside (4, 6]" });
    expect(parsePayload(batchPayload, JSON.stringify({ v: 1, store: "s/1", after: 0, to: 0, last: 0, sentMs: 0, rows: [] }))).toEqual({
      ok: false,
      reason: "store: letters, digits, '_', '-' or '.', at most 64",
    });
  });
});

describe("the forwarder's window", () => {
  const o = { ackTimeoutMs: 1000, maxBackoffMs: 4000, heartbeatMs: 30_000 };

  it("sends a batch when there are rows, waits for its ack, sends again with a doubling wait, and a heartbeat when idle", () => {
    let w = initialWindow(10, o);
    expect(due(w, 0, 10, o).send).toBe("heartbeat");
    w = sent(w, 10, 10, 0);
    w = onAck(w, { v: 1, acked: 10 }, 10, o).state;
    expect(due(w, 100, 10, o).send).toBeUndefined();
    expect(due(w, 100, 15, o).send).toBe("batch");
    w = sent(w, 10, 15, 100);
    expect(due(w, 1099, 15, o).send).toBeUndefined();
    const waits: number[] = [];
    let t = 100;
    for (let i = 0; i < 4; i++) {
      t += w.waitMs;
      const d = due(w, t, 15, o);
      expect(d.send).toBe("resend");
      w = sent(d.state, 10, 15, t);
      waits.push(w.waitMs);
    }
    expect(waits).toEqual([2000, 4000, 4000, 4000]);
    const a = onAck(w, { v: 1, acked: 15 }, 15, o);
    expect(a.outcome).toEqual({ kind: "acked", acked: 15 });
    expect(a.state).toMatchObject({ acked: 15, inflight: [], waitMs: 1000 });
  });

  it("keeps waiting on an older ack, rewinds when the hub has less, and says when the hub is ahead of the outbox", () => {
    const w = sent(initialWindow(10, o), 10, 20, 0);
    expect(onAck(w, { v: 1, acked: 10 }, 20, o).state.inflight).toHaveLength(1);
    expect(onAck(w, { v: 1, acked: 7, replayFrom: 8 }, 20, o)).toMatchObject({ outcome: { kind: "rewind", acked: 7, was: 10 }, state: { acked: 7, inflight: [] } });
    expect(onAck(w, { v: 1, acked: 25 }, 20, o).outcome).toEqual({ kind: "ahead", acked: 25, last: 20 });
  });

  it("keeps up to maxInFlight batches in flight, each after the one before, and starts over from the last ack on a replay or a timeout", () => {
    const p = { ...o, maxInFlight: 3 };
    let w = initialWindow(10, p);
    for (const [after, to] of [[10, 20], [20, 30], [30, 40]] as const) {
      expect(due(w, 0, 100, p).send).toBe("batch");
      expect(nextAfter(w)).toBe(after);
      w = sent(w, after, to, 0);
    }
    expect(due(w, 0, 100, p).send).toBeUndefined();
    /* An ack of the second answers the first two; the third stays, and one more may go. */
    w = onAck(w, { v: 1, acked: 30 }, 100, p).state;
    expect(w.inflight.map((b) => b.to)).toEqual([40]);
    expect(nextAfter(w)).toBe(40);
    expect(due(w, 10, 100, p).send).toBe("batch");
    /* The hub's reviews sent unasked (acked as before) answer nothing. */
    expect(onAck(w, { v: 1, acked: 30 }, 100, p).state.inflight).toHaveLength(1);
    /* A replay forgets every batch in flight. */
    const r = onAck(sent(w, 40, 50, 10), { v: 1, acked: 30, replayFrom: 31 }, 100, p).state;
    expect(r.inflight).toEqual([]);
    expect(nextAfter(r)).toBe(30);
    /* The oldest unanswered in time: all go again from the last ack. */
    const d = due(sent(w, 40, 50, 10), 1000, 100, p);
    expect(d.send).toBe("resend");
    expect(nextAfter(d.state)).toBe(30);
    /* A heartbeat only when nothing is in flight. */
    expect(due({ ...w, inflight: [] }, 40_000, 30, p).send).toBe("heartbeat");
  });
});

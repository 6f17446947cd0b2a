/**
 * The outbox (docs/firmware.md "Outbox"; docs/protocol.md "Delivery"): every event is appended to flash before
 * it is sent, and stays there until acked. Append-only and segment-based, so flash is never rewritten per event:
 * - `lbo<i>` (StorageFile): segment i, one line per event `b,n,k,ts,sync,btn.` (the final `.` proves the line
 *   whole) and one line per finished event `b,n,a` (acked) or `b,n,x` (dropped), appended to the event's segment;
 * - `lbm`: `{"lo":<first live segment>,"drop":<drops of erased segments>}`, written only when a segment goes.
 * The oldest segment is erased once all its events are finished (compaction). Only the in-flight window is in
 * RAM, as the events' lines. A line cut short by a power cut is ended with `\n` at the next boot and ignored: it lacks the event's `.`
 * or the ack's flag (no event kind starts with `a` or `x`, so a cut event line never reads as an ack).
 */
import type { Flash } from "./flash.ts";

/** One event as held in RAM while in flight: its line, key `b,n,`, segment, next send time and backoff (ms). */
export interface OutEvent {
  l: string;
  k: string;
  g: number;
  w: number;
  p: number;
}

export interface OutboxOptions {
  flash: Flash;
  /** Events per segment (32). */
  seg?: number;
  /** Most segments in flash (6); the oldest goes, its unfinished events counted as dropped. */
  max?: number;
  /** Most unacked events (seg * (max - 1)); beyond it the oldest is dropped. */
  cap?: number;
}

/** A live segment: index, whole event lines, finished (ack or drop) lines, drop lines. */
interface Seg {
  i: number;
  n: number;
  d: number;
  x: number;
}

/** The line of an event, as stored: `b,n,k,ts,sync,btn.` */
export const eventLine = (b: string, n: number, k: string, ts: number, y: number, btn: string): string =>
  [b, n, k, ts, y, btn].join(",") + ".";

/**
 * Parts of the returned object and its helpers (kept here, outside the function body: on Espruino a
 * function's text, comments included, lives in RAM):
 * - `retire`: erases the oldest segment; its unfinished events count as dropped;
 * - `finish`: marks an event finished in its segment: `a` acked, `x` dropped;
 * - `scan`: the oldest unfinished events not in flight, at most `want`;
 * - loading: an unfinished last line is ended with `\n` so that the next append starts a fresh one;
 * - `count`: unacked events in flash; `add`: appends one event before it is sent (false when flash refused it
 *   even after dropping the oldest); `fill`: tops the in-flight window up to `max` events, oldest first;
 *   `ack` / `refuse`: an ack, or a nack refusing the event for good (dropped and counted); true when in flight.
 */
export const createOutbox = (o: OutboxOptions) => {
  const fl = o.flash;
  const SEG = o.seg || 32;
  const MAX = o.max || 6;
  const CAP = o.cap || SEG * (MAX - 1);
  const st = { lo: 0, md: 0, drop: 0, segs: [] as Seg[], f: [] as OutEvent[] };
  const F = (i: number) => "lbo" + i;
  const all = (i: number) => {
    const f = fl.open(F(i), "r");
    let s = "";
    let c: string | undefined;
    while ((c = f.read(256)) !== undefined) s += c;
    return s;
  };
  const add = (i: number, d: string) => {
    try {
      fl.open(F(i), "a").write(d);
      return true;
    } catch (e) {
      return false;
    }
  };
  const count = () => st.segs.reduce((a, s) => a + s.n - s.d, 0);
  const retire = () => {
    const s = st.segs.shift() as Seg;
    st.md += s.x + s.n - s.d;
    st.drop += s.n - s.d;
    st.lo = s.i + 1;
    fl.write("lbm", JSON.stringify({ lo: st.lo, drop: st.md }));
    fl.open(F(s.i), "r").erase();
    st.f = st.f.filter((e) => e.g !== s.i);
  };
  const find = (k: string) => st.f.find((e) => e.k === k);
  const finish = (e: OutEvent | undefined, flag: string) => {
    if (!e) return false;
    const s = st.segs.find((x) => x.i === e.g);
    st.f.splice(st.f.indexOf(e), 1);
    if (s) {
      add(s.i, e.k + flag + "\n");
      s.d++;
      if (flag === "x") {
        s.x++;
        st.drop++;
      }
    }
    while (st.segs.length > 1 && (st.segs[0] as Seg).d >= (st.segs[0] as Seg).n) retire();
    return true;
  };
  const scan = (want: number) => {
    const out: OutEvent[] = [];
    st.segs.forEach((s) => {
      if (s.d >= s.n) return;
      const t = "\n" + all(s.i);
      t.split("\n").forEach((l) => {
        if (out.length >= want || l.slice(-1) !== ".") return;
        const k = (l.match(/^[^,]*,[^,]*,/) as string[])[0] as string;
        if (t.indexOf("\n" + k + "a\n") < 0 && t.indexOf("\n" + k + "x\n") < 0 && !find(k)) out.push({ l: l, k: k, g: s.i, w: 0, p: 0 });
      });
    });
    return out;
  };
  const meta = (fl.readJSON("lbm", true) || {}) as { lo?: number; drop?: number };
  const ids = fl.list(/^lbo/, { sf: true }).map((x) => +x.slice(3));
  ids.sort((a, b) => a - b);
  st.lo = meta.lo === undefined ? ids[0] || 0 : meta.lo;
  st.md = st.drop = meta.drop || 0;
  ids.forEach((i) => {
    if (i < st.lo) return fl.open(F(i), "r").erase();
    let t = all(i);
    if (t && t.slice(-1) !== "\n") {
      add(i, "\n");
      t += "\n";
    }
    const s = { i: i, n: 0, d: 0, x: 0 };
    t.split("\n").forEach((l) => {
      if (l.slice(-1) === ".") s.n++;
      else if (/,[ax]$/.test(l)) {
        s.d++;
        if (l.slice(-1) === "x") s.x++;
      }
    });
    st.drop += s.x;
    st.segs.push(s);
  });

  return {
    st: st,
    count: count,
    add(line: string): boolean {
      if (count() >= CAP) finish(st.f[0] || scan(1)[0], "x");
      let s = st.segs[st.segs.length - 1];
      if (!s || s.n >= SEG) {
        if (st.segs.length >= MAX) retire();
        s = { i: s ? s.i + 1 : st.lo, n: 0, d: 0, x: 0 };
        st.segs.push(s);
      }
      let ok = add(s.i, line + "\n");
      if (!ok && st.segs.length > 1) {
        retire();
        ok = add(s.i, line + "\n");
      }
      if (ok) s.n++;
      return ok;
    },
    fill(max: number): OutEvent[] {
      if (st.f.length < max) st.f = st.f.concat(scan(max - st.f.length));
      return st.f;
    },
    ack: (b: string, n: number) => finish(find(b + "," + n + ","), "a"),
    refuse: (b: string, n: number) => finish(find(b + "," + n + ","), "x"),
  };
};

export type Outbox = ReturnType<typeof createOutbox>;

/**
 * The outbox (docs/firmware.md "Outbox"; docs/protocol.md "Delivery"): every event is appended to flash before
 * it is sent, and stays there until acked. Append-only and segment-based, so flash is never rewritten per event:
 * - `lbo<i>` (StorageFile): segment i, one line per event `b,n,k,ts,sync,btn.` (the final `.` proves the line
 *   whole) and one line per finished event `b,n,a` (acked) or `b,n,x` (dropped), appended to the event's segment;
 * - `lbm`: `{"lo":<first live segment>,"drop":<drops of erased segments>}`, written only when a segment goes.
 * The oldest segment is erased once all its events are finished (compaction). Only the in-flight window is in
 * RAM. A line cut short by a power cut is ended with `\n` at the next boot and ignored: it lacks the event's `.`
 * or the ack's flag (no event kind starts with `a` or `x`, so a cut event line never reads as an ack).
 */
import type { Flash } from "./flash.ts";

/** One event as held in RAM while in flight. */
export interface OutEvent {
  b: string;
  n: number;
  k: string;
  ts: number;
  y: number;
  bt: string;
  /** Segment. */
  g: number;
  /** Next send time (uptime ms) and current backoff (ms). */
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

interface Seg {
  i: number;
  /** Whole event lines, finished (ack or drop) lines, drop lines. */
  n: number;
  d: number;
  x: number;
}

/* Whole lines of a file: text after the last `\n` is an unfinished write. */
function lines(text: string): string[] {
  const l = text.split("\n");
  l.pop();
  return l;
}

/** Parses an event line; undefined when it is not a whole event line. */
export function parseEvent(line: string, g: number): OutEvent | undefined {
  const f = line.split(",");
  const last = f[5];
  if (f.length !== 6 || last === undefined || last.charAt(last.length - 1) !== ".") return undefined;
  return { b: f[0] as string, n: +(f[1] as string), k: f[2] as string, ts: +(f[3] as string), y: +(f[4] as string), bt: last.slice(0, -1), g: g, w: 0, p: 0 };
}

/**
 * Parts of the returned object and its helpers (kept here, outside the function body: on Espruino a
 * function's text, comments included, lives in RAM):
 * - `retire`: Erases the oldest segment; its unfinished events count as dropped.
 * - `finish`: Marks an event finished in its segment: `a` acked, `x` dropped.
 * - `scan`: Oldest unfinished events not in flight, at most `want`.
 * - loading: an unfinished last line is ended with `\n` so that the next append starts a fresh one.
 * - `count`: Unacked events in flash.
 * - `add`: Appends one event (before it is sent). False when flash refused it even after dropping the oldest.
 * - `fill`: Tops the in-flight window up to `max` events, oldest first; returns it.
 * - `ack`: An ack for (b, n): true when it was in flight.
 * - `refuse`: A nack refusing (b, n) for good: dropped and counted.
 */
export function createOutbox(o: OutboxOptions) {
  const fl = o.flash;
  const SEG = o.seg || 32;
  const MAX = o.max || 6;
  const CAP = o.cap || SEG * (MAX - 1);
  const st = { lo: 0, md: 0, drop: 0, segs: [] as Seg[], f: [] as OutEvent[] };
  const file = (i: number) => "lbo" + i;
  const all = (i: number) => {
    const f = fl.open(file(i), "r");
    let s = "";
    let c = f.read(256);
    while (c !== undefined) {
      s += c;
      c = f.read(256);
    }
    return s;
  };
  const add = (i: number, d: string) => {
    try {
      fl.open(file(i), "a").write(d);
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
    fl.open(file(s.i), "r").erase();
    st.f = st.f.filter((e) => e.g !== s.i);
  };
  const finish = (e: OutEvent, flag: string) => {
    const s = st.segs.find((x) => x.i === e.g);
    st.f.splice(st.f.indexOf(e), 1);
    if (!s) return;
    add(s.i, e.b + "," + e.n + "," + flag + "\n");
    s.d++;
    if (flag === "x") {
      s.x++;
      st.drop++;
    }
    while (st.segs.length > 1 && (st.segs[0] as Seg).d >= (st.segs[0] as Seg).n) retire();
  };
  const find = (b: string, n: number) => st.f.find((e) => e.b === b && e.n === n);
  const scan = (want: number): OutEvent[] => {
    const out: OutEvent[] = [];
    st.segs.forEach((s) => {
      if (s.d >= s.n || out.length >= want) return;
      const text = "\n" + all(s.i);
      lines(text).forEach((l) => {
        const e = parseEvent(l, s.i);
        if (!e || out.length >= want) return;
        const k = "\n" + e.b + "," + e.n + ",";
        if (text.indexOf(k + "a\n") < 0 && text.indexOf(k + "x\n") < 0 && !find(e.b, e.n)) out.push(e);
      });
    });
    return out;
  };
  let meta: { lo?: number; drop?: number } = {};
  try {
    meta = JSON.parse(fl.read("lbm") || "{}");
  } catch (e) {}
  const ids = fl.list(/^lbo/, { sf: true }).map((x) => +x.slice(3));
  ids.sort((a, b) => a - b);
  st.lo = meta.lo === undefined ? ids[0] || 0 : meta.lo;
  st.md = st.drop = meta.drop || 0;
  ids.forEach((i) => {
    if (i < st.lo) return fl.open(file(i), "r").erase();
    let t = all(i);
    if (t && t.slice(-1) !== "\n") {
      add(i, "\n");
      t += "\n";
    }
    const ls = lines(t);
    const x = ls.filter((l) => l.slice(-2) === ",x").length;
    st.drop += x;
    st.segs.push({ i: i, n: ls.filter((l) => !!parseEvent(l, i)).length, d: ls.filter((l) => /,[ax]$/.test(l)).length, x: x });
  });

  return {
    st: st,
    count: count,
    add(e: { b: string; n: number; k: string; ts: number; y: number; bt: string }): boolean {
      if (count() >= CAP) {
        const old = st.f[0] || scan(1)[0];
        if (old) finish(old, "x");
      }
      let s = st.segs[st.segs.length - 1];
      if (!s || s.n >= SEG) {
        if (st.segs.length >= MAX) retire();
        s = { i: s ? s.i + 1 : st.lo, n: 0, d: 0, x: 0 };
        st.segs.push(s);
      }
      const line = e.b + "," + e.n + "," + e.k + "," + e.ts + "," + e.y + "," + e.bt + ".\n";
      let ok = add(s.i, line);
      if (!ok && st.segs.length > 1) {
        retire();
        ok = add(s.i, line);
      }
      if (ok) s.n++;
      return ok;
    },
    fill(max: number): OutEvent[] {
      if (st.f.length < max) st.f = st.f.concat(scan(max - st.f.length));
      return st.f;
    },
    ack(b: string, n: number): boolean {
      const e = find(b, n);
      if (e) finish(e, "a");
      return !!e;
    },
    refuse(b: string, n: number): boolean {
      const e = find(b, n);
      if (e) finish(e, "x");
      return !!e;
    },
  };
}

export type Outbox = ReturnType<typeof createOutbox>;

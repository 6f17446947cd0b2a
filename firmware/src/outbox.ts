/**
 * The outbox (docs/firmware.md "Outbox"; docs/protocol.md "Delivery"): every event is appended to flash before
 * it is sent, and stays there until acked. Append-only and segment-based, so flash is never rewritten per event:
 * - `lbe<i>`: events of segment i, one line each: `b,n,k,ts,sync,btn.` (the final `.` proves the line whole);
 * - `lba<i>`: acks of segment i, one line each: `b,n,a` (acked) or `b,n,x` (dropped);
 * - `lbm`: `{"lo":<first live segment>,"drop":<drops of erased segments>}`, written only when a segment goes.
 * A segment whose events are all acked or dropped is erased (compaction). Only a few events are held in RAM
 * (the in-flight window); the rest are read back from flash when needed. A line cut short by a power cut has
 * no `\n` or no terminator: loading seals it with `\n` and it is ignored.
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
  /** Most segments in flash (6); the oldest goes, its unacked events counted as dropped. */
  max?: number;
  /** Most unacked events (seg * (max - 1)); beyond it the oldest is dropped. */
  cap?: number;
}

interface Seg {
  i: number;
  /** Whole event lines, and whole ack/drop lines. */
  n: number;
  d: number;
}

/* Whole lines of a file: text after the last `\n` is an unfinished write. */
function lines(text: string): string[] {
  const l = text.split("\n");
  l.pop();
  return l;
}

/** Parses an event line; undefined when it is not whole. */
export function parseEvent(line: string, g: number): OutEvent | undefined {
  const f = line.split(",");
  const last = f[5];
  if (f.length !== 6 || last === undefined || last.charAt(last.length - 1) !== ".") return undefined;
  return { b: f[0] as string, n: +(f[1] as string), k: f[2] as string, ts: +(f[3] as string), y: +(f[4] as string), bt: last.slice(0, -1), g: g, w: 0, p: 0 };
}

export function createOutbox(o: OutboxOptions) {
  const fl = o.flash;
  const SEG = o.seg || 32;
  const MAX = o.max || 6;
  const CAP = o.cap || SEG * (MAX - 1);
  const st = { lo: 0, md: 0, drop: 0, segs: [] as Seg[], f: [] as OutEvent[] };

  /* Whether the ack file text (with a leading newline) finishes `e`: a whole `b,n,a` or `b,n,x` line. */
  const done = (acks: string, e: OutEvent) => {
    const k = "\n" + e.b + "," + e.n + ",";
    return acks.indexOf(k + "a\n") >= 0 || acks.indexOf(k + "x\n") >= 0;
  }
  const count = () => {
    return st.segs.reduce((a, s) => a + s.n - s.d, 0);
  }
  const saveMeta = () => {
    fl.put("lbm", JSON.stringify({ lo: st.lo, drop: st.md }));
  }
  /* Erases the oldest segment; its unfinished events count as dropped. */
  const retire = () => {
    const s = st.segs.shift() as Seg;
    const x = lines(fl.all("lba" + s.i)).filter((l) => l.slice(-2) === ",x").length;
    st.md += x + s.n - s.d;
    st.drop = st.drop + s.n - s.d;
    st.lo = s.i + 1;
    saveMeta();
    fl.del("lbe" + s.i);
    fl.del("lba" + s.i);
    st.f = st.f.filter((e) => e.g !== s.i);
  }
  const compact = () => {
    while (st.segs.length > 1 && (st.segs[0] as Seg).d >= (st.segs[0] as Seg).n) retire();
  }
  /* Marks an event done in its segment's ack file: `a` acked, `x` dropped. */
  const finish = (e: OutEvent, flag: string) => {
    const s = st.segs.find((x) => x.i === e.g);
    st.f.splice(st.f.indexOf(e), 1);
    if (!s) return;
    fl.add("lba" + s.i, e.b + "," + e.n + "," + flag + "\n");
    s.d++;
    if (flag === "x") st.drop++;
    compact();
  }
  /* Oldest unfinished events not in flight, at most `want`. */
  const scan = (want: number): OutEvent[] => {
    const out: OutEvent[] = [];
    for (let j = 0; j < st.segs.length && out.length < want; j++) {
      const s = st.segs[j] as Seg;
      if (s.d >= s.n) continue;
      const acks = "\n" + fl.all("lba" + s.i);
      const ls = lines(fl.all("lbe" + s.i));
      for (let m = 0; m < ls.length && out.length < want; m++) {
        const e = parseEvent(ls[m] as string, s.i);
        if (!e || done(acks, e)) continue;
        const busy = st.f.some((x) => x.b === e.b && x.n === e.n);
        if (!busy) out.push(e);
      }
    }
    return out;
  }
  const find = (b: string, n: number) => {
    return st.f.find((e) => e.b === b && e.n === n);
  }
  /* Reads a file, ending an unfinished last line with `\n` so that the next append starts a fresh line. */
  const seal = (name: string) => {
    const t = fl.all(name);
    if (!t || t.slice(-1) === "\n") return t;
    fl.add(name, "\n");
    return t + "\n";
  }
  const load = () => {
    let meta: { lo?: number; drop?: number } = {};
    try {
      meta = JSON.parse(fl.get("lbm") || "{}");
    } catch (e) {
      meta = {};
    }
    const ids = fl.names("lbe").concat(fl.names("lba")).map((x) => +x.slice(3));
    const lo = meta.lo === undefined ? (ids.length ? Math.min.apply(null, ids) : 0) : meta.lo;
    st.lo = lo;
    st.md = meta.drop || 0;
    st.drop = st.md;
    ids.sort((a, b) => a - b);
    ids.forEach((i) => {
      if (i < lo) {
        fl.del("lbe" + i);
        fl.del("lba" + i);
        return;
      }
      if (st.segs.some((s) => { return s.i === i; })) return;
      const ev = seal("lbe" + i);
      const ak = seal("lba" + i);
      const n = lines(ev).filter((l) => { return !!parseEvent(l, i); }).length;
      const al = lines(ak).filter((l) => { return /,[ax]$/.test(l); });
      st.drop += al.filter((l) => { return l.slice(-2) === ",x"; }).length;
      st.segs.push({ i: i, n: n, d: al.length });
    });
  }
  load();

  return {
    st: st,
    /** Unacked events in flash. */
    count: count,
    /** Appends one event (before it is sent). False when flash refused it even after dropping the oldest. */
    add(e: { b: string; n: number; k: string; ts: number; y: number; bt: string }): boolean {
      if (count() >= CAP) {
        const old = st.f[0] || scan(1)[0];
        if (old) finish(old, "x");
      }
      let s = st.segs[st.segs.length - 1];
      if (!s || s.n >= SEG) {
        if (st.segs.length >= MAX) retire();
        s = { i: s ? s.i + 1 : st.lo, n: 0, d: 0 };
        st.segs.push(s);
      }
      const line = e.b + "," + e.n + "," + e.k + "," + e.ts + "," + e.y + "," + e.bt + ".\n";
      let ok = fl.add("lbe" + s.i, line);
      if (!ok && st.segs.length > 1) {
        retire();
        ok = fl.add("lbe" + s.i, line);
      }
      if (ok) s.n++;
      return ok;
    },
    /** Tops the in-flight window up to `max` events, oldest first; returns it. */
    fill(max: number): OutEvent[] {
      if (st.f.length < max) st.f = st.f.concat(scan(max - st.f.length));
      return st.f;
    },
    /** An ack for (b, n): true when it was in flight. */
    ack(b: string, n: number): boolean {
      const e = find(b, n);
      if (e) finish(e, "a");
      return !!e;
    },
    /** A nack refusing (b, n) for good: dropped and counted. */
    refuse(b: string, n: number): boolean {
      const e = find(b, n);
      if (e) finish(e, "x");
      return !!e;
    },
  };
}

export type Outbox = ReturnType<typeof createOutbox>;

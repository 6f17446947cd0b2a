/**
 * The outbox (docs/firmware.md "Outbox format"; docs/protocol.md "Delivery"): every event is appended to flash
 * before it is sent, and stays there until acked. Append-only and segment-based, so flash is never rewritten
 * per event:
 * - `lbo<i>` (StorageFile): segment i, one line per event `b,n,k,ts,sync,btn.` (the final `.` proves the line
 *   whole) and one line per finished event `b,n,a` (acked) or `b,n,x` (dropped), appended to the event's segment;
 * - `lbm`: `{"lo":<first live segment>,"drop":<drops of erased segments>}`, written only when a segment goes.
 * The oldest segment is erased once all its events are finished (compaction). In RAM: per live segment (they
 * are numbered on from `lo` without gaps) one character per event ("." waiting, "a" acked, "x" dropped), and
 * the in-flight window as the events' lines;
 * everything else is read back from flash a line at a time. A line cut short by a power cut is ended with `\n`
 * at the next boot and ignored: it lacks the event's `.` or the ack's flag (no event kind starts with `a` or `x`,
 * so a cut event line never reads as an ack).
 */
import { MAX_SEGS, SEG } from "./constants.ts";
import type { Flash } from "./flash.ts";

/** An event in flight: its line (without `\n`), segment, place among the segment's events, next send, backoff. */
export interface OutEvent {
  l: string;
  g: number;
  j: number;
  w: number;
  p: number;
}

/** The line of an event, as stored: `b,n,k,ts,sync,btn.` */
export const eventLine = (b: string, n: number, k: string, ts: number, y: number, btn: string): string =>
  [b, n, k, ts, y, btn].join(",") + ".";

/**
 * `seg` events per segment and `max` segments: the constants, smaller in tests. Helpers (kept here, outside the
 * function body: on Espruino a function's text, comments included, would be RAM if it were not run from flash):
 * - `each(i, fn)`: calls fn with every line of segment i (`\n` removed) and whether it was whole;
 * - `key(line)`: an event's `b,n`, from its line or from its finish line;
 * - `app(i, d)`: appends to segment i; false when flash refused;
 * - `retire`: erases the oldest segment; its unfinished events count as dropped;
 * - `fin(e, flag)`: marks an in-flight event finished in its segment, `a` acked or `x` dropped;
 * - `count`: unacked events; `add`: appends one event before it is sent (false when flash refused it even after
 *   dropping the oldest); `fill(max)`: tops the in-flight window up to `max`, oldest first; `done(b, n, flag)`:
 *   an ack (`a`) or a refusing nack (`x`) of an in-flight event; true when it was in flight.
 */
export const createOutbox = (fl: Flash, seg?: number, max?: number) => {
  const N = seg || SEG;
  const M = max || MAX_SEGS;
  const st = { lo: 0, md: 0, drop: 0, s: [] as string[], f: [] as OutEvent[] };
  const each = (i: number, fn: (l: string, whole: boolean) => void) => {
    const f = fl.open("lbo" + i, "r");
    let l = f.readLine();
    while (typeof l === "string") {
      const whole = l.charAt(l.length - 1) === "\n";
      fn(whole ? l.slice(0, -1) : l, whole);
      l = f.readLine();
    }
  };
  const app = (i: number, d: string) => {
    try {
      fl.open("lbo" + i, "a").write(d);
      return true;
    } catch (e) {
      return false;
    }
  };
  const left = (e: string) => e.split(".").length - 1;
  const key = (l: string) => l.slice(0, l.indexOf(",", l.indexOf(",") + 1));
  const count = () => st.s.reduce((a, e) => a + left(e), 0);
  const retire = () => {
    const e = st.s.shift() as string;
    const u = left(e);
    st.md += u + e.split("x").length - 1;
    st.drop += u;
    st.lo++;
    fl.write("lbm", JSON.stringify({ lo: st.lo, drop: st.md }));
    fl.open("lbo" + (st.lo - 1), "r").erase();
    st.f = st.f.filter((x) => x.g >= st.lo);
  };
  const fin = (e: OutEvent | undefined, flag: string) => {
    if (!e) return false;
    st.f.splice(st.f.indexOf(e), 1);
    const k = e.g - st.lo;
    const s = st.s[k];
    if (s !== undefined) {
      app(e.g, key(e.l) + "," + flag + "\n");
      st.s[k] = s.substr(0, e.j) + flag + s.substr(e.j + 1);
      if (flag === "x") st.drop++;
    }
    while (st.s.length > 1 && (st.s[0] as string).indexOf(".") < 0) retire();
    return true;
  };
  const fill = (max: number) => {
    st.s.forEach((s, k) => {
      const g = st.lo + k;
      /* Read a segment only when it has waiting events that are not in flight yet (pump runs every second). */
      if (st.f.length >= max || left(s) <= st.f.filter((e) => e.g === g).length) return;
      let j = 0;
      each(g, (l) => {
        if (l.charAt(l.length - 1) !== ".") return;
        if (st.f.length < max && s.charAt(j) === "." && !st.f.filter((e) => e.g === g && e.j === j).length) st.f.push({ l: l, g: g, j: j, w: 0, p: 0 });
        j++;
      });
    });
    return st.f;
  };
  const meta = (fl.readJSON("lbm", true) || {}) as { lo?: number; drop?: number };
  const ids = fl.list(/^lbo/, { sf: true }).map((x) => +x.slice(3));
  ids.sort((a, b) => a - b);
  st.lo = meta.lo === undefined ? ids[0] || 0 : meta.lo;
  st.md = st.drop = meta.drop || 0;
  ids.forEach((i) => {
    if (i < st.lo) return fl.open("lbo" + i, "r").erase();
    while (st.lo + st.s.length < i) st.s.push("");
    let e = "";
    const keys: string[] = [];
    let cut = false;
    each(i, (l, whole) => {
      cut = !whole;
      if (l.charAt(l.length - 1) === ".") {
        keys.push(key(l));
        e += ".";
      } else if (whole && /,[ax]$/.test(l)) {
        const j = keys.indexOf(key(l));
        const flag = l.charAt(l.length - 1);
        if (j >= 0 && e.charAt(j) === ".") {
          e = e.substr(0, j) + flag + e.substr(j + 1);
          if (flag === "x") st.drop++;
        }
      }
    });
    if (cut) app(i, "\n");
    st.s.push(e);
  });

  return {
    st: st,
    count: count,
    fill: fill,
    add(line: string): boolean {
      if (count() >= N * (M - 1)) fin(st.f[0] || fill(1)[0], "x");
      if (!st.s.length || (st.s[st.s.length - 1] as string).length >= N) {
        if (st.s.length >= M) retire();
        st.s.push("");
      }
      const g = st.lo + st.s.length - 1;
      let ok = app(g, line + "\n");
      if (!ok && st.s.length > 1) {
        retire();
        ok = app(g, line + "\n");
      }
      /* Flash refused it even after the oldest segment went: the press is lost, so it is counted as dropped. */
      if (ok) st.s[g - st.lo] += ".";
      else st.drop++;
      return ok;
    },
    done: (b: string, n: number, flag: string) => {
      const k = b + "," + n + ",";
      return fin(st.f.filter((e) => e.l.substr(0, k.length) === k)[0], flag);
    },
  };
};

export type Outbox = ReturnType<typeof createOutbox>;

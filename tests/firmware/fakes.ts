/**
 * Fakes for unit tests of the pure firmware core: a fake timer port and an in-memory Flash. Not hardware fakes
 * (those live in firmware/sim/): these stand in for the ports main.ts builds over Espruino's setTimeout and
 * require("Storage") (https://www.espruino.com/Reference#Storage), with the same rules as the simulator.
 */
import type { Timers } from "../../firmware/src/timers.ts";

export function fakeTimers() {
  let now = 0;
  let seq = 0;
  const pending = new Map<number, { at: number; fn: () => void }>();
  const timers: Timers = {
    set(fn, ms, arg) {
      const id = ++seq;
      pending.set(id, { at: now + ms, fn: () => fn(arg) });
      return id;
    },
    /* As Espruino: clearing a spent or unknown handle throws. */
    clear(h) {
      if (!pending.delete(h as number)) throw new Error("Unknown Timeout " + String(h));
    },
  };
  return {
    timers,
    now: () => now,
    pending: () => pending.size,
    /** Moves time forward, running due timers in order. */
    advance(ms: number) {
      const end = now + ms;
      for (;;) {
        let next: [number, { at: number; fn: () => void }] | undefined;
        for (const e of pending) if (e[1].at <= end && (!next || e[1].at < next[1].at)) next = e;
        if (!next) break;
        pending.delete(next[0]);
        now = next[1].at;
        next[1].fn();
      }
      now = end;
    },
  };
}

/** Plain files live under their name, StorageFiles (opened with "a") under `name` too, flagged in `sf`. */
export function memoryFlash(files: Map<string, string> = new Map(), sf: Set<string> = new Set([...files.keys()].filter((k) => k.startsWith("lbo")))) {
  const f = {
    files,
    sf,
    writes: 0,
    read: (n: string) => (sf.has(n) ? undefined : files.get(n)),
    readJSON(n: string): unknown {
      const d = f.read(n);
      try {
        return d === undefined ? undefined : JSON.parse(d);
      } catch (e) {
        return undefined;
      }
    },
    write(n: string, d: string) {
      f.writes++;
      files.set(n, d);
      return true;
    },
    erase(n: string) {
      files.delete(n);
    },
    list: (re: RegExp, o: { sf: boolean }) => [...files.keys()].filter((k) => re.test(k) && sf.has(k) === o.sf),
    open(n: string, mode: "r" | "a") {
      let pos = 0;
      return {
        readLine() {
          const t = files.get(n) ?? "";
          if (pos >= t.length) return null;
          const nl = t.indexOf("\n", pos);
          const end = nl < 0 ? t.length : nl + 1;
          const s = t.slice(pos, end);
          pos = end;
          return s;
        },
        read(len: number) {
          const t = files.get(n) ?? "";
          if (pos >= t.length) return undefined;
          const s = t.slice(pos, pos + len);
          pos += s.length;
          return s;
        },
        write(d: string) {
          if (mode !== "a") throw new Error("file " + n + " is open for reading");
          if (d.includes("\xff")) throw new Error("appendable files cannot hold \\xFF");
          f.writes++;
          sf.add(n);
          files.set(n, (files.get(n) ?? "") + d);
        },
        erase() {
          files.delete(n);
          sf.delete(n);
        },
      };
    },
  };
  return f;
}

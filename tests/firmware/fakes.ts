/**
 * Fakes for unit tests of the pure firmware core: a fake timer port and an in-memory Flash. Not hardware fakes
 * (those live in firmware/sim/): these stand in for the ports main.ts builds over Espruino's setTimeout and
 * require("Storage") (https://www.espruino.com/Reference#Storage), with the same rules as the simulator.
 */
import type { Flash } from "../../firmware/src/flash.ts";
import type { Timers } from "../../firmware/src/timers.ts";

export function fakeTimers() {
  let now = 0;
  let seq = 0;
  const pending = new Map<number, { at: number; fn: () => void }>();
  const timers: Timers = {
    after(ms, fn) {
      const id = ++seq;
      pending.set(id, { at: now + ms, fn });
      return id;
    },
    cancel(h) {
      pending.delete(h as number);
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

export function memoryFlash(files: Map<string, string> = new Map()): Flash & { files: Map<string, string>; writes: number } {
  const f = {
    files,
    writes: 0,
    get: (n: string) => (n.startsWith("lbe") || n.startsWith("lba") ? undefined : files.get(n)),
    put(n: string, d: string) {
      f.writes++;
      files.set(n, d);
      return true;
    },
    all: (n: string) => files.get(n) ?? "",
    add(n: string, d: string) {
      if (d.includes("\xff")) throw new Error("appendable files cannot hold \\xFF");
      f.writes++;
      files.set(n, (files.get(n) ?? "") + d);
      return true;
    },
    del(n: string) {
      files.delete(n);
    },
    names: (p: string) => [...files.keys()].filter((k) => k.startsWith(p)),
  };
  return f;
}

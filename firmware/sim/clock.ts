/**
 * The simulator's clock. `fake`: time moves only when the test calls `advance(ms)`, timers run in due order
 * (tests never sleep). `real`: timers are Node timers and time is the monotonic clock (demos, `loyalty simulate`).
 * One clock may drive several simulated boards.
 */
export interface SimClock {
  readonly mode: "fake" | "real";
  /** Milliseconds since the clock was made. */
  now(): number;
  /** Runs `fn` after `ms`; returns a handle for `cancel`. */
  schedule(ms: number, fn: () => void): number;
  cancel(handle: number): void;
  /** Fake clock only: moves time forward by `ms`, running every timer that falls due, in order. */
  advance(ms: number): void;
  /** Cancels every pending timer. */
  stop(): void;
}

interface Timer {
  id: number;
  due: number;
  fn: () => void;
}

export function createFakeClock(): SimClock {
  let t = 0;
  let seq = 0;
  let timers: Timer[] = [];
  return {
    mode: "fake",
    now: () => t,
    schedule(ms, fn) {
      if (typeof fn !== "function") throw new TypeError("schedule: fn is not a function");
      const id = ++seq;
      timers.push({ id, due: t + Math.max(0, ms), fn });
      return id;
    },
    cancel(id) {
      timers = timers.filter((x) => x.id !== id);
    },
    advance(ms) {
      if (!(ms >= 0)) throw new RangeError("advance: ms must be >= 0, got " + ms);
      const end = t + ms;
      for (;;) {
        let next: Timer | undefined;
        for (const x of timers) if (x.due <= end && (!next || x.due < next.due || (x.due === next.due && x.id < next.id))) next = x;
        if (!next) break;
        const run = next;
        timers = timers.filter((x) => x !== run);
        t = Math.max(t, run.due);
        run.fn();
      }
      t = end;
    },
    stop() {
      timers = [];
    },
  };
}

export function createRealClock(): SimClock {
  const t0 = performance.now();
  let seq = 0;
  const live = new Map<number, NodeJS.Timeout>();
  return {
    mode: "real",
    now: () => performance.now() - t0,
    schedule(ms, fn) {
      if (typeof fn !== "function") throw new TypeError("schedule: fn is not a function");
      const id = ++seq;
      live.set(
        id,
        setTimeout(() => {
          live.delete(id);
          fn();
        }, Math.max(0, ms)),
      );
      return id;
    },
    cancel(id) {
      const h = live.get(id);
      if (h) clearTimeout(h);
      live.delete(id);
    },
    advance() {
      throw new Error("advance: only a fake clock can be advanced; this one runs in real time");
    },
    stop() {
      for (const h of live.values()) clearTimeout(h);
      live.clear();
    },
  };
}

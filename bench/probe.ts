/**
 * A timing breakdown of a running gateway, from the outside: how long the event loop was blocked, and how much of
 * the time went to group commits (Ingest.flush) and to the periodic survey rebuild (Workers.derive). It wraps
 * those methods on the instances only; gateway code is not changed.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { Gateway } from "../gateway/app.ts";
import { r2 } from "./stats.ts";

interface Timer {
  calls: number;
  totalMs: number;
  maxMs: number;
}

export interface Breakdown {
  /** Event-loop delay of the gateway process, ms. */
  loop_delay_p50_ms: number;
  loop_delay_p99_ms: number;
  loop_delay_max_ms: number;
  flush: Timer;
  derive: Timer & { terminals: number; reach_back_mean_s: number; reach_back_max_s: number };
}

function timed<A extends unknown[], R>(t: Timer, fn: (...a: A) => R): (...a: A) => R {
  return (...a: A) => {
    const t0 = performance.now();
    try {
      return fn(...a);
    } finally {
      const d = performance.now() - t0;
      t.calls++;
      t.totalMs += d;
      t.maxMs = Math.max(t.maxMs, d);
    }
  };
}

export function probe(gw: Gateway) {
  const zero = () => ({ calls: 0, totalMs: 0, maxMs: 0 });
  let flush = zero();
  let derive = zero();
  let reach = { n: 0, sum: 0, max: 0 };
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const ingest = gw.ingest as unknown as { flush: () => void };
  const origFlush = ingest.flush.bind(gw.ingest);
  ingest.flush = () => timed(flush, origFlush)();
  const workers = gw.workers as unknown as { derive: () => number };
  const origDerive = workers.derive.bind(gw.workers);
  workers.derive = () => timed(derive, origDerive)();
  const derived = gw.store.derived as { rebuild: typeof gw.store.derived.rebuild };
  const origRebuild = derived.rebuild;
  derived.rebuild = (terminal, fromMs, settingsAt) => {
    const from = origRebuild(terminal, fromMs, settingsAt);
    const back = (fromMs - from) / 1000;
    reach = { n: reach.n + 1, sum: reach.sum + back, max: Math.max(reach.max, back) };
    return from;
  };
  const round = (t: Timer): Timer => ({ calls: t.calls, totalMs: Math.round(t.totalMs), maxMs: r2(t.maxMs) });
  return {
    reset(): void {
      flush = zero();
      derive = zero();
      reach = { n: 0, sum: 0, max: 0 };
      h.reset();
    },
    snapshot(): Breakdown {
      return {
        loop_delay_p50_ms: r2(h.percentile(50) / 1e6),
        loop_delay_p99_ms: r2(h.percentile(99) / 1e6),
        loop_delay_max_ms: r2(h.max / 1e6),
        flush: round(flush),
        derive: { ...round(derive), terminals: reach.n, reach_back_mean_s: reach.n ? r2(reach.sum / reach.n) : 0, reach_back_max_s: r2(reach.max) },
      };
    },
    stop(): void {
      h.disable();
    },
  };
}

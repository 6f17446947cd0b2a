/**
 * A timing breakdown of a running gateway, from the outside: how long the event loop was blocked, and how much of
 * the time went to group commits (acks included) and to survey rebuilds (each Workers.rebuild: surveys, periods
 * and their rollups). The ingest is watched through its probe hook (Ingest.watch, IngestProbe in
 * gateway/ingest/item.ts); Workers.rebuild, a public method, is wrapped on the instance. The residence time of
 * each event in the gateway (line received -> ack written to the link) separates the gateway's share of the
 * latency from the transport's and the simulated devices'.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { Gateway } from "../gateway/app.ts";
import { r2, summarize, type Latency } from "./stats.ts";

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
  /** Per event: line handed to Ingest.receive -> its ack handed to the link (transport excluded), ms. */
  residence: Latency;
  /**
   * The rest of each event's round trip, joined with the times the devices took (epoch ms, one machine):
   * `inbound` from the device writing the frame to the gateway handing the line to Ingest.receive (the device's
   * write, socat or the broker, the gateway's read path and any wait for its event loop), `outbound` from the ack
   * handed to the link to its arrival in the device. Empty until `hops` are given to `snapshot`.
   */
  inbound?: Latency;
  outbound?: Latency;
  flush: Timer;
  derive: Timer & { terminals: number; reach_back_mean_s: number; reach_back_max_s: number };
}

/* d, b and n of an event frame as the scripted terminal writes it (fields in the protocol's order). */
const EVENT_KEY = /"t":"event","d":"([^"]+)","b":"([^"]+)","n":(\d+)/;

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
  let residence: number[] = [];
  const arrived = new Map<string, number>();
  /* Epoch ms of each event's receive and ack send, by key d/b/n. */
  let stamps = new Map<string, [number, number]>();
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  /* The ingest's probe hook (IngestProbe, gateway/ingest/item.ts): arrivals, group commits, acks handed to links. */
  gw.ingest.watch({
    received: (line) => {
      const m = EVENT_KEY.exec(line);
      if (m) arrived.set(m[1] + "/" + m[2] + "/" + m[3], performance.now());
    },
    committed: (ms) => {
      flush.calls++;
      flush.totalMs += ms;
      flush.maxMs = Math.max(flush.maxMs, ms);
    },
    sent: (_link, msg) => {
      if (msg.t !== "ack") return;
      const t = performance.now();
      for (const n of msg.n) {
        const key = msg.d + "/" + msg.b + "/" + n;
        const at = arrived.get(key);
        if (at === undefined) continue;
        arrived.delete(key);
        residence.push(t - at);
        stamps.set(key, [performance.timeOrigin + at, performance.timeOrigin + t]);
      }
    },
  });
  /* The periodic rebuild runs in slices (Workers.deriveInSlices), so each terminal's rebuild is timed. */
  const workers = gw.workers;
  const origRebuild = workers.rebuild.bind(workers);
  workers.rebuild = (terminal, fromMs) => {
    const from = timed(derive, () => origRebuild(terminal, fromMs))();
    /* How far back the survey rebuild reached (the period rebuild only reads long presses). */
    const back = from.surveysFrom === Number.MIN_SAFE_INTEGER ? 0 : (fromMs - from.surveysFrom) / 1000;
    reach = { n: reach.n + 1, sum: reach.sum + back, max: Math.max(reach.max, back) };
    return from;
  };
  const round = (t: Timer): Timer => ({ calls: t.calls, totalMs: Math.round(t.totalMs), maxMs: r2(t.maxMs) });
  return {
    reset(): void {
      flush = zero();
      derive = zero();
      reach = { n: 0, sum: 0, max: 0 };
      residence = [];
      arrived.clear();
      stamps = new Map();
      h.reset();
    },
    snapshot(hops: [string, number, number][] = []): Breakdown {
      const inbound: number[] = [];
      const outbound: number[] = [];
      for (const [key, written, acked] of hops) {
        const g = stamps.get(key);
        if (!g) continue;
        inbound.push(g[0] - written);
        outbound.push(acked - g[1]);
      }
      return {
        ...(inbound.length ? { inbound: summarize(inbound), outbound: summarize(outbound) } : {}),
        loop_delay_p50_ms: r2(h.percentile(50) / 1e6),
        loop_delay_p99_ms: r2(h.percentile(99) / 1e6),
        loop_delay_max_ms: r2(h.max / 1e6),
        residence: summarize(residence),
        flush: round(flush),
        derive: { ...round(derive), terminals: reach.n, reach_back_mean_s: reach.n ? r2(reach.sum / reach.n) : 0, reach_back_max_s: r2(reach.max) },
      };
    },
    /** Per acked event: written (epoch ms), then ms to `receive`, to the ack handed to the link, to the ack received. */
    events(hops: [string, number, number][]): { written: number; inbound: number; residence: number; outbound: number }[] {
      return hops.flatMap(([key, written, acked]) => {
        const g = stamps.get(key);
        return g ? [{ written, inbound: g[0] - written, residence: g[1] - g[0], outbound: acked - g[1] }] : [];
      });
    },
    stop(): void {
      h.disable();
      gw.ingest.watch(undefined);
    },
  };
}

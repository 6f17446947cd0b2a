/** What bench/ingest.ts (the gateway side) and bench/load.ts (the devices, in a child process) say to each other. */
import type { Latency } from "./stats.ts";

export type Command =
  /* `secrets`: each device's MQTT secret, for a broker that checks them (the embedded one). */
  | { op: "mqtt"; url: string; serials: string[]; secrets?: Record<string, string> }
  | { op: "serial"; paths: string[]; serials: string[] }
  | { op: "hello" }
  | { op: "configured"; timeoutMs: number }
  | { op: "throughput"; perTerminal: number; window: number; timeoutMs: number }
  | { op: "paced"; perSecond: number; durationMs: number; drainMs: number; slot?: { index: number; of: number } }
  | { op: "close" }
  | { op: "raw"; url: string; topics: string[]; perPublisher: number; window: number; payload: string; timeoutMs: number; secrets?: Record<string, string> };

/** Result of a run of events from the terminals: every time is measured in the load process. */
export interface RunResult {
  sent: number;
  acked: number;
  /** From the first event written to the last ack received, ms. */
  elapsedMs: number;
  /** The same two moments as epoch ms (stats.epochMs), so runs of several load processes can be merged. */
  startEpochMs: number;
  lastAckEpochMs: number;
  latency: Latency;
  /** Every event's latency, ms (for merging percentiles across load processes). */
  latencies: number[];
  /** Every acked event: its key (d/b/n), when it was written and when its ack arrived, epoch ms. */
  hops: [string, number, number][];
  /** CPU time of the load process during the run, ms. */
  cpuMs: number;
  /** Longest event-loop delay of the load process during the run, ms. */
  loopDelayMaxMs: number;
}

export interface RawResult {
  /** Epoch ms (stats.epochMs) just before the first publish. */
  startEpochMs: number;
  published: number;
  /** All PUBACKs received, ms after the start. */
  pubackMs: number;
  cpuMs: number;
}

export type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

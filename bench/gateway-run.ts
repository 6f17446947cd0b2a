/**
 * End-to-end runs against a started gateway: connect the terminals, hello, pair each one the way an installer
 * would (gateway/terminals/manage.ts), then a throughput run (a fixed number of events per terminal, as fast as
 * acks allow) and a paced run (a fixed rate per terminal for a fixed time), both timed in the load process.
 */
import { writeFileSync } from "node:fs";
import type { Gateway } from "../gateway/app.ts";
import { pair } from "../gateway/terminals/manage.ts";
import { waitFor } from "../gateway/testkit/wait.ts";
import type { LoadPool } from "./load-client.ts";
import type { Command, RunResult } from "./messages.ts";
import { probe, type Breakdown } from "./probe.ts";
import { procCpuMs, selfCpuMs } from "./stats.ts";

export interface Cpu {
  /** % of one core: the gateway process (with the embedded broker when used), the devices, other processes. */
  gateway: number;
  load: number;
  other?: number;
}

export interface E2e {
  run: Omit<RunResult, "hops" | "latencies">;
  eps: number;
  /** Events the gateway newly stored during the run (stats.stored) and its commits (stats.batches). */
  stored: number;
  batches: number;
  cpu: Cpu;
  /** Where the gateway's time went during the run (bench/probe.ts). */
  breakdown: Breakdown;
}

export interface RunPlan {
  perTerminal: number;
  window: number;
  perSecond: number;
  pacedMs: number;
  timeoutMs: number;
}

/** Connects and pairs every terminal; resolves when each has its `time` and `config`. */
export async function connectAndPair(gw: Gateway, load: LoadPool, connect: Command, serials: string[]): Promise<void> {
  await load.call(connect);
  await load.call({ op: "hello" });
  await waitFor("every terminal's hello stored", () => (gw.ingest.flush(), serials.every((s) => gw.store.devices.get(s) !== undefined)), 30_000);
  const now = Date.now();
  serials.forEach((serial, i) => pair(gw.store, { serial, store: "bench", point: "p" + String(i).padStart(3, "0"), question: "staff", timeZone: "UTC" }, now));
  gw.workers.commands();
  await load.call({ op: "configured", timeoutMs: 30_000 });
}

/** Runs on one started gateway, each measured from the load process and broken down in this one. */
export class GatewayRuns {
  private readonly probe;

  constructor(
    private readonly gw: Gateway,
    private readonly load: LoadPool,
    private readonly plan: RunPlan,
    /** Other processes whose CPU counts (an external broker, socat). */
    private readonly otherPids: () => (number | undefined)[] = () => [],
  ) {
    this.probe = probe(gw);
  }

  throughput(): Promise<E2e> {
    return this.measured({ op: "throughput", perTerminal: this.plan.perTerminal, window: this.plan.window, timeoutMs: this.plan.timeoutMs });
  }

  paced(): Promise<E2e> {
    return this.measured({ op: "paced", perSecond: this.plan.perSecond, durationMs: this.plan.pacedMs, drainMs: 10_000 });
  }

  stop(): void {
    this.probe.stop();
  }

  private async measured(cmd: Command): Promise<E2e> {
    const gw = this.gw;
    const s0 = { ...gw.ingest.stats };
    const cpu0 = process.cpuUsage();
    const other0 = procCpuMs(this.otherPids());
    this.probe.reset();
    const wall0 = performance.now();
    const { hops, latencies: _all, ...run } = await this.load.call<RunResult>(cmd);
    const wall = performance.now() - wall0;
    const breakdown = this.probe.snapshot(hops);
    /* BENCH_DUMP=<prefix>: every event's times, for looking at the tail in time (docs/performance.md). */
    if (process.env.BENCH_DUMP) writeFileSync(`${process.env.BENCH_DUMP}-${cmd.op}.json`, JSON.stringify(this.probe.events(hops)));
    const pct = (ms: number) => Math.round((ms / wall) * 100);
    const pids = this.otherPids();
    return {
      run,
      eps: run.acked / (run.elapsedMs / 1000),
      stored: gw.ingest.stats.stored - s0.stored,
      batches: gw.ingest.stats.batches - s0.batches,
      cpu: { gateway: pct(selfCpuMs(cpu0)), load: pct(run.cpuMs), ...(pids.length ? { other: pct(procCpuMs(pids) - other0) } : {}) },
      breakdown,
    };
  }
}

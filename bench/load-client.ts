/** Starts bench/load.ts in a child process (same tsx loader) and calls it: one command, one reply. */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Command, RawResult, Reply, RunResult } from "./messages.ts";
import { summarize } from "./stats.ts";

export class LoadProcess {
  readonly child: ChildProcess;
  private next = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor() {
    this.child = fork(fileURLToPath(new URL("./load.ts", import.meta.url)), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    this.child.on("message", (r: Reply) => {
      const w = this.waiting.get(r.id);
      this.waiting.delete(r.id);
      if (r.ok) w?.resolve(r.value);
      else w?.reject(new Error("load process: " + r.error));
    });
    this.child.on("exit", (code, signal) => {
      for (const w of this.waiting.values()) w.reject(new Error(`load process exited (${code ?? signal})`));
      this.waiting.clear();
    });
  }

  call<T>(cmd: Command): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, cmd });
    });
  }

  stop(): Promise<void> {
    const c = this.child;
    if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const kill = setTimeout(() => c.kill("SIGKILL"), 5000);
      c.once("exit", () => {
        clearTimeout(kill);
        resolve();
      });
      c.disconnect();
    });
  }
}

/**
 * The simulated devices spread over `size` load processes (BENCH_LOAD_PROCS): each process gets an equal share
 * of the terminals (or raw publishers), every command goes to all of them, and their results are merged as if
 * one process had measured them (latency percentiles over every event, the run from the first event written
 * anywhere to the last ack received anywhere, CPU summed).
 */
export class LoadPool {
  private readonly procs: LoadProcess[];

  constructor(size: number) {
    this.procs = Array.from({ length: size }, () => new LoadProcess());
  }

  get size(): number {
    return this.procs.length;
  }

  async call<T>(cmd: Command): Promise<T> {
    const share = <X>(xs: X[], i: number) => xs.filter((_, j) => j % this.procs.length === i);
    const on = <R>(f: (p: LoadProcess, i: number) => Command) => Promise.all(this.procs.map((p, i) => p.call<R>(f(p, i))));
    switch (cmd.op) {
      case "mqtt":
        return sum(await on<number>((_, i) => ({ ...cmd, serials: share(cmd.serials, i) }))) as T;
      case "serial":
        return sum(await on<number>((_, i) => ({ ...cmd, paths: share(cmd.paths, i), serials: share(cmd.serials, i) }))) as T;
      case "raw": {
        const busy = this.procs.map((p, i) => ({ p, topics: share(cmd.topics, i) })).filter((x) => x.topics.length > 0);
        if (busy.length === 0) return { startEpochMs: Date.now(), published: 0, pubackMs: 0, cpuMs: 0 } satisfies RawResult as T;
        const rs = await Promise.all(busy.map((x) => x.p.call<RawResult>({ ...cmd, topics: x.topics })));
        const start = Math.min(...rs.map((r) => r.startEpochMs));
        const merged: RawResult = {
          startEpochMs: start,
          published: sum(rs.map((r) => r.published)),
          pubackMs: Math.max(...rs.map((r) => r.startEpochMs + r.pubackMs)) - start,
          cpuMs: sum(rs.map((r) => r.cpuMs)),
        };
        return merged as T;
      }
      case "throughput":
      case "paced": {
        /* Paced: process i's j-th terminal is terminal j * size + i of the whole, and takes that one's phase. */
        const rs = await on<RunResult>((_, i) => (cmd.op === "paced" ? { ...cmd, slot: { index: i, of: this.procs.length } } : cmd));
        const start = Math.min(...rs.map((r) => r.startEpochMs));
        const last = Math.max(...rs.map((r) => r.lastAckEpochMs));
        const latencies = rs.flatMap((r) => r.latencies);
        const merged: RunResult = {
          sent: sum(rs.map((r) => r.sent)),
          acked: sum(rs.map((r) => r.acked)),
          elapsedMs: last - start,
          startEpochMs: start,
          lastAckEpochMs: last,
          latency: summarize(latencies),
          latencies,
          hops: rs.flatMap((r) => r.hops),
          cpuMs: sum(rs.map((r) => r.cpuMs)),
          loopDelayMaxMs: Math.max(...rs.map((r) => r.loopDelayMaxMs)),
        };
        return merged as T;
      }
      default:
        return (await on<unknown>(() => cmd))[0] as T;
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.procs.map((p) => p.stop()));
  }
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

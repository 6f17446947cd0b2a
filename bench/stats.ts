/** Small measurement helpers for the benchmarks: latency percentiles, rates, and CPU time of other processes. */
import { readFileSync } from "node:fs";

export interface Latency {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentiles of `xs` (milliseconds), rounded to 0.01 ms. */
export function summarize(xs: number[]): Latency {
  const s = Float64Array.from(xs).sort();
  const at = (q: number) => (s.length ? (s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] as number) : NaN);
  const mean = s.length ? s.reduce((a, b) => a + b, 0) / s.length : NaN;
  return { n: s.length, p50: r2(at(0.5)), p90: r2(at(0.9)), p99: r2(at(0.99)), max: r2(at(1)), mean: r2(mean) };
}

/** The median of `xs` (the mean of the middle two for an even count); NaN when empty. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export const r2 = (x: number) => Math.round(x * 100) / 100;

/** Epoch milliseconds with sub-millisecond resolution, comparable between processes on one machine. */
export const epochMs = () => performance.timeOrigin + performance.now();

/** CPU time (user + system, ms) used so far by the processes `pids`, from /proc; 0 for one that is gone. */
export function procCpuMs(pids: (number | undefined)[]): number {
  let ticks = 0;
  for (const pid of pids) {
    if (pid === undefined) continue;
    try {
      /* Fields after the ")" that ends the command name: state is [0], utime [11], stime [12] (proc(5)). */
      const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      /* exited */
    }
  }
  return ticks * 10; // CLK_TCK is 100 on Linux
}

/** CPU used by this process since `from` (process.cpuUsage()), ms. */
export function selfCpuMs(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
}

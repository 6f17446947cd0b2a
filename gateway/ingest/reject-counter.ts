/**
 * Counts rejected frames by link and code in memory and hands the counts to the store in batches, so a flood of
 * garbage costs no disk write per line. Logs each at debug, and at most one warning per link and code per 10 s.
 */
import type { Logger } from "../log.ts";
import type { RejectRow } from "../store/rejects.ts";
import { setBounded } from "./bounded.ts";

export class RejectCounter {
  private pending = new Map<string, RejectRow>();
  private warned = new Map<string, number>();
  private readonly totals = new Map<string, number>();

  constructor(
    private readonly log: Logger,
    private readonly now: () => number,
  ) {}

  /** Counts one rejected frame; true when this one was also logged as a warning. */
  count(link: string, code: string, reason: string): boolean {
    const key = link + "\u0000" + code;
    const now = this.now();
    const row = this.pending.get(key) ?? { link, code, count: 0, lastReason: null, lastMs: null };
    row.count++;
    row.lastReason = reason;
    row.lastMs = now;
    this.pending.set(key, row);
    this.totals.set(code, (this.totals.get(code) ?? 0) + 1);
    this.log.debug({ link, code, reason }, "frame rejected");
    const last = this.warned.get(key);
    if (last === undefined || now - last >= 10_000) {
      setBounded(this.warned, key, now);
      this.log.warn({ link, code, reason, total: this.totals.get(code) }, "rejected frame (further ones from this link with this code are counted; next warning in 10 s)");
      return true;
    }
    return false;
  }

  /** Counts since the last call, and forgets them. */
  take(): RejectRow[] {
    const rows = [...this.pending.values()];
    this.pending.clear();
    return rows;
  }

  /** Totals by code since start (for tests and benchmarks). */
  total(code?: string): number {
    if (code !== undefined) return this.totals.get(code) ?? 0;
    let n = 0;
    for (const v of this.totals.values()) n += v;
    return n;
  }
}

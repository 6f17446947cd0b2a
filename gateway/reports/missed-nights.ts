/**
 * Which nights' reports the nightly job owes a store (docs/reports.md#the-nightly-job): every night after the last
 * one written, up to yesterday, at most `cap` of them (the oldest beyond are left to `loyalty report`). Pure.
 */
import { addDays } from "../time/zone.ts";

/** The default `cap`: a month of nights; a gateway down longer writes the latest month and logs the rest. */
export const CATCH_UP_NIGHTS = 31;

export interface NightsDue {
  /** Days to write, oldest first. */
  days: string[];
  /** Nights owed but beyond the cap, both included; undefined when none. */
  skipped?: { from: string; to: string };
}

/**
 * `last`: the last night written (undefined: none recorded, so only yesterday is owed); `today`: the store-local
 * day now; `always`: yesterday is written even when it already was (the scheduled run rewrites it with what arrived
 * since).
 */
export function nightsDue(last: string | undefined, today: string, cap: number, always: boolean): NightsDue {
  const yesterday = addDays(today, -1);
  const first = last === undefined ? yesterday : addDays(last, 1);
  const oldest = addDays(today, -cap);
  const days: string[] = [];
  for (let d = first < oldest ? oldest : first; d <= yesterday; d = addDays(d, 1)) days.push(d);
  if (days.length === 0 && always) days.push(yesterday);
  return first < oldest ? { days, skipped: { from: first, to: addDays(oldest, -1) } } : { days };
}

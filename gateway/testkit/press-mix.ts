/** Simulated presses for the hub's tests and bench:hub (tests/support/hub-sites.ts, bench/hub-store.ts). */

/** The mix of presses of the hub's tests and bench:hub: mostly surveys, a few force-majeure holds. */
export const PRESS_MIX = [
  ["short", 34],
  ["yes", 18],
  ["no", 10],
  ["unsure", 8],
  ["long", 3],
  ["stuck", 1],
] as const;

/**
 * The counts every index is computed from (../shared/methodology.md, "The formulas"), summed over any group.
 * Silent surveys are also summed weighted by the correction coefficient k in force on their day, so a group that
 * spans a change of k still adds up: `ks` = Σ k·S, `k2s` = Σ k²·S (the second moment, for the intervals).
 * The `Fm` fields count the valid surveys whose window opened inside a confirmed force-majeure period.
 */
export interface Tally {
  p: number;
  n: number;
  u: number;
  s: number;
  ks: number;
  k2s: number;
  pFm: number;
  nFm: number;
  uFm: number;
  sFm: number;
  ksFm: number;
  k2sFm: number;
}

/** Valid survey counts of one group, as stored in the daily rollup. */
export interface Counts {
  p: number;
  n: number;
  u: number;
  s: number;
  pFm: number;
  nFm: number;
  uFm: number;
  sFm: number;
}

export function emptyTally(): Tally {
  return { p: 0, n: 0, u: 0, s: 0, ks: 0, k2s: 0, pFm: 0, nFm: 0, uFm: 0, sFm: 0, ksFm: 0, k2sFm: 0 };
}

/** Adds `c`, counted with coefficient `k`, to `t` (in place) and returns `t`. */
export function addCounts(t: Tally, c: Counts, k: number): Tally {
  t.p += c.p;
  t.n += c.n;
  t.u += c.u;
  t.s += c.s;
  t.ks += k * c.s;
  t.k2s += k * k * c.s;
  t.pFm += c.pFm;
  t.nFm += c.nFm;
  t.uFm += c.uFm;
  t.sFm += c.sFm;
  t.ksFm += k * c.sFm;
  t.k2sFm += k * k * c.sFm;
  return t;
}

export function tallyOf(c: Counts, k: number): Tally {
  return addCounts(emptyTally(), c, k);
}

/** V: every valid survey of the group. */
export function total(t: Tally): number {
  return t.p + t.n + t.u + t.s;
}

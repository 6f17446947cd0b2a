/**
 * 95 % confidence intervals for the indices (docs/indices.md, "Confidence intervals"). Pure.
 */

/** z for a two-sided 95 % interval. */
export const Z95 = 1.959963984540054;

export interface Interval {
  low: number;
  high: number;
}

/**
 * Wilson score interval for a share `x / n`. `x` may be fractional (silent surveys weighted by k): each survey then
 * scores 0, k or 1, whose variance never exceeds the Bernoulli variance of the same mean, so the interval is exact
 * for a plain share and conservative otherwise.
 */
export function wilson(x: number, n: number, z = Z95): Interval | null {
  if (n <= 0) return null;
  const p = x / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * Bonett-Price adjusted Wald interval for the difference of two shares of one multinomial sample,
 * a / n − b / n (the positive share minus the weighted negative share). One pseudo-observation is added to each
 * share and two to n. `b2` is the negative cell's second moment (N + k²·S), which is `b` when nothing is weighted.
 */
export function differenceOfShares(a: number, b: number, b2: number, n: number, z = Z95): Interval | null {
  if (n <= 0) return null;
  const m = n + 2;
  const pa = (a + 1) / m;
  const pb = (b + 1) / m;
  const pb2 = (b2 + 1) / m;
  const d = pa - pb;
  const half = z * Math.sqrt(Math.max(0, pa + pb2 - d * d) / m);
  return { low: Math.max(-1, d - half), high: Math.min(1, d + half) };
}

/**
 * The auxiliary figures of ../shared/methodology.md, "Representativeness": how much of the traffic the surveys
 * cover, and how much force-majeure was reported. Pure; null where the denominator is missing or zero.
 */
export interface Representativeness {
  /** Valid surveys opened, answered or silent, every question. */
  surveys: number;
  transactions: number | null;
  visitors: number | null;
  /** «Точная конверсия»: surveys / transactions. */
  conversion: number | null;
  /** «Коэффициент охвата посетителей»: surveys / visitors. */
  coverage: number | null;
  /** Force-majeure periods reported and not rejected by the expert. */
  fmReported: number;
  /** «Уровень форс-мажора»: fmReported / surveys. */
  fmLevel: number | null;
  /** fmLevel is above the threshold: the period is unfit for judging service quality. */
  fmWarning: boolean;
}

export interface RepresentativenessInput {
  surveys: number;
  transactions: number | null;
  visitors: number | null;
  fmReported: number;
}

export function representativeness(i: RepresentativenessInput, fmThreshold: number): Representativeness {
  const ratio = (a: number, b: number | null) => (b === null || b === 0 ? null : a / b);
  const fmLevel = ratio(i.fmReported, i.surveys);
  return {
    surveys: i.surveys,
    transactions: i.transactions,
    visitors: i.visitors,
    conversion: ratio(i.surveys, i.transactions),
    coverage: ratio(i.surveys, i.visitors),
    fmReported: i.fmReported,
    fmLevel,
    fmWarning: fmLevel !== null ? fmLevel > fmThreshold : i.fmReported > 0,
  };
}

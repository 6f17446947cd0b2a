/**
 * ИНК@Персонал, ИНК@Офис and ИЭЛ over a tally (../shared/methodology.md, "The formulas"; docs/indices.md).
 * Pure functions over counts: shares as fractions (the report turns them into percent), null for "no data".
 */
import type { QuestionKind } from "../../protocol/schemas.ts";
import { differenceOfShares, wilson, type Interval } from "./interval.ts";
import { total, type Tally } from "./tally.ts";

export const INDEX_NAMES = ["inkStaff", "inkOffice", "iel"] as const;
export type IndexName = (typeof INDEX_NAMES)[number];

/** The index each key question feeds. */
export const INDEX_OF: Record<QuestionKind, IndexName> = { staff: "inkStaff", office: "inkOffice", recommend: "iel" };

/** The names users see (the methodology's). */
export const INDEX_TITLE: Record<IndexName, string> = { inkStaff: "ИНК@Персонал", inkOffice: "ИНК@Офис", iel: "ИЭЛ" };

export interface IndexFigure {
  index: IndexName;
  /** A fraction: 0..1 for ИНК, −1..1 for ИЭЛ; null when the sample is empty ("no data"). */
  value: number | null;
  /** The surveys the value is computed from (V, or V' for ИНК@Персонал). */
  sample: number;
  /** 95 % confidence interval, same scale as value. */
  ci: Interval | null;
  /** The sample is below the configured minimum: read the value with care. */
  small: boolean;
}

/** ИНК@Офис = (N + k·S) / V; force-majeure surveys count. */
export function inkOffice(t: Tally, minSample: number): IndexFigure {
  const v = total(t);
  const x = t.n + t.ks;
  return { index: "inkOffice", value: v === 0 ? null : x / v, sample: v, ci: wilson(x, v), small: v < minSample };
}

/**
 * ИНК@Персонал = (N' + k·S') / V': no and silent surveys in confirmed force-majeure are removed from the
 * calculation entirely; yes and unsure ones in force-majeure stay.
 */
export function inkStaff(t: Tally, minSample: number): IndexFigure {
  const v = total(t) - t.nFm - t.sFm;
  const x = t.n - t.nFm + (t.ks - t.ksFm);
  return { index: "inkStaff", value: v === 0 ? null : x / v, sample: v, ci: wilson(x, v), small: v < minSample };
}

/** ИЭЛ = (P − N − k·S) / V; force-majeure surveys count. */
export function iel(t: Tally, minSample: number): IndexFigure {
  const v = total(t);
  const negative = t.n + t.ks;
  return {
    index: "iel",
    value: v === 0 ? null : (t.p - negative) / v,
    sample: v,
    ci: differenceOfShares(t.p, negative, t.n + t.k2s, v),
    small: v < minSample,
  };
}

export const INDEX_FUNCTIONS: Record<IndexName, (t: Tally, minSample: number) => IndexFigure> = { inkStaff, inkOffice, iel };

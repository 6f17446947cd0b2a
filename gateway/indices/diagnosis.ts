/**
 * The bottleneck diagnosis (../shared/methodology.md, "Diagnosis"): ИНК@Офис against ИНК@Персонал and the
 * reference values of the business type. Values in percent. Pure.
 */
export interface Reference {
  /** ИНК@Офис at or below this is fine, percent. */
  inkOffice: number;
  /** ИНК@Персонал at or below this is fine, percent. */
  inkStaff: number;
  /** Both worse and at most this far apart (percentage points): "close to each other". */
  close: number;
  /** ИНК@Офис at least this far above ИНК@Персонал (percentage points): "much higher". */
  muchHigher: number;
}

export type Diagnosis = "no-data" | "fine" | "staff" | "office" | "unclear";

export const DIAGNOSIS_TEXT: Record<Diagnosis, string> = {
  "no-data": "нет данных: нужны оба индекса, ИНК@Офис и ИНК@Персонал",
  fine: "оба индекса лучше эталона",
  staff: "узкое место, скорее всего, персонал",
  office: "узкое место, скорее всего, офис и его процессы",
  unclear: "явного узкого места нет",
};

export function diagnose(inkOffice: number | null, inkStaff: number | null, ref: Reference): Diagnosis {
  if (inkOffice === null || inkStaff === null) return "no-data";
  if (inkOffice <= ref.inkOffice && inkStaff <= ref.inkStaff) return "fine";
  if (inkOffice - inkStaff >= ref.muchHigher) return "office";
  if (inkOffice > ref.inkOffice && inkStaff > ref.inkStaff && Math.abs(inkOffice - inkStaff) <= ref.close) return "staff";
  return "unclear";
}

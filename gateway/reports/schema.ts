/**
 * The report as data: one zod schema, the JSON format's contract (docs/reports.md). Table, CSV and HTML are
 * renderings of this object.
 */
import { z } from "zod";

export const DIMENSIONS = ["region", "store", "terminal", "employee", "question", "day", "week", "month"] as const;
export const dimensionSchema = z.enum(DIMENSIONS);
export type Dimension = z.infer<typeof dimensionSchema>;

const percent = z.number().nullable();

export const indexFigureSchema = z.object({
  index: z.enum(["inkStaff", "inkOffice", "iel"]),
  /** The name users see: ИНК@Персонал, ИНК@Офис, ИЭЛ. */
  title: z.string(),
  /** Percent, one decimal; null is "no data". */
  value: percent,
  /** 95 % confidence interval, percent, one decimal. */
  low: percent,
  high: percent,
  /** Surveys behind the value (V, or V' for ИНК@Персонал). */
  sample: z.number().int(),
  /** Sample below the configured minimum. */
  small: z.boolean(),
  counts: z.object({ P: z.number().int(), N: z.number().int(), U: z.number().int(), S: z.number().int(), V: z.number().int(), Nfm: z.number().int(), Sfm: z.number().int() }),
});
export type IndexFigureJson = z.infer<typeof indexFigureSchema>;

export const representativenessSchema = z.object({
  surveys: z.number().int(),
  transactions: z.number().nullable(),
  visitors: z.number().nullable(),
  /** «Точная конверсия», percent. */
  conversion: percent,
  /** «Коэффициент охвата посетителей», percent. */
  coverage: percent,
  fmReported: z.number().int().nullable(),
  /** «Уровень форс-мажора», percent. */
  fmLevel: percent,
  fmWarning: z.boolean(),
});

export const groupSchema = z.object({
  /** The group's value on each dimension of groupBy (the store's region, '' for none; store id, terminal id, employee, question kind and text, day, ISO week, month). */
  key: z.partialRecord(dimensionSchema, z.string()),
  indices: z.array(indexFigureSchema),
  representativeness: representativenessSchema,
  unsolicited: z.number().int().nullable(),
  /** Key presses after an answer in the same window. */
  extra: z.number().int(),
  /** Surveys the expert marked invalid (not counted anywhere). */
  invalid: z.number().int(),
  /** Surveys with at least one review flag. */
  flagged: z.number().int(),
  fm: z.object({ confirmed: z.number().int(), unreviewed: z.number().int(), rejected: z.number().int() }).nullable(),
  diagnosis: z.object({ verdict: z.enum(["no-data", "fine", "staff", "office", "unclear"]), text: z.string() }),
});
export type GroupJson = z.infer<typeof groupSchema>;

export const reportSchema = z.object({
  schema: z.literal("loyalty-report/1"),
  generatedAt: z.string(),
  /** Store-local days, both included. */
  from: z.string(),
  to: z.string(),
  groupBy: z.array(dimensionSchema),
  filter: z.object({ stores: z.array(z.string()), terminals: z.array(z.string()), employees: z.array(z.string()) }),
  settings: z.object({
    k: z.array(z.object({ from: z.string(), k: z.number() })),
    minSample: z.number(),
    fmThreshold: z.number(),
    businessType: z.string(),
  }),
  /** Force-majeure periods in the range still await review: figures may change. */
  provisional: z.boolean(),
  /**
   * Untimed events that arrived in the range (in no survey: `loyalty review untimed`), of the filter's stores and
   * terminals; `unpaired`: of them, those of no terminal (their device was unpaired), counted only without a store
   * or terminal filter.
   */
  untimed: z.object({ events: z.number().int(), unpaired: z.number().int() }),
  groups: z.array(groupSchema),
  /** Everything in the range and filter together (a chain's totals). */
  total: groupSchema,
  /** Daily values of each index over the trend window ending at `to`. */
  trend: z.object({
    days: z.array(z.string()),
    series: z.array(
      z.object({
        index: z.enum(["inkStaff", "inkOffice", "iel"]),
        title: z.string(),
        values: z.array(percent),
        /** Each day's 95 % interval, as the groups' `low` and `high`. */
        low: z.array(percent),
        high: z.array(percent),
        samples: z.array(z.number().int()),
      }),
    ),
  }),
});
export type Report = z.infer<typeof reportSchema>;

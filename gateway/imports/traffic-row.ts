/**
 * One row of a transactions or visitors CSV (docs/reports.md, "Imports"): zod validates it, the type follows.
 * Columns: store, terminal (optional, empty for the whole store), date (YYYY-MM-DD, store-local), hour (optional,
 * 0..23; empty for the whole day), count.
 */
import { z } from "zod";
import { isDay } from "../time/calendar.ts";

const whole = (what: string, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `${what} must be a whole number`)
    .transform(Number)
    .refine((n) => n <= max, `${what} must be at most ${max}`);

export const trafficRowSchema = z
  .object({
    store: z.string().trim().min(1, "store is empty"),
    terminal: z.string().trim().default(""),
    date: z.string().trim().refine(isDay, "date must be a day YYYY-MM-DD"),
    hour: z
      .string()
      .trim()
      .default("")
      .transform((h, ctx) => {
        if (h === "") return -1;
        const n = Number(h);
        if (!/^\d{1,2}$/.test(h) || n > 23) {
          ctx.addIssue({ code: "custom", message: "hour must be 0..23 or empty" });
          return z.NEVER;
        }
        return n;
      }),
    count: whole("count", 10_000_000),
  })
  .strip();
export type TrafficCsvRow = z.infer<typeof trafficRowSchema>;

/** Header names accepted for each column (English or Russian). */
export const HEADER_ALIASES: Record<string, keyof z.input<typeof trafficRowSchema>> = {
  store: "store",
  магазин: "store",
  terminal: "terminal",
  терминал: "terminal",
  date: "date",
  day: "date",
  дата: "date",
  день: "date",
  hour: "hour",
  час: "hour",
  count: "count",
  transactions: "count",
  visitors: "count",
  количество: "count",
  транзакции: "count",
  посетители: "count",
};

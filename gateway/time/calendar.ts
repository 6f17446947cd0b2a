/** Grouping of store-local days (`YYYY-MM-DD`) into ISO weeks and months (docs/reports.md, `--group-by`). Pure. */
import { addDays } from "./zone.ts";

/** ISO 8601 week of a day, `YYYY-Www` (weeks start on Monday; week 1 holds the year's first Thursday). */
export function isoWeek(day: string): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  const weekday = (date.getUTCDay() + 6) % 7;
  const thursday = new Date(date.getTime() + (3 - weekday) * 86_400_000);
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * 86_400_000));
  return `${year}-W${String(week).padStart(2, "0")}`;
}

/** `YYYY-MM` of a day. */
export function monthOf(day: string): string {
  return day.slice(0, 7);
}

/** Every day from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

export const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** True for a real calendar day `YYYY-MM-DD`. */
export function isDay(text: string): boolean {
  return DAY_PATTERN.test(text) && addDays(text, 0) === text;
}

/**
 * The review desk's filter (docs/web.md#review-desk): one store-local day, and optionally a store, a terminal, an
 * employee, an answer and a flag. It travels as the page's query string and, in every action's form, as the field
 * `q`, so that after a review the desk comes back with the same filter. A bad value is an error in Russian words.
 */
import { z } from "zod";
import { FLAGS, type Flag } from "../../indices/flags.ts";
import { isDay } from "../../time/calendar.ts";
import { localDay } from "../../time/zone.ts";

const opt = z.string().max(200).optional().transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));
const filterQuery = z.object({ day: opt, store: opt, terminal: opt, employee: opt, answer: opt, flag: opt });

export const ANSWERS = ["yes", "no", "unsure", "silent"] as const;
export const FLAG_WORDS: Record<Flag, string> = { quick: "быстрый ответ", multi: "несколько нажатий", "silent-run": "серия молчаний", unsolicited: "нажатие без опроса" };

export interface DeskFilter {
  day: string;
  store?: string;
  terminal?: string;
  employee?: string;
  answer?: (typeof ANSWERS)[number];
  flag?: Flag;
}

/** The filter from a query (or a form's `q`), or the problem in words; the day defaults to today in `tz`. */
export function parseFilter(query: unknown, tz: string, now: number): { ok: true; filter: DeskFilter } | { ok: false; error: string; filter: DeskFilter } {
  const today = localDay(now, tz);
  const r = filterQuery.safeParse(query ?? {});
  if (!r.success) return { ok: false, error: "Фильтр не разобран: каждое поле — одна строка до 200 символов.", filter: { day: today } };
  const q = r.data;
  const filter: DeskFilter = { day: today, store: q.store, terminal: q.terminal, employee: q.employee };
  if (q.day !== undefined) {
    if (!isDay(q.day)) return { ok: false, error: `День «${q.day}» не разобран: нужна дата ГГГГ-ММ-ДД.`, filter };
    filter.day = q.day;
  }
  if (q.answer !== undefined) {
    if (!(ANSWERS as readonly string[]).includes(q.answer)) return { ok: false, error: `Ответ «${q.answer}» неизвестен: да (yes), нет (no), не уверен (unsure) или молчание (silent).`, filter };
    filter.answer = q.answer as DeskFilter["answer"];
  }
  if (q.flag !== undefined) {
    if (!(FLAGS as readonly string[]).includes(q.flag)) return { ok: false, error: `Отметка «${q.flag}» неизвестна: ${FLAGS.join(", ")}.`, filter };
    filter.flag = q.flag as Flag;
  }
  return { ok: true, filter };
}

/** The filter as a query string (without `?`), for links and the actions' `q` field. */
export function filterQueryString(f: DeskFilter): string {
  const p = new URLSearchParams();
  for (const k of ["day", "store", "terminal", "employee", "answer", "flag"] as const) if (f[k] !== undefined) p.set(k, f[k]!);
  return p.toString();
}

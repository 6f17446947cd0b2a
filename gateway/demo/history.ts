/**
 * The demo's past month as data (docs/demo.md, "The month before"): for each day before yesterday, what each
 * terminal's sellers and customers pressed, as the same `Visit` items the scripted day is written in (day.ts).
 * Drawn from a seeded generator, so one seed always gives the same month: busier lunch hours, evenings and
 * weekends, worse answers late in the day, an employee who does better than another, force-majeure on some days,
 * a stray key now and then. Pure: history-load.ts puts it in the database.
 */
import type { QuestionKind } from "../../protocol/schemas.ts";
import { type Answer, type LocalDate, type Visit } from "./day.ts";

/** The default seed: the same month on every first run. */
export const HISTORY_SEED = 16;
/** Days of history before yesterday; with the scripted yesterday they fill the report's 30-day trend. */
export const HISTORY_DAYS = 29;

/** A terminal whose past the demo fills: the two simulated ones and two that only have a past. */
export interface HistoryTerminal {
  id: string;
  serial: string;
  question: QuestionKind;
  questionText: string;
  /** The employee at the terminal; `later.employee` takes over `later.daysAgo` days before today. */
  employee: string;
  later?: { employee: string; daysAgo: number };
  /** Customers per hour on a weekday, relative (1 = the till's). */
  traffic: number;
  /** How much more often than the chain's norm customers are unhappy here (1 = the norm). */
  unhappiness: number;
}

/** Terminals that exist only in the past (no simulated board): their devices show as offline. */
export const PAST_TERMINALS: HistoryTerminal[] = [
  { id: "demo.till-4", serial: "DEMO-PAST-4", question: "staff", questionText: "Вы довольны работой кассира?", employee: "olga", later: { employee: "sergey", daysAgo: 12 }, traffic: 0.8, unhappiness: 1.4 },
  { id: "demo.hall-5", serial: "DEMO-PAST-5", question: "office", questionText: "Вам понравилась обстановка в нашем магазине?", employee: "", traffic: 0.6, unhappiness: 1 },
];

/** The two simulated terminals' pasts (day.ts DEMO_TERMINALS), by id. */
export const LIVE_HISTORY: Record<string, Pick<HistoryTerminal, "traffic" | "unhappiness">> = {
  "demo.till-1": { traffic: 1, unhappiness: 0.8 },
  "demo.desk-2": { traffic: 0.7, unhappiness: 1.1 },
};

/** mulberry32: a small seeded generator, numbers in [0, 1). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed for one terminal's one day, so a day does not change when another terminal is added. */
export function daySeed(seed: number, terminalId: string, date: LocalDate): number {
  let h = seed ^ (date.year * 372 + date.month * 31 + date.day);
  for (const c of terminalId) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return h >>> 0;
}

/** Opening hours 09:00-20:59; relative customers per hour: a lunch peak and an evening peak. */
const HOURS = [9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20];
const PER_HOUR = [1.5, 2, 2.5, 4, 4, 3, 2.5, 2.5, 3.5, 4.5, 3.5, 2];
/** Two-minute slots per hour: items in different slots are over a minute apart (day.ts MIN_GAP_S) whatever their seconds. */
const SLOTS = 30;

const two = (n: number) => String(n).padStart(2, "0");

/** 0 = Monday ... 6 = Sunday. */
export function weekday(date: LocalDate): number {
  return (new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay() + 6) % 7;
}

/**
 * One terminal's day: how many customers each hour, what they answered, a force-majeure on about one day in six
 * (ended by hand after 15-25 min, or left to run out), a stray key in about one item in forty.
 */
export function historyDay(t: Pick<HistoryTerminal, "id" | "traffic" | "unhappiness">, date: LocalDate, seed = HISTORY_SEED): Visit[] {
  const rnd = seeded(daySeed(seed, t.id, date));
  const weekend = weekday(date) >= 5;
  const items: { sec: number; what: Visit["kind"] | Answer; hour: number }[] = [];
  HOURS.forEach((hour, i) => {
    const want = Math.round(PER_HOUR[i]! * t.traffic * (weekend ? 1.4 : 1) * (0.6 + 0.8 * rnd()));
    const slots = new Set<number>();
    while (slots.size < Math.min(want, SLOTS)) slots.add(Math.floor(rnd() * SLOTS));
    for (const slot of [...slots].sort((a, b) => a - b)) items.push({ sec: hour * 3600 + slot * 120 + Math.floor(rnd() * 60), what: "survey", hour });
  });
  const visits: Visit[] = [];
  /* The open force-majeure: until when, and whether the seller ends it by hand (else it runs out after Fmax, 30 min). */
  let fm: { until: number; byHand: boolean } | undefined;
  const fmAt = rnd() < 0.17 ? Math.floor(rnd() * items.length) : -1;
  items.forEach((it, i) => {
    const at = `${two(Math.floor(it.sec / 3600))}:${two(Math.floor((it.sec % 3600) / 60))}:${two(it.sec % 60)}`;
    if (i === fmAt) {
      visits.push({ at, kind: "fm", edge: "start" });
      const byHand = rnd() < 0.6;
      fm = { until: it.sec + (byHand ? 900 + Math.floor(rnd() * 600) : 1800), byHand };
      return;
    }
    if (fm && it.sec >= fm.until) {
      const byHand = fm.byHand;
      fm = undefined;
      if (byHand) {
        visits.push({ at, kind: "fm", edge: "end" });
        return;
      }
    }
    if (rnd() < 0.025) {
      visits.push({ at, kind: "stray", key: rnd() < 0.5 ? "yes" : "no" });
      return;
    }
    visits.push({ at, kind: "survey", answer: answer(rnd(), t.unhappiness * (it.hour >= 18 ? 1.5 : 1) * (weekend ? 1.2 : 1) * (fm ? 2 : 1)) });
  });
  return visits;
}

/** An answer for a draw `r` in [0, 1): no and silent grow with `unhappiness`, the rest split yes and unsure. */
function answer(r: number, unhappiness: number): Answer {
  const no = 0.1 * unhappiness;
  const silent = 0.12 * unhappiness;
  if (r < no) return "no";
  if (r < no + silent) return "silent";
  if (r < no + silent + 0.12) return "unsure";
  return "yes";
}

/** The local dates of the history: the `days` days before yesterday, oldest first. */
export function historyDates(yesterday: LocalDate, days = HISTORY_DAYS): LocalDate[] {
  return Array.from({ length: days }, (_, i) => {
    const d = new Date(Date.UTC(yesterday.year, yesterday.month - 1, yesterday.day - days + i));
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
  });
}

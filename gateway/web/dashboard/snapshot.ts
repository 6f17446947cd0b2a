/**
 * Everything the dashboard shows, read from the store at one moment (docs/web.md#dashboard): today's figures per
 * store, terminal and employee (the report's), the latest surveys, the terminals' state, the force-majeure periods
 * awaiting review, the alerts not closed, and the charts' data (figures.ts). Built once per push and rendered for
 * each viewer by render.ts; the reads are here, the arithmetic in figures.ts and gateway/reports, the past days'
 * figures kept between pushes in past-figures.ts.
 */
import { listAlerts, type AlertView } from "../../alerts/manage.ts";
import type { Config } from "../../config/schema.ts";
import { reviewPeriods, type PeriodItem } from "../../review/list.ts";
import { parseDay } from "../../reports/query.ts";
import { catchUp, makeReport } from "../../reports/report.ts";
import type { GroupJson } from "../../reports/schema.ts";
import { indexSettings } from "../../reports/settings.ts";
import type { Store } from "../../store/store.ts";
import type { Answer } from "../../surveys/model.ts";
import { terminalDefaults } from "../../terminals/config.ts";
import { statusReport } from "../../terminals/status.ts";
import { addDays, dayStart, localParts } from "../../time/zone.ts";
import type { QuestionKind } from "../../../protocol/schemas.ts";
import { pastFigures } from "./past-figures.ts";
import { heatmap, ranking, trend, type HeatGrid, type HeatKind, type HeatSurvey, type RankRow, type TrendFigures } from "./figures.ts";

/** Days in the trend and the heatmap (the demo's month), and in each of the ranking's two periods. */
export const TREND_DAYS = 30;
export const RANK_DAYS = 7;
const LATEST = 10;
const PERIODS_SHOWN = 20;

export interface LatestSurvey {
  id: number;
  terminal: string;
  openedAt: number;
  /** The store's zone, for its local time. */
  tz: string;
  answer: Answer;
  questionKind: QuestionKind;
  employee: string | null;
  valid: boolean;
}

export interface TerminalState {
  terminal: string;
  store: string;
  tz: string;
  /** Each device paired to it now (a combo terminal has one). */
  devices: { serial: string; state: "online" | "offline"; lastSeenMs: number; outbox: number | null; clockOffsetMs: number | null }[];
  /** The last press of any button, epoch ms (null: none yet). */
  lastPressMs: number | null;
}

export interface Snapshot {
  now: number;
  timeZone: string;
  today: string;
  provisional: boolean;
  byStore: GroupJson[];
  byTerminal: GroupJson[];
  byEmployee: GroupJson[];
  latest: LatestSurvey[];
  terminals: TerminalState[];
  pending: number;
  periods: PeriodItem[];
  alerts: AlertView[];
  trend: TrendFigures;
  heat: Record<HeatKind, HeatGrid>;
  rank: { from: string; to: string; previousFrom: string; previousTo: string; terminals: RankRow[]; employees: RankRow[] };
}

/** The last press of a terminal (events_terminal_at serves it). Prepared once per database. */
const lastPressQuery = new WeakMap<object, { get(id: string): unknown }>();
function lastPress(store: Store, terminalId: string): number | null {
  let q = lastPressQuery.get(store.db);
  if (!q) lastPressQuery.set(store.db, (q = store.db.prepare(`SELECT max(at_ms) AS t FROM events WHERE terminal_id = ? AND untimed = 0`)));
  return (q.get(terminalId) as { t: number | null }).t;
}

/** Surveys with their validity in one read (a review row per survey read one by one costs more than the surveys). */
const surveysQuery = new WeakMap<object, { all(terminal: string, from: number, to: number): unknown[] }>();
interface SurveyValid {
  id: number;
  openedAt: number;
  answer: Answer;
  questionKind: QuestionKind;
  employee: string | null;
  valid: number;
}
function surveysWithValidity(store: Store, terminal: string, fromMs: number, toMs: number): SurveyValid[] {
  let q = surveysQuery.get(store.db);
  if (!q) {
    q = store.db.prepare(
      `SELECT s.opening_event_id AS id, s.opened_ms AS openedAt, s.answer, s.question_kind AS questionKind, s.employee,
         coalesce(r.valid, 1) AS valid
       FROM surveys s LEFT JOIN survey_reviews r ON r.opening_event_id = s.opening_event_id
       WHERE s.terminal_id = ? AND s.opened_ms >= ? AND s.opened_ms < ? ORDER BY s.opened_ms, s.opening_event_id`,
    );
    surveysQuery.set(store.db, q);
  }
  return q.all(terminal, fromMs, toMs) as SurveyValid[];
}

/** Local day and hour of `t` in `zone`, memoised per quarter hour (every zone's offset is a whole number of them). */
function placeIn(zone: string, memo: Map<string, { day: string; hour: number }>, t: number): { day: string; hour: number } {
  const key = `${zone}/${Math.floor(t / 900_000)}`;
  let v = memo.get(key);
  if (!v) {
    const p = localParts(t, zone);
    memo.set(key, (v = { day: `${p.year}-${String(p.month).padStart(2, "0")}-${String(p.day).padStart(2, "0")}`, hour: p.hour }));
  }
  return v;
}

function zones(store: Store, fallback: string): Map<string, string> {
  const byStore = new Map(store.terminals.stores().map((s) => [s.id, s.timeZone]));
  return new Map(store.terminals.terminals().map((t) => [t.id, byStore.get(t.storeId) ?? fallback]));
}

/**
 * The surveys of `days` days up to `today` in each terminal's zone, split at the start of `today`: the valid ones
 * placed in their store's week (those before today only with `part` "past", today's only with "today"), and today's
 * newest, valid or not.
 */
function surveysRead(store: Store, tz: Map<string, string>, today: string, days: number, part: "past" | "today"): { heat: HeatSurvey[]; latest: LatestSurvey[] } {
  const heat: HeatSurvey[] = [];
  const latest: LatestSurvey[] = [];
  const memo = new Map<string, { day: string; hour: number }>();
  for (const [terminal, zone] of tz) {
    const first = dayStart(addDays(today, 1 - days), zone);
    const todayFrom = dayStart(today, zone);
    const end = dayStart(addDays(today, 1), zone);
    const [from, to] = part === "past" ? [first, todayFrom] : [todayFrom, end];
    /* Periods of the whole range either way: a review may have moved a period's end past the start of today. */
    const confirmed = store.derived
      .periods(terminal, first, end)
      .map((p) => ({ p, r: store.reviews.fm(p.startEventId) }))
      .filter((x) => x.r.status === "confirmed")
      .map((x) => [x.p.start, x.r.endMs ?? x.p.end] as const);
    for (const s of surveysWithValidity(store, terminal, from, to)) {
      const valid = s.valid === 1;
      if (part === "today") latest.push({ id: s.id, terminal, openedAt: s.openedAt, tz: zone, answer: s.answer, questionKind: s.questionKind, employee: s.employee, valid });
      if (!valid) continue;
      const { day, hour } = placeIn(zone, memo, s.openedAt);
      heat.push({ day, hour, questionKind: s.questionKind, answer: s.answer, inFm: confirmed.some(([a, b]) => a <= s.openedAt && s.openedAt < b) });
    }
  }
  latest.sort((a, b) => b.openedAt - a.openedAt || b.id - a.id);
  return { heat, latest: latest.slice(0, LATEST) };
}

function terminalsRead(store: Store, config: Config, tz: Map<string, string>, now: number): { terminals: TerminalState[]; pending: number } {
  const status = statusReport(store, terminalDefaults(config), now);
  const terminals = store.terminals.terminals().map((t): TerminalState => ({
    terminal: t.id,
    store: t.storeId,
    tz: tz.get(t.id) ?? config.timeZone,
    devices: status.devices
      .filter((d) => d.terminal === t.id && d.state !== "pending")
      .map((d) => ({ serial: d.serial, state: d.state as "online" | "offline", lastSeenMs: d.lastSeenMs, outbox: d.outbox, clockOffsetMs: d.clockOffsetMs })),
    lastPressMs: lastPress(store, t.id),
  }));
  return { terminals, pending: status.devices.filter((d) => d.state === "pending").length };
}

/**
 * The dashboard at `now`. The figures of past days (the trend's, the heatmap's and the ranking's previous period)
 * come from past-figures.ts, computed again only when those days change; today's are read each time.
 */
export function takeSnapshot(store: Store, config: Config, now: number): Snapshot {
  /* The queued rebuilds first: their rollup refreshes are what tells the cache a past day changed. */
  catchUp(store, config);
  const today = parseDay("today", config.timeZone, now, "day");
  const s = indexSettings(config);
  const report = (from: string, to: string, groupBy: ("store" | "terminal" | "employee" | "day")[]) => makeReport(store, config, { from, to, groupBy }, now);
  const byStore = report(today, today, ["store"]);
  const trendFrom = addDays(today, 1 - TREND_DAYS);
  const yesterday = addDays(today, -1);
  const rankFrom = addDays(today, 1 - RANK_DAYS);
  const prevTo = addDays(rankFrom, -1);
  const prevFrom = addDays(prevTo, 1 - RANK_DAYS);
  const tz = zones(store, config.timeZone);
  const past = pastFigures(store, config, today, JSON.stringify([...tz]), () => ({
    trendGroups: report(trendFrom, yesterday, ["day"]).groups,
    heat: surveysRead(store, tz, today, TREND_DAYS, "past").heat,
    previousTerminals: report(prevFrom, prevTo, ["terminal"]).groups,
    previousEmployees: report(prevFrom, prevTo, ["employee"]).groups,
  }));
  const todays = surveysRead(store, tz, today, TREND_DAYS, "today");
  return {
    now,
    timeZone: config.timeZone,
    today,
    provisional: byStore.provisional,
    byStore: byStore.groups,
    byTerminal: report(today, today, ["store", "terminal"]).groups,
    byEmployee: report(today, today, ["employee"]).groups.filter((g) => g.key.employee),
    latest: todays.latest,
    ...terminalsRead(store, config, tz, now),
    periods: reviewPeriods(store, { from: trendFrom, to: today, status: ["unreviewed"], limit: PERIODS_SHOWN }),
    alerts: listAlerts(store, { limit: 50 }),
    trend: trend(Array.from({ length: TREND_DAYS }, (_, i) => addDays(trendFrom, i)), [...past.trendGroups, ...report(today, today, ["day"]).groups]),
    heat: heatmap([...past.heat, ...todays.heat], s.kOn, s.minSample),
    rank: {
      from: rankFrom,
      to: today,
      previousFrom: prevFrom,
      previousTo: prevTo,
      terminals: ranking("terminal", report(rankFrom, today, ["terminal"]).groups, past.previousTerminals),
      employees: ranking("employee", report(rankFrom, today, ["employee"]).groups, past.previousEmployees),
    },
  };
}

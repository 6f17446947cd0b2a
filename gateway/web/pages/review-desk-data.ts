/**
 * What the review desk shows for a filter (docs/web.md#review-desk), read through the same functions the CLI and
 * the API use: the survey and period lists (gateway/review/list.ts), the day's figures (the report), each
 * terminal's day for the timeline, the review log in words, and the signed-in user's last review that can be undone.
 */
import type { Config } from "../../config/schema.ts";
import { makeReport } from "../../reports/report.ts";
import type { GroupJson } from "../../reports/schema.ts";
import { reviewPeriods, reviewSurveys, type PeriodItem, type ReviewFilter, type SurveyItem } from "../../review/list.ts";
import { entryInWords, STATUS_WORDS, type EntryInWords } from "../../review/words.ts";
import type { ReviewLogEntry } from "../../store/reviews.ts";
import type { Store } from "../../store/store.ts";
import type { StoreRow, TerminalRow } from "../../store/terminals.ts";
import { addDays, dayStart, localParts } from "../../time/zone.ts";
import type { DeskFilter } from "./review-filter.ts";
import type { TimelineInput } from "./review-timeline.ts";

/** How many log entries the desk shows, and how far back it looks for the user's last review to undo. */
const LOG_ROWS = 30;
const UNDO_LOOKBACK = 500;

export interface DeskData {
  filter: DeskFilter;
  stores: StoreRow[];
  terminals: TerminalRow[];
  employees: string[];
  surveys: SurveyItem[];
  periods: PeriodItem[];
  timelines: TimelineInput[];
  figures: GroupJson;
  provisional: boolean;
  log: EntryInWords[];
  /** The signed-in user's latest review still in force and no undo itself, or null. */
  lastUndo: EntryInWords | null;
}

/** The time zone of a terminal's store, else the gateway's. */
export function zoneOf(store: Store, terminalId: string, fallback: string): string {
  const t = store.terminals.terminal(terminalId);
  return (t && store.terminals.store(t.storeId)?.timeZone) ?? fallback;
}

/** The user's latest review that undo may take back: not undone, not an undo itself. */
export function lastUndoable(store: Store, userId: number): ReviewLogEntry | undefined {
  return store.reviews.entries(null, UNDO_LOOKBACK).find((e) => e.userId === userId && e.undoes === null && e.undoneBy === null);
}

function timeline(store: Store, terminal: string, day: string, tz: string, surveys: SurveyItem[], periods: PeriodItem[]): TimelineInput {
  const fromMs = dayStart(day, tz);
  const toMs = dayStart(addDays(day, 1), tz);
  const hours: TimelineInput["hours"] = [];
  for (let t = fromMs; t < toMs; t += 3_600_000) hours.push({ atMs: t, hour: localParts(t, tz).hour });
  return {
    terminal,
    fromMs,
    toMs,
    hours,
    surveys: surveys.filter((s) => s.terminal === terminal).map((s) => ({ id: s.id, atMs: Date.parse(s.openedIso), answer: s.answer, valid: s.valid, time: s.opened.slice(11) })),
    periods: periods
      .filter((p) => p.terminal === terminal)
      .map((p) => ({ id: p.id, startMs: Date.parse(p.startIso), endMs: Date.parse(p.endIso), status: p.status, text: `${p.start.slice(11)}–${p.end.slice(11)} · ${STATUS_WORDS[p.status]}` })),
  };
}

export function deskData(store: Store, config: Config, f: DeskFilter, userId: number, now: number): DeskData {
  const stores = store.terminals.stores();
  const terminals = store.terminals.terminals().filter((t) => !f.store || t.storeId === f.store);
  const scope: ReviewFilter = { from: f.day, to: f.day, stores: f.store ? [f.store] : undefined, terminals: f.terminal ? [f.terminal] : undefined };
  const report = makeReport(store, config, { ...scope, groupBy: [], employees: f.employee ? [f.employee] : undefined }, now);
  const day = reviewSurveys(store, scope);
  const surveys = reviewSurveys(store, { ...scope, employees: f.employee ? [f.employee] : undefined, answers: f.answer ? [f.answer] : undefined, flags: f.flag ? [f.flag] : undefined });
  const periods = reviewPeriods(store, scope);
  const onTimeline = [...new Set([...(f.terminal ? [f.terminal] : []), ...periods.map((p) => p.terminal)])];
  const employees = [...new Set([...day.map((s) => s.employee).filter((e): e is string => e !== null), ...(f.employee ? [f.employee] : [])])].sort();
  const inScope = new Set(terminals.map((t) => t.id));
  const words = (e: ReviewLogEntry) => entryInWords(e, zoneOf(store, e.terminalId, config.timeZone));
  const log = store.reviews
    .entries(f.terminal ?? null, f.store && !f.terminal ? UNDO_LOOKBACK : LOG_ROWS)
    .filter((e) => !f.store || inScope.has(e.terminalId))
    .slice(0, LOG_ROWS)
    .map(words);
  const last = lastUndoable(store, userId);
  return {
    filter: f,
    stores,
    terminals,
    employees,
    surveys,
    periods,
    timelines: onTimeline.map((t) => timeline(store, t, f.day, zoneOf(store, t, config.timeZone), day, periods)),
    figures: report.total,
    provisional: report.provisional,
    log,
    lastUndo: last ? words(last) : null,
  };
}

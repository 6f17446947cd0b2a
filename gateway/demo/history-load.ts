/**
 * Puts the demo's past month (history.ts) into the database on its first run, through the store functions the
 * ingest uses for a delivered event (gateway/ingest/handlers/event.ts: `events.insert`, then a rebuild queued from
 * the earliest time), so surveys, periods and rollups are derived as for presses that came from a board. The two
 * terminals that only have a past are paired as `loyalty pair` would pair a device heard once, a month ago.
 * Only on a fresh database (no terminal yet): a restart must not add another month.
 */
import type { Store } from "../store/store.ts";
import { assignEmployee, pair } from "../terminals/manage.ts";
import { localToEpoch } from "../time/zone.ts";
import { isoDate, pressesOf, visitTime, type DemoTerminalSpec, type LocalDate } from "./day.ts";
import { HISTORY_DAYS, HISTORY_SEED, historyDates, historyDay, LIVE_HISTORY, PAST_TERMINALS, type HistoryTerminal } from "./history.ts";

export interface HistoryOptions {
  store: Store;
  timeZone: string;
  /** The scripted day; the history ends the day before it. */
  yesterday: LocalDate;
  /** The simulated terminals, already paired: their pasts are filled too. */
  live: DemoTerminalSpec[];
  timing: { windowMs: number; longMs: number; fmMaxMs: number; heartbeatMs: number };
  now: number;
  seed?: number;
  days?: number;
}

export interface HistoryLoaded {
  days: number;
  terminals: string[];
  events: number;
}

/** The link history events are recorded on (events.link): not a port or broker, the demo's past. */
export const HISTORY_LINK = "demo-history";

/** Whether the demo may fill the past: nothing is paired yet. */
export function freshDatabase(store: Store): boolean {
  return store.terminals.terminals().length === 0;
}

export function loadHistory(o: HistoryOptions): HistoryLoaded {
  const { store, timeZone: tz } = o;
  const dates = historyDates(o.yesterday, o.days ?? HISTORY_DAYS);
  const first = dates[0]!;
  const startMs = localToEpoch(tz, first.year, first.month, first.day);
  const terminals: HistoryTerminal[] = [];
  for (const spec of o.live) {
    const shape = LIVE_HISTORY[spec.id];
    if (shape && store.terminals.terminal(spec.id)) terminals.push({ id: spec.id, serial: spec.serial, question: spec.question, questionText: spec.questionText, employee: spec.employee, ...shape });
  }
  for (const t of PAST_TERMINALS) {
    if (!store.devices.get(t.serial)) store.devices.hello({ t: "hello", d: t.serial, b: "past", fw: "demo", pv: "1.0", role: "combo", cap: [], up: 0 }, HISTORY_LINK, startMs);
    if (!store.terminals.terminal(t.id)) {
      const [storeId, point] = t.id.split(".") as [string, string];
      pair(store, { serial: t.serial, store: storeId, point, question: t.question, questionText: t.questionText, employee: t.employee || undefined, timeZone: tz, timing: o.timing }, startMs, "demo");
    }
    if (t.later) {
      const d = new Date(Date.UTC(o.yesterday.year, o.yesterday.month - 1, o.yesterday.day + 1 - t.later.daysAgo));
      assignEmployee(store, t.id, t.later.employee, localToEpoch(tz, d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()), o.now, "demo");
    }
    terminals.push(t);
  }
  let events = 0;
  store.tx(() => {
    for (const t of terminals) {
      for (const date of dates) {
        let seq = 0;
        const boot = `h${isoDate(date).replace(/-/g, "")}`;
        for (const v of historyDay(t, date, o.seed ?? HISTORY_SEED)) {
          for (const p of pressesOf(v, visitTime(v, date, tz))) {
            const stored = store.events.insert({ serial: t.serial, boot, seq: ++seq, kind: p.kind, btn: null, ts: p.at, synced: true, atMs: p.at, receivedMs: p.at + 500, terminalId: t.id, link: HISTORY_LINK });
            if (stored) events++;
          }
        }
      }
      store.derived.enqueue(t.id, startMs);
    }
  });
  return { days: dates.length, terminals: terminals.map((t) => t.id), events };
}

/**
 * The edge of the alert engine that reads (docs/alerts.md#what-a-rule-looks-at): for one rule, the figure of every
 * subject in its scope now, from the daily rollups (today, in each store's zone), the surveys of the last hour, the
 * derived surveys' review flags, and the devices' last frames and status.
 */
import { flagSurveys } from "../indices/flags.ts";
import { INDEX_OF } from "../indices/formulas.ts";
import { addCounts, emptyTally, total, type Counts, type Tally } from "../indices/tally.ts";
import type { IndexSettings } from "../reports/settings.ts";
import type { Store } from "../store/store.ts";
import { dayStart, localDay, nextDay } from "../time/zone.ts";
import type { QuestionKind } from "../../protocol/schemas.ts";
import type { Reading } from "./decide.ts";
import type { Rule } from "./rules.ts";

export type ReadingStore = Pick<Store, "terminals" | "rollups" | "derived" | "devices" | "alerts">;

const HOUR_MS = 3_600_000;

interface TerminalInfo {
  id: string;
  storeId: string;
  tz: string;
}

function terminalsIn(store: ReadingStore, rule: Rule): TerminalInfo[] {
  const zones = new Map(store.terminals.stores().map((s) => [s.id, s.timeZone]));
  const { stores, terminals } = rule.scope;
  return store.terminals
    .terminals()
    .filter((t) => (!stores.length || stores.includes(t.storeId)) && (!terminals.length || terminals.includes(t.id)))
    .map((t) => ({ id: t.id, storeId: t.storeId, tz: zones.get(t.storeId) ?? "UTC" }));
}

function subjectOf(per: "store" | "terminal" | "employee", t: TerminalInfo, employee: string): string | undefined {
  if (per === "store") return `store:${t.storeId}`;
  if (per === "terminal") return `terminal:${t.id}`;
  return employee === "" ? undefined : `employee:${employee}`;
}

const keepEmployee = (rule: Rule, employee: string) => !rule.scope.employees.length || rule.scope.employees.includes(employee);

/** Every subject's figure for `rule` at `now`. */
export function readingsFor(store: ReadingStore, rule: Rule, s: Pick<IndexSettings, "kOn">, now: number): Reading[] {
  const terminals = terminalsIn(store, rule);
  const byId = new Map(terminals.map((t) => [t.id, t]));
  switch (rule.kind) {
    case "index":
      return indexReadings(store, rule, byId, s, now);
    case "fm-level":
      return fmReadings(store, rule, byId, now);
    case "offline":
      return terminals.flatMap((t): Reading[] => {
        const devices = store.terminals.devicesOf(t.id).map((p) => store.devices.get(p.serial)).filter((d) => d !== undefined);
        if (!devices.length) return [];
        const silent = devices.map((d) => ({ serial: d.serial, ms: Math.max(0, now - d.lastSeenMs) }));
        const worst = Math.max(...silent.map((d) => d.ms));
        return [{ subject: `terminal:${t.id}`, figure: { kind: "offline", silentMs: worst, devices: silent.filter((d) => d.ms >= rule.minutes * 60_000).map((d) => d.serial) } }];
      });
    case "outbox":
      return terminals.flatMap((t) =>
        store.terminals.devicesOf(t.id).flatMap((p): Reading[] => {
          const d = store.devices.get(p.serial);
          return d ? [{ subject: `device:${d.serial}`, figure: { kind: "outbox", depth: d.outbox ?? 0, device: d.serial } }] : [];
        }),
      );
    case "flags":
      return flagReadings(store, rule, terminals, now);
  }
}

/** Today's counts per terminal (each in its store's day), or the last hour's. */
function indexReadings(store: ReadingStore, rule: Extract<Rule, { kind: "index" }>, byId: Map<string, TerminalInfo>, s: Pick<IndexSettings, "kOn">, now: number): Reading[] {
  const tallies = new Map<string, Tally>();
  const add = (t: TerminalInfo, employee: string, questionKind: string, c: Counts, k: number) => {
    if (INDEX_OF[questionKind as QuestionKind] !== rule.index || !keepEmployee(rule, employee)) return;
    const subject = subjectOf(rule.per, t, employee);
    if (subject === undefined) return;
    addCounts(tallies.get(subject) ?? tallies.set(subject, emptyTally()).get(subject)!, c, k);
  };
  if (rule.window === "day") {
    const cache = dayCache(store);
    for (const [t, day] of todayOf(byId, now)) {
      for (const r of cache.counts(day)) if (r.terminalId === t.id) add(t, r.employee, r.questionKind, r, s.kOn(day));
    }
  } else {
    const zero: Counts = { p: 0, n: 0, u: 0, s: 0, pFm: 0, nFm: 0, uFm: 0, sFm: 0 };
    const field = { yes: "p", no: "n", unsure: "u", silent: "s" } as const;
    for (const r of store.alerts.recentSurveys(now - HOUR_MS, now + 1)) {
      const t = byId.get(r.terminalId);
      if (!t) continue;
      const c = { ...zero, [field[r.answer]]: 1 };
      if (r.inFm) c[`${field[r.answer]}Fm` as "pFm"] = 1;
      add(t, r.employee, r.questionKind, c, s.kOn(localDay(now, t.tz)));
    }
  }
  return [...tallies].map(([subject, tally]) => ({ subject, figure: { kind: "index", tally } }));
}

/** Rollup rows of one day, read once per day however many terminals ask. */
function dayCache(store: ReadingStore) {
  const counts = new Map<string, ReturnType<ReadingStore["rollups"]["counts"]>>();
  const days = new Map<string, ReturnType<ReadingStore["rollups"]["terminalDays"]>>();
  return {
    counts: (day: string) => counts.get(day) ?? counts.set(day, store.rollups.counts(day, day)).get(day)!,
    terminalDays: (day: string) => days.get(day) ?? days.set(day, store.rollups.terminalDays(day, day)).get(day)!,
  };
}

/** Each terminal with its store's local day at `now`. */
function todayOf(byId: Map<string, TerminalInfo>, now: number): [TerminalInfo, string][] {
  return [...byId.values()].map((t) => [t, localDay(now, t.tz)]);
}

function fmReadings(store: ReadingStore, rule: Extract<Rule, { kind: "fm-level" }>, byId: Map<string, TerminalInfo>, now: number): Reading[] {
  const acc = new Map<string, { surveys: number; periods: number }>();
  const of = (subject: string) => acc.get(subject) ?? acc.set(subject, { surveys: 0, periods: 0 }).get(subject)!;
  const cache = dayCache(store);
  for (const [t, day] of todayOf(byId, now)) {
    const subject = subjectOf(rule.per, t, "")!;
    const a = of(subject);
    for (const r of cache.counts(day)) if (r.terminalId === t.id) a.surveys += total(addCounts(emptyTally(), r, 1));
    for (const r of cache.terminalDays(day)) if (r.terminalId === t.id) a.periods += r.fmConfirmed + r.fmUnreviewed;
  }
  return [...acc].map(([subject, a]) => ({ subject, figure: { kind: "fm-level", ...a } }));
}

/** Surveys flagged today (silent-run or quick), per subject; the flags as the review list shows them. */
function flagReadings(store: ReadingStore, rule: Extract<Rule, { kind: "flags" }>, terminals: TerminalInfo[], now: number): Reading[] {
  const counts = new Map<string, number>();
  for (const t of terminals) {
    const day = localDay(now, t.tz);
    const from = dayStart(day, t.tz);
    const to = dayStart(nextDay(day), t.tz);
    const surveys = store.derived.surveys(t.id, from, to);
    const flags = flagSurveys(
      surveys.map((x) => ({ openingEventId: x.openingEventId, openedAt: x.openedAt, closedAt: x.closedAt, answer: x.answer, extraCount: x.extraEventIds.length })),
      store.derived.unsolicitedTimes(t.id, from, to + 60_000),
    );
    if (rule.per !== "employee") {
      const subject = subjectOf(rule.per, t, "")!;
      if (!counts.has(subject)) counts.set(subject, 0);
    }
    for (const x of surveys) {
      const employee = x.employee ?? "";
      if (!keepEmployee(rule, employee)) continue;
      const subject = subjectOf(rule.per, t, employee);
      if (subject === undefined) continue;
      const n = (flags.get(x.openingEventId) ?? []).includes(rule.flag) ? 1 : 0;
      counts.set(subject, (counts.get(subject) ?? 0) + n);
    }
  }
  return [...counts].map(([subject, count]) => ({ subject, figure: { kind: "flags", count } }));
}


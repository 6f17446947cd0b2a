/**
 * What the expert reviews (docs/reports.md#expert-review): surveys and force-majeure periods with their times to the
 * second in the store's zone, flags, review state and a CCTV link, filtered by store, terminal, employee, days,
 * answer, flags and state; and the untimed events, which are in no survey (docs/gateway.md#clocks).
 */
import { GatewayError } from "../errors.ts";
import type { UntimedReason } from "../time/event-time.ts";
import type { Store } from "../store/store.ts";
import { storeList } from "../terminals/stores.ts";
import { addDays, dayStart, formatLocal } from "../time/zone.ts";
import { cctvLink } from "./cctv.ts";
import { flagSurveys, SILENT_RUN, UNSOLICITED_AFTER_MS, type Flag } from "../indices/flags.ts";

export interface ReviewFilter {
  /** Store-local days, both included. */
  from: string;
  to: string;
  stores?: string[];
  terminals?: string[];
  employees?: string[];
  answers?: string[];
  /** Only surveys with any of these flags. */
  flags?: Flag[];
  /** Only surveys that are valid / invalid. */
  valid?: boolean;
  /** Periods in this review state. */
  status?: ("unreviewed" | "confirmed" | "rejected")[];
  limit?: number;
}

export interface SurveyItem {
  id: number;
  terminal: string;
  store: string;
  /** Store-local `YYYY-MM-DD HH:MM:SS`, to find it in a CCTV archive. */
  opened: string;
  closed: string;
  openedIso: string;
  answer: string;
  question: string;
  questionKind: string;
  employee: string | null;
  extraPresses: number;
  flags: Flag[];
  valid: boolean;
  reason: string | null;
  cctv: string | null;
}

export interface PeriodItem {
  id: number;
  terminal: string;
  store: string;
  start: string;
  end: string;
  startIso: string;
  endIso: string;
  endReason: string;
  status: "unreviewed" | "confirmed" | "rejected";
  /** The end the expert set, if any (the derived end is in `derivedEnd`). */
  corrected: boolean;
  derivedEnd: string;
  cctv: string | null;
}

/** An event whose time cannot be known (an unsynced one of a boot never heard live, a wrong synced clock): stored, in no survey or period. */
export interface UntimedItem {
  id: number;
  /** null (and store null): its device was paired to no terminal when it arrived (docs/reports.md#expert-review). */
  terminal: string | null;
  store: string | null;
  device: string;
  boot: string;
  seq: number;
  kind: string;
  /** Why it is untimed: `unheard_boot`, `ahead` (synced time past its arrival), `before_2020`. */
  reason: UntimedReason;
  /** `unheard_boot`: ms after its boot started; otherwise the time the device's clock gave, epoch ms. */
  uptimeMs: number;
  /** A synced event's time as its device's clock gave it, store-local (null for `unheard_boot`). */
  deviceClock: string | null;
  /** Store-local `YYYY-MM-DD HH:MM:SS`: when the replay arrived. */
  received: string;
  /** The latest it can have happened (the press came no later than this), store-local. */
  latest: string;
  receivedIso: string;
}

/** An event of no terminal (its device was unpaired when it arrived), timed or not: stored, in no figure. */
export interface UnassignedItem {
  id: number;
  device: string;
  boot: string;
  seq: number;
  kind: string;
  /** The button of a press, null for other kinds. */
  button: string | null;
  /** Whether its time is known: then `time` is when it happened; else the latest it can have happened. */
  timed: boolean;
  /** Untimed: why (`unheard_boot`, `ahead`, `before_2020`); null when timed. */
  reason: UntimedReason | null;
  /** `YYYY-MM-DD HH:MM:SS` in the gateway's zone. */
  time: string;
  received: string;
  timeIso: string;
  receivedIso: string;
}

const DEFAULT_LIMIT = 500;

/** How many terminals an unknown terminal's error lists before "and N more". */
const TERMINALS_NAMED = 20;

/**
 * Refuses a filter that names a store or terminal there is not, listing those there are (a typo would otherwise
 * read as an empty list, docs/reports.md#expert-review).
 */
export function checkFilter(store: Store, f: Pick<ReviewFilter, "stores" | "terminals">): void {
  for (const id of f.stores ?? []) if (!store.terminals.store(id)) throw new GatewayError("not_found", `store ${id} does not exist (stores: ${storeList(store)})`);
  const unknown = (f.terminals ?? []).find((id) => !store.terminals.terminal(id));
  if (unknown === undefined) return;
  const all = store.terminals.terminals().map((t) => t.id);
  const named = all.length === 0 ? "none yet" : all.slice(0, TERMINALS_NAMED).join(", ") + (all.length > TERMINALS_NAMED ? ` and ${all.length - TERMINALS_NAMED} more (loyalty terminals lists them)` : "");
  throw new GatewayError("not_found", `terminal ${unknown} does not exist (terminals: ${named})`);
}

function scope(store: Store, f: ReviewFilter) {
  const stores = new Map(store.terminals.stores().map((s) => [s.id, s.timeZone]));
  return store.terminals
    .terminals()
    .filter((t) => (!f.stores?.length || f.stores.includes(t.storeId)) && (!f.terminals?.length || f.terminals.includes(t.id)))
    .map((t) => {
      const tz = stores.get(t.storeId) ?? "UTC";
      return { id: t.id, storeId: t.storeId, tz, from: dayStart(f.from, tz), to: dayStart(addDays(f.to, 1), tz), cctv: store.terminals.cctvTemplate(t.id) };
    });
}

export function reviewSurveys(store: Store, f: ReviewFilter): SurveyItem[] {
  const out: SurveyItem[] = [];
  const limit = f.limit ?? DEFAULT_LIMIT;
  for (const t of scope(store, f)) {
    const surveys = store.derived.surveys(t.id, t.from, t.to);
    const around = store.derived.surveysAround(t.id, t.from, t.to, SILENT_RUN - 1);
    const unsolicited = store.derived.unsolicitedTimes(t.id, t.from, t.to + UNSOLICITED_AFTER_MS);
    const flags = flagSurveys([...around.before, ...surveys, ...around.after].map((s) => ({ ...s, extraCount: s.extraEventIds.length })), unsolicited);
    for (const s of surveys) {
      const review = store.reviews.survey(s.openingEventId);
      const fl = flags.get(s.openingEventId) ?? [];
      if (f.employees?.length && !f.employees.includes(s.employee ?? "")) continue;
      if (f.answers?.length && !f.answers.includes(s.answer)) continue;
      if (f.flags?.length && !fl.some((x) => f.flags!.includes(x))) continue;
      if (f.valid !== undefined && review.valid !== f.valid) continue;
      out.push({
        id: s.openingEventId,
        terminal: t.id,
        store: t.storeId,
        opened: formatLocal(s.openedAt, t.tz),
        closed: formatLocal(s.closedAt, t.tz),
        openedIso: new Date(s.openedAt).toISOString(),
        answer: s.answer,
        question: s.questionText,
        questionKind: s.questionKind,
        employee: s.employee,
        extraPresses: s.extraEventIds.length,
        flags: fl,
        valid: review.valid,
        reason: review.reason,
        cctv: t.cctv ? cctvLink(t.cctv, s.openedAt, t.tz, t.id, t.storeId) : null,
      });
      if (out.length >= limit) return out;
    }
  }
  return out;
}

export function reviewPeriods(store: Store, f: ReviewFilter): PeriodItem[] {
  const out: PeriodItem[] = [];
  const limit = f.limit ?? DEFAULT_LIMIT;
  for (const t of scope(store, f)) {
    for (const p of store.derived.periods(t.id, t.from, t.to)) {
      if (p.start < t.from) continue;
      const r = store.reviews.fm(p.startEventId);
      if (f.status?.length && !f.status.includes(r.status)) continue;
      const end = r.endMs ?? p.end;
      out.push({
        id: p.startEventId,
        terminal: t.id,
        store: t.storeId,
        start: formatLocal(p.start, t.tz),
        end: formatLocal(end, t.tz),
        startIso: new Date(p.start).toISOString(),
        endIso: new Date(end).toISOString(),
        endReason: p.endReason,
        status: r.status,
        corrected: r.endMs !== null,
        derivedEnd: formatLocal(p.end, t.tz),
        cctv: t.cctv ? cctvLink(t.cctv, p.start, t.tz, t.id, t.storeId) : null,
      });
      if (out.length >= limit) return out;
    }
  }
  return out;
}

/**
 * Untimed events that arrived in the days of `f` (they have no day of their own), and how many there are in all.
 * Without a store or terminal filter, also those of no terminal (their device was not paired when they arrived),
 * by the days of `timeZone` (the gateway's).
 */
export function reviewUntimed(store: Store, f: ReviewFilter, timeZone: string): { total: number; items: UntimedItem[] } {
  const items: UntimedItem[] = [];
  let total = 0;
  const limit = f.limit ?? DEFAULT_LIMIT;
  const unpaired = f.stores?.length || f.terminals?.length ? [] : [{ id: null, storeId: null, tz: timeZone, from: dayStart(f.from, timeZone), to: dayStart(addDays(f.to, 1), timeZone) }];
  for (const t of [...scope(store, f), ...unpaired]) {
    total += store.events.countUntimed(t.id, t.from, t.to);
    for (const e of store.events.untimed(t.id, t.from, t.to, limit - items.length)) {
      items.push({
        id: e.id,
        terminal: t.id,
        store: t.storeId,
        device: e.serial,
        boot: e.boot,
        seq: e.seq,
        kind: e.kind,
        reason: e.reason,
        uptimeMs: e.ts,
        deviceClock: e.reason === "unheard_boot" ? null : formatLocal(e.ts, t.tz),
        received: formatLocal(e.receivedMs, t.tz),
        latest: formatLocal(e.latestMs, t.tz),
        receivedIso: new Date(e.receivedMs).toISOString(),
      });
    }
  }
  return { total, items };
}

/**
 * Events of no terminal that arrived in the days of `f`, by the days of `timeZone` (the gateway's: they have no
 * store), timed and untimed, and how many there are. Their device was paired to no terminal when they arrived: an
 * event recorded after an unpair and before the device learnt of it (docs/protocol.md, `unpair`). They count in no
 * figure; the expert sees them here.
 */
export function reviewUnassigned(store: Store, f: Pick<ReviewFilter, "from" | "to" | "limit">, timeZone: string): { total: number; items: UnassignedItem[] } {
  const from = dayStart(f.from, timeZone);
  const to = dayStart(addDays(f.to, 1), timeZone);
  const items = store.events.unassigned(from, to, f.limit ?? DEFAULT_LIMIT).map((e) => ({
    id: e.id,
    device: e.serial,
    boot: e.boot,
    seq: e.seq,
    kind: e.kind,
    button: e.btn,
    timed: e.reason === null,
    reason: e.reason,
    time: formatLocal(e.atMs, timeZone),
    received: formatLocal(e.receivedMs, timeZone),
    timeIso: new Date(e.atMs).toISOString(),
    receivedIso: new Date(e.receivedMs).toISOString(),
  }));
  return { total: store.events.countUnassigned(from, to), items };
}

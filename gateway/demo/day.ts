/**
 * The demo's scripted day as data (docs/demo.md): what each demo terminal's seller and customers press, at what
 * local time, and the surveys and force-majeure periods that the methodology (../shared/methodology.md) derives
 * from it. Pure: tests compute their expectations (and, later, the expected indices) from the same data the demo
 * plays. A day is written as `HH:MM[:SS] what` items separated by commas or new lines, where `what` is
 * - `yes` | `no` | `unsure`: a seller short press, then the customer's answer `think` seconds later;
 * - `silent`: a seller short press and no answer (a «Молчун»);
 * - `fm-start` | `fm-end`: a seller long press (force-majeure starts, or ends before Fmax);
 * - `stray-yes` | `stray-no` | `stray-unsure`: a customer key pressed with no survey open (unsolicited).
 */
import type { EventKind, QuestionKind } from "../../protocol/schemas.ts";
import { localParts, localToEpoch } from "../time/zone.ts";

export type Answer = "yes" | "no" | "unsure" | "silent";
export type Visit =
  | { at: string; kind: "survey"; answer: Answer }
  | { at: string; kind: "fm"; edge: "start" | "end" }
  | { at: string; kind: "stray"; key: "yes" | "no" | "unsure" };

/** Seconds between the seller's short press and the customer's answer (well inside the 30 s window). */
export const THINK_S = 6;
/** Items are at least this far apart, longer than a window, so no item reaches into the survey before it. */
export const MIN_GAP_S = 60;
/** How long the demo holds a button: a click, and a long press (past the default L = 3 s). */
export const CLICK_MS = 150;
export const LONG_HOLD_MS = 3400;

export interface DemoTerminalSpec {
  /** Terminal id `<store>.<point>`. */
  id: string;
  store: string;
  point: string;
  /** Device serial (what getSerial() returns on the simulated board). */
  serial: string;
  /** Board profile: pico talks serial (over a pseudo-terminal), wifi talks MQTT. */
  board: "pico" | "wifi";
  question: QuestionKind;
  questionText: string;
  employee: string;
  day: Visit[];
}

export function parseDay(text: string): Visit[] {
  const visits: Visit[] = [];
  let last = -Infinity;
  for (const raw of text.split(/[,\n]/)) {
    const item = raw.trim();
    if (!item) continue;
    const m = /^(\d\d):(\d\d)(?::(\d\d))? +(yes|no|unsure|silent|fm-start|fm-end|stray-yes|stray-no|stray-unsure)$/.exec(item);
    if (!m) throw new Error(`demo day: cannot read '${item}' (expected 'HH:MM[:SS] yes|no|unsure|silent|fm-start|fm-end|stray-<key>')`);
    const at = `${m[1]}:${m[2]}:${m[3] ?? "00"}`;
    const sec = secondsOf(at);
    if (sec >= 86_400 || Number(m[2]) > 59 || Number(m[3] ?? 0) > 59) throw new Error(`demo day: '${item}' is not a time of day`);
    if (sec - last < MIN_GAP_S) throw new Error(`demo day: '${item}' comes less than ${MIN_GAP_S} s after the item before it`);
    last = sec;
    const what = m[4]!;
    if (what.startsWith("fm-")) visits.push({ at, kind: "fm", edge: what === "fm-start" ? "start" : "end" });
    else if (what.startsWith("stray-")) visits.push({ at, kind: "stray", key: what.slice(6) as "yes" });
    else visits.push({ at, kind: "survey", answer: what as Answer });
  }
  return visits;
}

function secondsOf(at: string): number {
  const [h, m, s] = at.split(":").map(Number) as [number, number, number];
  return h * 3600 + m * 60 + s;
}

/** One button action of a plan: press `button` at `at` (epoch ms) for `holdMs`. */
export interface PlannedPress {
  at: number;
  button: "seller" | "yes" | "no" | "unsure";
  holdMs: number;
  /** The event kind the firmware records for it. */
  kind: EventKind;
}

/** A local calendar date. */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

/** The local date `days` before the one `epochMs` falls on in `tz` (1: yesterday). */
export function localDateBefore(epochMs: number, tz: string, days: number): LocalDate {
  const p = localParts(epochMs, tz);
  const d = new Date(Date.UTC(p.year, p.month - 1, p.day - days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export function isoDate(d: LocalDate): string {
  return `${d.year}-${String(d.month).padStart(2, "0")}-${String(d.day).padStart(2, "0")}`;
}

/** Epoch ms of a visit's local time on `date` in `tz`. */
export function visitTime(v: Visit, date: LocalDate, tz: string): number {
  const [h, m, s] = v.at.split(":").map(Number) as [number, number, number];
  return localToEpoch(tz, date.year, date.month, date.day, h, m, s);
}

/** Every press of one visit, starting at `t0` (epoch ms), in order. */
export function pressesOf(v: Visit, t0: number, thinkMs = THINK_S * 1000): PlannedPress[] {
  if (v.kind === "fm") return [{ at: t0, button: "seller", holdMs: LONG_HOLD_MS, kind: "long" }];
  if (v.kind === "stray") return [{ at: t0, button: v.key, holdMs: CLICK_MS, kind: v.key }];
  const open: PlannedPress = { at: t0, button: "seller", holdMs: CLICK_MS, kind: "short" };
  return v.answer === "silent" ? [open] : [open, { at: t0 + thinkMs, button: v.answer, holdMs: CLICK_MS, kind: v.answer }];
}

export interface ExpectedSurvey {
  openedAt: number;
  answer: Answer;
  /** Opened inside a force-majeure period (which counts once an expert confirms the period). */
  inForceMajeure: boolean;
}
export interface ExpectedPeriod {
  start: number;
  end: number;
  endReason: "long" | "max";
}
export interface ExpectedDay {
  surveys: ExpectedSurvey[];
  periods: ExpectedPeriod[];
  /** Customer key presses with no survey open. */
  unsolicited: number;
  /** Events the terminal records for the day. */
  events: number;
}

/**
 * What the gateway should derive from `day` played on `date` (methodology "Surveys", "Force-majeure"). Items
 * are MIN_GAP_S apart, more than a window, and answers come THINK_S after their short press, inside it.
 */
export function expectedDay(day: Visit[], date: LocalDate, tz: string, fmMaxMs = 1_800_000): ExpectedDay {
  const surveys: ExpectedSurvey[] = [];
  const periods: ExpectedPeriod[] = [];
  let open: ExpectedPeriod | undefined;
  let unsolicited = 0;
  let events = 0;
  for (const v of day) {
    const t = visitTime(v, date, tz);
    events += pressesOf(v, t).length;
    if (open && t >= open.end) open = undefined;
    if (v.kind === "fm") {
      if (open) {
        open.end = t;
        open.endReason = "long";
        open = undefined;
      } else {
        open = { start: t, end: t + fmMaxMs, endReason: "max" };
        periods.push(open);
      }
    } else if (v.kind === "stray") unsolicited++;
    else surveys.push({ openedAt: t, answer: v.answer, inForceMajeure: open !== undefined });
  }
  return { surveys, periods, unsolicited, events };
}

/* Till 1: a working day at the cash desk; the card reader fails after lunch (a force-majeure ended by hand). */
const TILL_1 = parseDay(`
  09:04 yes, 09:11 yes, 09:19 silent, 09:32 unsure, 09:40 yes, 09:53 no,
  10:05 yes, 10:17 yes, 10:26 silent, 10:44 yes, 11:02 unsure, 11:15 yes,
  11:31 yes, 11:47 stray-yes, 12:06 silent, 12:20 yes, 12:41 no, 12:58 yes,
  13:10 fm-start, 13:14 no, 13:21 silent, 13:29 no, 13:38 fm-end,
  13:52 yes, 14:09 yes, 14:33 unsure, 14:50 yes, 15:12 silent, 15:40 yes,
  16:05 yes, 16:31 no, 17:02 yes, 17:26 unsure, 17:55 silent, 18:20 yes, 18:47 yes
`);

/* Till 2: the consultation desk, asking whether customers would recommend us; a long queue in the evening
   (a force-majeure that runs out after Fmax). */
const TILL_2 = parseDay(`
  09:15 yes, 09:37 yes, 10:02 unsure, 10:28 yes, 10:51 silent, 11:20 yes,
  11:46 no, 12:13 yes, 12:39 unsure, 13:05 yes, 13:33 silent, 14:01 yes,
  14:26 yes, 14:58 unsure, 15:24 yes, 15:49 stray-no, 16:10 no,
  16:40 fm-start, 16:45 silent, 16:52 no, 17:01 yes, 17:30 silent,
  17:48 yes, 18:15 unsure, 18:44 yes, 19:10 silent
`);

export const DEMO_TERMINALS: DemoTerminalSpec[] = [
  { id: "demo.till-1", store: "demo", point: "till-1", serial: "DEMO-PTY-1", board: "pico", question: "staff", questionText: "Вы довольны работой кассира?", employee: "elena", day: TILL_1 },
  { id: "demo.desk-2", store: "demo", point: "desk-2", serial: "DEMO-MQTT-2", board: "wifi", question: "recommend", questionText: "Вы бы рекомендовали нас знакомым?", employee: "ivan", day: TILL_2 },
];

/** The live loop after the replay: one item every few seconds, repeated (times are ignored; order matters). */
export const LIVE_LOOP: Visit[] = parseDay(`
  00:00 yes, 00:01 yes, 00:02 silent, 00:03 unsure, 00:04 yes, 00:05 no,
  00:06 fm-start, 00:07 no, 00:08 fm-end, 00:09 yes, 00:10 silent, 00:11 yes
`);

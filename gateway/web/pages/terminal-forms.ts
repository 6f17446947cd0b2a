/**
 * The terminals page's forms (docs/web.md#terminals): one zod schema per form body, and the fields people type
 * (an effective time in the store's zone, a duration in seconds or minutes) read into what the terminals' functions
 * take, with every problem in Russian words. Pure: the clock and the zone come in.
 */
import { z } from "zod";
import type { QuestionKind } from "../../../protocol/schemas.ts";
import { GatewayError } from "../../errors.ts";
import { TIMING, type TimingKey } from "../../terminals/manage.ts";
import { decimal, NBSP } from "../../format/ru.ts";
import { parseTime } from "../../time/zone.ts";
import { formNumber } from "./change.ts";

const text = (max: number) => z.string().max(max).default("");
const csrf = { _csrf: z.string().optional() };

export const identifyForm = z.object({ serial: text(100), ...csrf });
export const pairForm = z.object({ serial: text(100), store: text(100), point: text(100), question: text(20), text: text(500), employee: text(200), terminal: text(100), ...csrf });
export const unpairForm = z.object({ serial: text(100), ...csrf });
export const replaceForm = z.object({ old: text(100), new: text(100), ...csrf });
export const questionForm = z.object({ question: text(20), text: text(500), from: text(100), ...csrf });
export const employeeForm = z.object({ employee: text(200), from: text(100), ...csrf });
export const timingForm = z.object({ windowMs: text(20), longMs: text(20), fmMaxMs: text(20), from: text(100), ...csrf });

/** The question kinds as the page names them (the index each one feeds, ../shared/methodology.md). */
export const QUESTION_TITLE: Record<QuestionKind, string> = {
  staff: "о персонале (ИНК@Персонал)",
  office: "об офисе (ИНК@Офис)",
  recommend: "о рекомендации (ИЭЛ)",
};

export function questionKind(value: string): QuestionKind {
  if (value in QUESTION_TITLE) return value as QuestionKind;
  throw new GatewayError("invalid", "Выберите вид ключевого вопроса: о персонале, об офисе или о рекомендации.");
}

/** A point or store id as pairing takes it, checked here so that the words are Russian. */
export function idPart(value: string, what: string): string {
  const v = value.trim();
  if (!v) throw new GatewayError("invalid", `Укажите ${what}.`);
  if (!/^[A-Za-z0-9._-]{1,32}$/.test(v)) throw new GatewayError("invalid", `${what[0]!.toUpperCase()}${what.slice(1)} «${v}»: только латинские буквы, цифры, точка, дефис и подчёркивание, до 32 знаков (например till-2).`);
  return v;
}

/** An employee's name or id as typed; empty: nobody on duty. */
export function employeeName(value: string): string | null {
  const v = value.trim();
  if (!v) return null;
  if (v.length > 100 || /[\x00-\x1f\x7f]/.test(v)) throw new GatewayError("invalid", `Сотрудник «${v.slice(0, 40)}»: до 100 знаков, без управляющих символов.`);
  return v;
}

/** The effective time typed on the page: empty or «сейчас» for now, else `ГГГГ-ММ-ДД ЧЧ:ММ` in the store's zone (or an ISO time). */
export function effectiveTime(value: string, tz: string, now: number): number {
  const v = value.trim();
  if (!v || v.toLowerCase() === "сейчас") return now;
  const t = parseTime(v, tz, now);
  if (t === undefined) throw new GatewayError("invalid", `Время «${v}» не понято: введите ГГГГ-ММ-ДД ЧЧ:ММ по времени магазина (${tz}), например 2026-11-20 09:00, или оставьте пустым, чтобы с этого момента.`);
  return t;
}

/** The unit each timing setting is typed in on the page, and its Russian name. */
export const TIMING_FIELDS: Record<Exclude<TimingKey, "heartbeatMs">, { title: string; unit: "с" | "мин"; unitMs: number }> = {
  windowMs: { title: "Окно опроса", unit: "с", unitMs: 1000 },
  longMs: { title: "Длинное нажатие", unit: "с", unitMs: 1000 },
  fmMaxMs: { title: "Максимум форс-мажора", unit: "мин", unitMs: 60_000 },
};

/** `ms` in the field's unit, as the field shows it: «45», «2,5». */
export function inUnit(key: keyof typeof TIMING_FIELDS, ms: number): string {
  const v = ms / TIMING_FIELDS[key].unitMs;
  return Number.isInteger(v) ? String(v) : decimal(v, 2).replace(/0$/, "");
}

/** A timing field read into ms within what the device accepts (docs/protocol.md "config"), or an error in words. */
export function timingValue(key: keyof typeof TIMING_FIELDS, value: string): number {
  const f = TIMING_FIELDS[key];
  const { min, max } = TIMING[key];
  const range = `от ${inUnit(key, min)} до ${inUnit(key, max)}${NBSP}${f.unit}`;
  const n = formNumber(value);
  if (n === undefined) throw new GatewayError("invalid", `${f.title}: «${value.trim()}» не число; введите ${f.unit === "с" ? "секунды" : "минуты"}, ${range}.`);
  const ms = Math.round(n * f.unitMs);
  if (ms < min || ms > max) throw new GatewayError("invalid", `${f.title}: ${value.trim()}${NBSP}${f.unit} вне допустимого: ${range} (столько принимает устройство).`);
  return ms;
}

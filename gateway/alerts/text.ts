/**
 * What people read of an alert, in Russian (docs/alerts.md#messages): the subject, the rule and the figure, with
 * decimal commas. Pure.
 */
import { INDEX_TITLE } from "../indices/formulas.ts";
import type { Judged } from "./decide.ts";
import type { Rule } from "./rules.ts";

const num = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(1)).replace(".", ",").replace("-", "−");

/** Russian plural: one, few, many (1 опрос, 2 опроса, 5 опросов). */
export function plural(n: number, one: string, few: string, many: string): string {
  const a = Math.abs(n) % 100;
  const b = a % 10;
  if (a > 10 && a < 20) return many;
  if (b === 1) return one;
  if (b >= 2 && b <= 4) return few;
  return many;
}

/** `terminal:s1.till-1` → `терминал s1.till-1`. */
export function subjectText(subject: string): string {
  const [kind, ...rest] = subject.split(":");
  const id = rest.join(":");
  const word = kind === "store" ? "магазин" : kind === "employee" ? "сотрудник" : kind === "device" ? "устройство" : "терминал";
  return `${word} ${id}`;
}

/** The rule in words: «ИНК@Персонал выше 30 % за день (не менее 10 опросов)». */
export function ruleText(rule: Rule): string {
  switch (rule.kind) {
    case "index":
      return `${INDEX_TITLE[rule.index]} ${rule.op === "above" ? "выше" : "ниже"} ${num(rule.threshold)} % ${rule.window === "day" ? "за день" : "за последний час"} (не менее ${rule.minSample} ${plural(rule.minSample, "опроса", "опросов", "опросов")})`;
    case "fm-level":
      return `уровень форс-мажора за день выше ${num(rule.threshold)} % (не менее ${rule.minSample} ${plural(rule.minSample, "опроса", "опросов", "опросов")})`;
    case "offline":
      return `терминал не на связи ${rule.minutes} ${plural(rule.minutes, "минуту", "минуты", "минут")} и дольше`;
    case "outbox":
      return `в очереди устройства ${rule.depth} ${plural(rule.depth, "неотправленное событие", "неотправленных события", "неотправленных событий")} и больше`;
    case "flags":
      return `${rule.flag === "silent-run" ? "опросов в серии молчунов" : "слишком быстрых ответов"} за день ${rule.count} и больше`;
  }
}

/** The figure now, in words. */
export function valueText(rule: Rule, j: Pick<Judged, "value" | "sample">): string {
  if (j.value === null) return "нет данных";
  const sample = j.sample === null ? "" : ` (${j.sample} ${plural(j.sample, "опрос", "опроса", "опросов")})`;
  switch (rule.kind) {
    case "index":
    case "fm-level":
      return `${num(j.value)} %${sample}`;
    case "offline":
      return `${j.value} ${plural(j.value, "минуту", "минуты", "минут")} без связи`;
    case "outbox":
      return `${j.value} ${plural(j.value, "событие", "события", "событий")} в очереди`;
    case "flags":
      return `${j.value} ${plural(j.value, "опрос", "опроса", "опросов")}`;
  }
}

/** The alert's one line, stored with it: «терминал s1.till-1: ИНК@Персонал выше 30 % за день …: сейчас 45,0 % (12 опросов)». */
export function alertMessage(rule: Rule, j: Judged): string {
  return `${subjectText(j.subject)}: ${ruleText(rule)}; сейчас ${valueText(rule, j)}`;
}

/** The e-mail subject of an alert opened or closed on recovery. */
export function mailSubject(event: "opened" | "closed", ruleName: string, subject: string): string {
  return `${event === "opened" ? "Тревога" : "Снята тревога"}: ${ruleName} — ${subjectText(subject)}`;
}

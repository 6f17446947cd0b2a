/** The terminals and alerts pages' form fields read into settings and rules, table-driven: values, and errors in words. */
import { describe, expect, it } from "vitest";
import { ruleFromForm, ruleForm } from "../../gateway/web/pages/alert-forms.ts";
import { effectiveTime, employeeName, idPart, timingValue } from "../../gateway/web/pages/terminal-forms.ts";

const NOW = Date.parse("2026-11-20T12:00:00Z");
const error = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  return "no error";
};

describe("terminal forms", () => {
  it.each([
    ["windowMs", "45", 45_000],
    ["windowMs", "2,5", 2_500],
    ["longMs", "1.5", 1_500],
    ["fmMaxMs", "20", 1_200_000],
  ] as const)("%s %j is %i ms", (key, text, ms) => expect(timingValue(key, text)).toBe(ms));

  it.each([
    ["windowMs", "долго", "Окно опроса: «долго» не число; введите секунды, от 1 до 600\u00a0с."],
    ["windowMs", "0,5", "Окно опроса: 0,5\u00a0с вне допустимого: от 1 до 600\u00a0с (столько принимает устройство)."],
    ["fmMaxMs", "2000", "Максимум форс-мажора: 2000\u00a0мин вне допустимого: от 1 до 1440\u00a0мин (столько принимает устройство)."],
  ] as const)("%s %j is refused in words", (key, text, words) => expect(error(() => timingValue(key, text))).toBe(words));

  it.each([
    ["", NOW],
    ["сейчас", NOW],
    ["2026-11-21 09:00", Date.parse("2026-11-21T06:00:00Z")],
    ["2026-11-21T09:00:00Z", Date.parse("2026-11-21T09:00:00Z")],
  ])("effective time %j in Moscow", (text, ms) => expect(effectiveTime(text, "Europe/Moscow", NOW)).toBe(ms));

  it("says what an effective time looks like", () => {
    expect(error(() => effectiveTime("завтра", "Europe/Moscow", NOW))).toBe(
      "Время «завтра» не понято: введите ГГГГ-ММ-ДД ЧЧ:ММ по времени магазина (Europe/Moscow), например 2026-11-20 09:00, или оставьте пустым, чтобы с этого момента.",
    );
    expect(error(() => idPart("касса 2", "место обслуживания"))).toContain("Место обслуживания «касса 2»: только латинские буквы");
    expect(employeeName("  ")).toBeNull();
    expect(employeeName(" elena ")).toBe("elena");
  });
});

describe("alert rule forms", () => {
  const form = (o: Record<string, string>) => ruleForm.parse(o);
  it.each([
    [{ kind: "offline", minutes: "15", terminal: "s1.till" }, { kind: "offline", minutes: 15, scope: { stores: [], terminals: ["s1.till"] }, email: [] }],
    [
      { kind: "index", index: "inkStaff", op: "above", threshold: "30,5", window: "day", per: "store", email: "a@example.com, b@example.com" },
      { kind: "index", index: "inkStaff", op: "above", threshold: 30.5, window: "day", per: "store", scope: { stores: [], terminals: [] }, email: ["a@example.com", "b@example.com"] },
    ],
  ])("%j", (fields, rule) => expect(ruleFromForm(form(fields))).toEqual(rule));

  it.each([
    [{ kind: "" }, "Выберите вид правила."],
    [{ kind: "offline" }, "Правило не добавлено: минут без связи: не заполнено."],
    [{ kind: "outbox", depth: "много" }, "Правило не добавлено: событий в очереди: «много» не число."],
    [{ kind: "index", index: "inkStaff", op: "below", threshold: "150" }, "Правило не добавлено: порог, %: не больше 100."],
    [{ kind: "offline", minutes: "5", webhook: "ftp://x" }, "Правило не добавлено: веб-хук: адрес http:// или https://."],
  ])("%j is refused in words", (fields, words) => expect(error(() => ruleFromForm(form(fields)))).toBe(words));
});

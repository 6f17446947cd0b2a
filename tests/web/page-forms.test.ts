/**
 * The terminals and alerts pages' form fields read into settings and rules, table-driven: values, and errors in words;
 * the refusals of the gateway's core (English for the CLI and the API) as the pages show them, in Russian, made by the
 * real functions on a real SQLite file.
 */
import { describe, expect, it } from "vitest";
import { ackAlert, addRule, closeAlert, commentAlert, removeRule } from "../../gateway/alerts/manage.ts";
import { GatewayError } from "../../gateway/errors.ts";
import { reviewSurvey } from "../../gateway/review/actions.ts";
import { pair, unpair } from "../../gateway/terminals/manage.ts";
import { addStore } from "../../gateway/terminals/stores.ts";
import { errorWords } from "../../gateway/web/error-words.ts";
import { addUser } from "../../gateway/web/users.ts";
import { heard, tempStore } from "../support/store.ts";
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

describe("errors on pages are in Russian", () => {
  const store = tempStore();
  const who = { by: "petr", now: NOW };
  const actor = { by: "admin", userId: null, via: "cli" as const };
  heard(store, "DEV-1");
  heard(store, "DEV-2");
  addStore(store, { id: "s1", timeZone: "Europe/Moscow", name: "Тверская" }, NOW);
  pair(store, { serial: "DEV-1", store: "s1", point: "till-1", question: "staff" }, NOW);
  const rule = addRule(store, { kind: "offline", minutes: 5 }, who).id;
  const alert = store.alerts.open(rule, "terminal:s1.till-1", 10, "молчит", NOW);
  ackAlert(store, alert, undefined, who);
  /** The English refusal the core gives the CLI and the API, and the words a page shows for it. */
  const refusal = async (fn: () => unknown) => {
    try {
      await fn();
    } catch (e) {
      if (!(e instanceof GatewayError)) throw e;
      return { english: e.message, page: errorWords(e) };
    }
    throw new Error("no refusal");
  };

  it.each([
    ["ack twice", () => ackAlert(store, alert, undefined, who), "Оповещение 1 уже принято (petr)."],
    ["no such alert", () => closeAlert(store, { kOn: () => 1 }, 99, undefined, who), "Оповещения 99 нет."],
    ["an empty comment", () => commentAlert(store, alert, "  ", who), "Комментарий: от 1 до 2000 знаков."],
    ["a rule for a terminal that is gone", () => addRule(store, { kind: "offline", minutes: 5, scope: { terminals: ["s1.till-9"] } }, who), "Правило не добавлено: терминала «s1.till-9» нет (его уже удалили?)."],
    ["remove a removed rule", () => removeRule(store, 42, who), "Правила 42 нет (его уже удалили?)."],
    ["pair a paired device", () => pair(store, { serial: "DEV-1", store: "s1", point: "till-2", question: "staff" }, NOW), "Устройство DEV-1 уже привязано к терминалу s1.till-1: сначала отвяжите его или замените."],
    ["pair to an existing terminal's point", () => pair(store, { serial: "DEV-2", store: "s1", point: "till-1", question: "staff" }, NOW), "Терминал s1.till-1 уже есть: выберите его в поле «присоединить к терминалу» или замените устройство."],
    ["unpair a device never paired", () => unpair(store, "DEV-2", NOW), "Устройство DEV-2 не привязано (его уже отвязали?)."],
    ["review a survey that is not there", () => reviewSurvey(store, 777, false, "нет", who), "Опроса 777 нет."],
    ["a short password", () => addUser(store, { login: "ivan", roles: "expert", password: "short" }, actor, NOW), "Пароль: не короче 8 знаков."],
    ["a login with a space", () => addUser(store, { login: "ivan petrov", roles: "expert", password: "long-enough-pw" }, actor, NOW), "Логин «ivan petrov»: от 1 до 64 букв, цифр, точек, дефисов, подчёркиваний или @, без пробелов."],
    ["an unknown role", () => addUser(store, { login: "ivan", roles: "boss", password: "long-enough-pw" }, actor, NOW), "Роли «boss» нет."],
  ])("%s", async (_, fn, words) => {
    const r = await refusal(fn);
    expect(r.english).toMatch(/^[\x20-\x7e]/);
    expect(r.page).toBe(words);
  });

  it("keeps a page's own Russian words, and gives words for the code of anything it does not know", () => {
    expect(errorWords(new GatewayError("invalid", "Выберите магазин."))).toBe("Выберите магазин.");
    expect(errorWords(new GatewayError("conflict", "something new went wrong"))).toBe("Не выполнено: это уже изменили. Обновите страницу.");
    expect(errorWords(new GatewayError("invalid", 'form: name: too long'))).toMatch(/^Форма не принята/);
    for (const code of ["invalid", "not_found", "conflict", "forbidden", "disk_full", "corrupt", "no_port"] as const) expect(errorWords(new GatewayError(code, "x"))).toMatch(/^[А-Я]/);
  });
});

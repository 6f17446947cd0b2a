/**
 * A GatewayError as the web app's pages show it: in Russian (docs/web.md#errors). The gateway's core answers the
 * CLI and the JSON API in English, naming the value at fault; a page shows the same refusal through this table. A
 * message the page itself wrote in Russian is kept; an English one matched here is translated with its values; any
 * other gets words for its code, so no English reaches a page. Pure.
 */
import type { GatewayError } from "../errors.ts";

type Words = (m: RegExpMatchArray) => string;

const DEVICE: Record<string, string> = { device: "устройство", keypad: "клавиатура покупателя", seller: "кнопка продавца" };

/** English message (start) → Russian; the first match wins, so the more special pattern comes first. */
export const ERROR_WORDS: readonly (readonly [RegExp, Words])[] = [
  /* gateway/alerts/manage.ts */
  [/^no alert rule (\d+)/, (m) => `Правила ${m[1]} нет (его уже удалили?).`],
  [/^no alert (\d+)/, (m) => `Оповещения ${m[1]} нет.`],
  [/^alert (\d+) is already acknowledged by (.+)$/, (m) => `Оповещение ${m[1]} уже принято (${m[2]}).`],
  [/^alert (\d+) is (?:already )?closed$/, (m) => `Оповещение ${m[1]} уже закрыто.`],
  [/^comment: 1 to 2000 characters/, () => "Комментарий: от 1 до 2000 знаков."],
  [/^by: who does it/, () => "Не указано, кто это делает."],
  [/^rule: scope\.stores: no store "(.+?)"/, (m) => `Правило не добавлено: магазина «${m[1]}» нет.`],
  [/^rule: scope\.terminals: no terminal "(.+?)"/, (m) => `Правило не добавлено: терминала «${m[1]}» нет (его уже удалили?).`],
  [/^rule: /, () => "Правило не добавлено: проверьте поля формы."],
  /* gateway/terminals/manage.ts, stores.ts */
  [/^device (\S+) has never been heard/, (m) => `Устройство ${m[1]} ещё ни разу не выходило на связь: подключите его и дождитесь приветствия.`],
  [/^device (\S+) is already paired to terminal (\S+?);/, (m) => `Устройство ${m[1]} уже привязано к терминалу ${m[2]}: сначала отвяжите его или замените.`],
  [/^device (\S+) is already paired/, (m) => `Устройство ${m[1]} уже привязано: сначала отвяжите его.`],
  [/^device (\S+) is not paired/, (m) => `Устройство ${m[1]} не привязано (его уже отвязали?).`],
  [/^device (\S+) is a seller button/, (m) => `Устройство ${m[1]} — кнопка продавца: присоедините его к терминалу его клавиатуры.`],
  [/^device (\S+) is a (\S+) but (\S+) plays (\S+) in (\S+)/, (m) => `Устройство ${m[1]} (${DEVICE[m[2]!] ?? m[2]}) не заменит ${m[3]}: в терминале ${m[5]} это ${DEVICE[m[4]!] ?? m[4]}.`],
  [/^terminal (\S+) does not exist/, (m) => `Терминала ${m[1]} нет (его уже удалили?).`],
  [/^terminal (\S+) already has a (\S+?);/, (m) => `У терминала ${m[1]} уже есть ${DEVICE[m[2]!] ?? m[2]}: замените её, а не привязывайте ещё одну.`],
  [/^terminal (\S+) exists;/, (m) => `Терминал ${m[1]} уже есть: выберите его в поле «присоединить к терминалу» или замените устройство.`],
  [/^store (\S+) does not exist/, (m) => `Магазина ${m[1]} нет; выберите магазин из списка.`],
  /* gateway/review/actions.ts */
  [/^no survey (\d+)/, (m) => `Опроса ${m[1]} нет.`],
  [/^no force-majeure period (\d+)/, (m) => `Периода форс-мажора ${m[1]} нет.`],
  [/^a survey is marked invalid with a reason/, () => "Укажите причину, по которой опрос не учитывается."],
  [/^the corrected end must be after the period's start and within (\d+) h/, (m) => `Исправленный конец должен быть позже начала периода и не дальше ${m[1]} ч от него.`],
  [/^no review (\d+)/, (m) => `Проверки ${m[1]} нет.`],
  [/^review (\d+) was undone already by review (\d+)/, (m) => `Проверка ${m[1]} уже отменена (проверкой ${m[2]}).`],
  [/^review (\d+) is an undo itself/, (m) => `Проверка ${m[1]} сама отмена: проверьте опрос или период заново.`],
  [/^review (\d+) was followed by review (\d+)/, (m) => `После проверки ${m[1]} была проверка ${m[2]} того же: сначала отмените её.`],
  /* gateway/web/users.ts, password.ts, roles.ts */
  [/^login "(.*)": 1 to 64/s, (m) => `Логин «${m[1]}»: от 1 до 64 букв, цифр, точек, дефисов, подчёркиваний или @, без пробелов.`],
  [/^a password has at least (\d+) characters/, (m) => `Пароль: не короче ${m[1]} знаков.`],
  [/^a password has at most (\d+) characters/, (m) => `Пароль: не длиннее ${m[1]} знаков.`],
  [/^no user "(.+?)"/, (m) => `Пользователя «${m[1]}» нет.`],
  [/^a user "(.+?)" exists already/, (m) => `Пользователь «${m[1]}» уже есть: смените ему пароль или роли.`],
  [/^(\S+) is the only admin and cannot be removed/, (m) => `${m[1]} — единственный администратор, его нельзя удалить: сначала назначьте администратором кого-то ещё.`],
  [/^(\S+) is the only admin/, (m) => `${m[1]} — единственный администратор: сначала назначьте администратором кого-то ещё.`],
  [/^\S+: give at least one role/, () => "Выберите хотя бы одну роль."],
  [/^\S+: unknown role "(.+?)"/, (m) => `Роли «${m[1]}» нет.`],
  /* gateway/http/schemas.ts: a form the page did not draw (a field too long, one missing or one more) */
  [/^(?:form|body|query): /, () => "Форма не принята: поля не те, что на странице. Обновите страницу и заполните её снова."],
];

/** Words for each code when no pattern matched. */
const BY_CODE: Record<string, string> = {
  invalid: "Не выполнено: значение не подходит. Проверьте поля формы.",
  not_found: "Не выполнено: этого уже нет. Обновите страницу.",
  conflict: "Не выполнено: это уже изменили. Обновите страницу.",
  forbidden: "Нет доступа.",
  disk_full: "Не выполнено: диск шлюза заполнен. Сообщите администратору.",
  corrupt: "Не выполнено: база данных шлюза повреждена. Сообщите администратору.",
};

/** True when the message begins with a Russian word (a page's own refusal). */
const russian = (text: string) => /^[^\p{L}]*[\u0400-\u04FF]/u.test(text);

/** The error's words for a page. */
export function errorWords(e: Pick<GatewayError, "code" | "message">): string {
  if (russian(e.message)) return e.message;
  for (const [re, words] of ERROR_WORDS) {
    const m = e.message.match(re);
    if (m) return words(m);
  }
  return BY_CODE[e.code] ?? "Не выполнено: ошибка шлюза. Сообщите администратору.";
}

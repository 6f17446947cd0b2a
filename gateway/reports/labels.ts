/** The names users see in reports: the methodology's Russian terms (../shared/methodology.md). */
import type { Dimension } from "./schema.ts";

export const DIMENSION_TITLE: Record<Dimension, string> = {
  region: "Регион",
  store: "Магазин",
  terminal: "Терминал",
  employee: "Сотрудник",
  question: "Ключевой вопрос",
  day: "День",
  week: "Неделя",
  month: "Месяц",
};

export const L = {
  index: "Индекс",
  value: "Значение, %",
  low: "Нижняя граница 95 %",
  high: "Верхняя граница 95 %",
  sample: "Выборка",
  small: "Малая выборка",
  yes: "Да",
  no: "Нет",
  unsure: "Затрудняюсь ответить",
  silent: "Молчуны",
  total: "Опрошено",
  noFm: "Нет (форс-мажор)",
  silentFm: "Молчуны (форс-мажор)",
  conversion: "Точная конверсия, %",
  coverage: "Коэффициент охвата посетителей, %",
  fmLevel: "Уровень форс-мажора, %",
  fmWarning: "Предупреждение о форс-мажоре",
  transactions: "Транзакции",
  visitors: "Посетители",
  unsolicited: "Непрошеные нажатия",
  extra: "Лишние нажатия",
  invalid: "Недействительные опросы",
  flagged: "Опросы с пометками",
  fmUnreviewed: "Форс-мажор на проверке",
  fmConfirmed: "Форс-мажор подтверждён",
  diagnosis: "Диагноз",
  noData: "нет данных",
  yesWord: "да",
  noWord: "нет",
  all: "Итого",
} as const;

/** A percent with one decimal, or «нет данных». */
export function percentText(v: number | null, decimalComma = false): string {
  if (v === null) return L.noData;
  const t = (Object.is(v, -0) ? 0 : v).toFixed(1);
  return decimalComma ? t.replace(".", ",") : t;
}

/**
 * Numbers, counts, days and times as a Russian reader expects them, for the HTML report and the web pages: plural
 * forms by CLDR's rules (Intl.PluralRules), decimal commas (Intl.NumberFormat ru-RU), local times in a store's
 * zone. Pure: no clock, the zone comes in as an argument. Machine formats (JSON, and CSV with `--separator ,`) keep
 * dot decimals and ISO times (docs/reports.md).
 */

/** The three Russian forms of a noun after a number: one (1, 21 период), few (2-4, 22 периода), many (5-20, 0 периодов). */
export interface PluralForms {
  one: string;
  few: string;
  many: string;
}

const rules = new Intl.PluralRules("ru");

/**
 * The form of `forms` that goes with `n`. CLDR's "other" (fractions: «1,5 дня») takes the genitive singular, which is
 * the few form.
 */
export function plural(n: number, forms: PluralForms): string {
  const c = rules.select(n);
  return c === "one" ? forms.one : c === "few" || c === "other" ? forms.few : forms.many;
}

/** `n` and the noun in its form: «1 период», «2 периода», «5 периодов». */
export function count(n: number, forms: PluralForms): string {
  return `${integer(n)} ${plural(n, forms)}`;
}

/** Nouns the reports count. */
export const NOUNS = {
  day: { one: "день", few: "дня", many: "дней" },
  period: { one: "период", few: "периода", many: "периодов" },
  survey: { one: "опрос", few: "опроса", many: "опросов" },
  /** The verb after «N периодов форс-мажора»: «1 период ждёт», «2 периода ждут». */
  awaits: { one: "ждёт", few: "ждут", many: "ждут" },
} as const satisfies Record<string, PluralForms>;

const decimals = new Map<number, Intl.NumberFormat>();
function numberFormat(digits: number): Intl.NumberFormat {
  let f = decimals.get(digits);
  if (!f) {
    f = new Intl.NumberFormat("ru-RU", { minimumFractionDigits: digits, maximumFractionDigits: digits });
    decimals.set(digits, f);
  }
  return f;
}

/** `v` with `digits` decimals, a decimal comma and a no-break space between thousands («1 234,5»); never «-0,0». */
export function decimal(v: number, digits = 1): string {
  const text = numberFormat(digits).format(v);
  return /^-0(,0*)?$/.test(text) ? text.slice(1) : text;
}

/** A whole number with Russian digit grouping («12 345»). */
export function integer(n: number): string {
  return numberFormat(0).format(n);
}

/** No break between a number and its unit, so «23,6 %» never wraps. */
export const NBSP = "\u00a0";

/** A percent with one decimal and its sign («23,6 %»), or `none` («нет данных») for null. */
export function percent(v: number | null, none = "нет данных"): string {
  return v === null ? none : `${decimal(v)}${NBSP}%`;
}

/** A store-local day `YYYY-MM-DD` as «20.11.2026»; `short` gives «20.11» (chart axes). */
export function day(isoDay: string, short = false): string {
  const [y, m, d] = isoDay.split("-");
  return short ? `${d}.${m}` : `${d}.${m}.${y}`;
}

const dateTimes = new Map<string, Intl.DateTimeFormat>();

/** The local time of `epochMs` in the IANA zone `tz`, to the minute: «21.11.2026, 09:00». */
export function dateTime(epochMs: number, tz: string): string {
  let f = dateTimes.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("ru-RU", { timeZone: tz, day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    dateTimes.set(tz, f);
  }
  return f.format(new Date(epochMs));
}

const upTo3 = new Intl.NumberFormat("ru-RU", { maximumFractionDigits: 3 });

/** A number with as many decimals as it has, up to three, and a decimal comma: 0.8 → «0,8», 10 → «10». */
export function plain(v: number): string {
  const text = upTo3.format(v);
  return text === "-0" ? "0" : text;
}

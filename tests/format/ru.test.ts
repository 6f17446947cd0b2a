/** The Russian formatters: expected values come from the rules of the language, not from the code's output. */
import { describe, expect, it } from "vitest";
import { count, dateTime, day, decimal, integer, NBSP, NOUNS, percent, plain, plural } from "../../gateway/format/ru.ts";

/** The school-grammar rule for a whole number: 1, 21, 101 take the one form (not 11, 111); 2-4, 22-24 few (not 12-14); the rest many. */
function grammarForm(n: number): "one" | "few" | "many" {
  const last = n % 10;
  const lastTwo = n % 100;
  if (last === 1 && lastTwo !== 11) return "one";
  if (last >= 2 && last <= 4 && (lastTwo < 12 || lastTwo > 14)) return "few";
  return "many";
}

describe("plural forms", () => {
  it("follow the grammar rule for every whole number up to 1000", () => {
    for (let n = 0; n <= 1000; n++) expect(plural(n, NOUNS.period), String(n)).toBe(NOUNS.period[grammarForm(n)]);
  });

  it("say the number with its noun, and the verb agrees", () => {
    expect(count(1, NOUNS.period)).toBe("1 период");
    expect(count(2, NOUNS.period)).toBe("2 периода");
    expect(count(5, NOUNS.period)).toBe("5 периодов");
    expect(count(11, NOUNS.day)).toBe("11 дней");
    expect(count(21, NOUNS.day)).toBe("21 день");
    expect(count(30, NOUNS.day)).toBe("30 дней");
    expect(count(0, NOUNS.survey)).toBe("0 опросов");
    expect(plural(1, NOUNS.awaits)).toBe("ждёт");
    expect(plural(3, NOUNS.awaits)).toBe("ждут");
  });

  it("take the genitive singular after a fraction («1,5 дня»)", () => {
    expect(plural(1.5, NOUNS.day)).toBe("дня");
    expect(plural(0.5, NOUNS.day)).toBe("дня");
  });
});

describe("numbers", () => {
  it("use a decimal comma and a no-break space between thousands", () => {
    expect(decimal(23.6)).toBe("23,6");
    expect(decimal(100)).toBe("100,0");
    expect(decimal(-12.5)).toBe("-12,5");
    expect(decimal(1234.5)).toBe(`1${NBSP}234,5`);
    expect(decimal(0.25, 2)).toBe("0,25");
    expect(integer(12345)).toBe(`12${NBSP}345`);
    expect(count(12345, NOUNS.survey)).toBe(`12${NBSP}345 опросов`);
  });

  it("never show a negative zero", () => {
    expect(decimal(-0)).toBe("0,0");
    expect(decimal(-0.04)).toBe("0,0");
    expect(plain(-0.0001)).toBe("0");
  });

  it("give percents with their sign kept on the same line, and «нет данных» for none", () => {
    expect(percent(23.6)).toBe(`23,6${NBSP}%`);
    expect(percent(-7)).toBe(`-7,0${NBSP}%`);
    expect(percent(null)).toBe("нет данных");
    expect(percent(null, "—")).toBe("—");
  });

  it("write a plain number with only the decimals it has", () => {
    expect(plain(0.8)).toBe("0,8");
    expect(plain(10)).toBe("10");
    expect(plain(0.125)).toBe("0,125");
  });
});

describe("days and times", () => {
  it("write a store-local day as day.month.year", () => {
    expect(day("2026-11-20")).toBe("20.11.2026");
    expect(day("2026-01-05", true)).toBe("05.01");
  });

  it("give the local time in the store's zone, not UTC", () => {
    const at = Date.parse("2026-11-21T06:00:00Z");
    /* Moscow is UTC+3 all year; Vladivostok UTC+10. */
    expect(dateTime(at, "Europe/Moscow")).toBe("21.11.2026, 09:00");
    expect(dateTime(at, "Asia/Vladivostok")).toBe("21.11.2026, 16:00");
    /* Late evening UTC is already the next local day in Moscow. */
    expect(dateTime(Date.parse("2026-11-21T22:30:00Z"), "Europe/Moscow")).toBe("22.11.2026, 01:30");
    /* Berlin: UTC+2 in summer, UTC+1 in winter. */
    expect(dateTime(Date.parse("2026-07-01T12:00:00Z"), "Europe/Berlin")).toBe("01.07.2026, 14:00");
    expect(dateTime(Date.parse("2026-12-01T12:00:00Z"), "Europe/Berlin")).toBe("01.12.2026, 13:00");
  });
});

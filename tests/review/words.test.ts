/** Reviews in words (gateway/review/words.ts), the review desk's filter and its timeline: pure, table-driven. */
import { describe, expect, it } from "vitest";
import { entryInWords, stateInWords } from "../../gateway/review/words.ts";
import type { ReviewLogEntry } from "../../gateway/store/reviews.ts";
import { filterQueryString, parseFilter } from "../../gateway/web/pages/review-filter.ts";
import { timelineSvg } from "../../gateway/web/pages/review-timeline.ts";

const MSK = "Europe/Moscow";
const AT = Date.parse("2026-11-20T08:10:05Z"); /* 11:10:05 in Moscow */

describe("review states in words", () => {
  it.each([
    [{ valid: true, reason: null }, "учитывается"],
    [{ valid: false, reason: "камера: покупателя не было" }, "не учитывается: камера: покупателя не было"],
    [{ status: "unreviewed", endMs: null }, "не проверен"],
    [{ status: "confirmed", endMs: null }, "подтверждён"],
    [{ status: "rejected", endMs: AT }, "отклонён, конец 20.11.2026 11:10:05"],
  ] as const)("%j → %s", (state, words) => {
    expect(stateInWords(state, MSK)).toBe(words);
  });

  it("says who, when in the store's zone, what and the change, and links an undo to what it undid", () => {
    const e: ReviewLogEntry = { id: 7, uid: "u7", undoesUid: "u6", atMs: AT, by: "olga", target: "fm", targetId: 40, terminalId: "s1.till", action: "undo", reason: null, before: { status: "confirmed", endMs: AT }, after: { status: "confirmed", endMs: null }, undoes: 6, undoneBy: null, via: "web", userId: 2 };
    expect(entryInWords(e, MSK)).toEqual({ id: 7, at: "20.11.2026 11:10:05", by: "olga", via: "веб", what: "Период 40, s1.till", action: "отменить", before: "подтверждён, конец 20.11.2026 11:10:05", after: "подтверждён", reason: null, undo: "отмена записи 6" });
    expect(entryInWords({ ...e, target: "survey", action: "invalid", via: null, undoes: null, undoesUid: null, undoneBy: 9, reason: "x", before: { valid: true, reason: null }, after: { valid: false, reason: "x" } }, "UTC")).toMatchObject({ at: "20.11.2026 08:10:05", via: "—", what: "Опрос 40, s1.till", action: "не учитывать", reason: null, undo: "отменено записью 9" });
  });
});

describe("the review desk's filter", () => {
  const now = Date.parse("2026-11-20T22:30:00Z"); /* already the 21st in Moscow */
  it("defaults to today in the zone, keeps what is given and round-trips through the query string", () => {
    expect(parseFilter({}, MSK, now)).toEqual({ ok: true, filter: { day: "2026-11-21" } });
    const r = parseFilter({ day: "2026-11-20", store: " s1 ", terminal: "", answer: "no", flag: "quick", employee: "elena" }, MSK, now);
    expect(r).toEqual({ ok: true, filter: { day: "2026-11-20", store: "s1", employee: "elena", answer: "no", flag: "quick" } });
    expect(parseFilter(Object.fromEntries(new URLSearchParams(filterQueryString(r.filter))), MSK, now)).toEqual(r);
  });
  it.each([
    [{ day: "2026-02-30" }, "День «2026-02-30» не разобран: нужна дата ГГГГ-ММ-ДД."],
    [{ answer: "maybe" }, "Ответ «maybe» неизвестен: да (yes), нет (no), не уверен (unsure) или молчание (silent)."],
    [{ flag: "odd" }, "Отметка «odd» неизвестна: quick, multi, silent-run, unsolicited."],
    [{ store: ["a", "b"] }, "Фильтр не разобран: каждое поле — одна строка до 200 символов."],
  ])("refuses %j in words", (query, error) => {
    expect(parseFilter(query, MSK, now)).toMatchObject({ ok: false, error });
  });
});

describe("the terminal's day timeline", () => {
  it("places surveys and periods by their share of the day and labels every third hour", () => {
    const from = Date.parse("2026-11-19T21:00:00Z");
    const hours = Array.from({ length: 24 }, (_, h) => ({ atMs: from + h * 3_600_000, hour: h }));
    const svg = timelineSvg({
      terminal: "s1.till",
      fromMs: from,
      toMs: from + 24 * 3_600_000,
      hours,
      surveys: [{ id: 5, atMs: from + 6 * 3_600_000, answer: "no", valid: false, time: "06:00:00" }],
      periods: [{ id: 9, startMs: from + 12 * 3_600_000, endMs: from + 18 * 3_600_000, status: "confirmed", text: "12:00:00–18:00:00 · подтверждён" }],
    }).text;
    expect(svg).toContain('<line class="tick no invalid" data-survey="5" x1="250.0" x2="250.0"');
    expect(svg).toContain('<rect class="fm confirmed" data-period="9" x="500.0" y="4" width="250.0"');
    expect(svg.match(/<span style="left: [\d.]+%">/g)).toHaveLength(8);
    expect(svg).toContain('<span style="left: 87.50%">21</span>');
  });
});

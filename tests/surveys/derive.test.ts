import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { derive, restartPoints } from "../../gateway/surveys/derive.ts";
import type { TerminalEvent, TerminalSettings } from "../../gateway/surveys/model.ts";

const S = 1000;
const base: TerminalSettings = {
  questionKind: "staff",
  questionText: "Q",
  employee: "elena",
  windowMs: 30 * S,
  longMs: 3 * S,
  fmMaxMs: 1800 * S,
  heartbeatMs: 60 * S,
};
const settings = () => base;

/** Events from a compact script: [seconds, kind]. Ids follow the script order. */
function script(...steps: [number, TerminalEvent["kind"]][]): TerminalEvent[] {
  return steps.map(([sec, kind], i) => ({ id: i + 1, at: sec * S, kind, device: "D", boot: "b", seq: i + 1 }));
}
const brief = (events: TerminalEvent[]) => {
  const d = derive(events, settings);
  return {
    surveys: d.surveys.map((s) => [s.openedAt / S, s.answer, s.closedAt / S, s.extraEventIds]),
    periods: d.periods.map((p) => [p.start / S, p.end / S, p.endReason]),
    unsolicited: d.unsolicitedEventIds,
  };
};

describe("survey windowing (methodology: Surveys)", () => {
  it.each([
    ["the first key inside the window answers and closes it", script([0, "short"], [5, "yes"]), [[0, "yes", 5, []]], []],
    ["no key inside the window is a silent customer", script([0, "short"], [40, "no"]), [[0, "silent", 30, []]], [2]],
    ["a key exactly at t + W is outside the window", script([0, "short"], [30, "no"]), [[0, "silent", 30, []]], [2]],
    ["a key 1 ms before t + W answers", [...script([0, "short"]), { id: 2, at: 30 * S - 1, kind: "no" as const, device: "D", boot: "b", seq: 2 }], [[0, "no", 29.999, []]], []],
    ["a key at the opening instant answers (seller sorts first)", script([0, "yes"], [0, "short"]).map((e, i) => ({ ...e, id: i + 1 })), [[0, "yes", 0, []]], []],
    ["a short press during an open window closes it silent and opens a new one", script([0, "short"], [10, "short"], [12, "unsure"]), [[0, "silent", 10, []], [10, "unsure", 12, []]], []],
    ["a short press after the answer keeps the first answer", script([0, "short"], [3, "yes"], [10, "short"]), [[0, "yes", 3, []], [10, "silent", 40, []]], []],
    ["keys after the answer until t + W are extra", script([0, "short"], [3, "yes"], [4, "no"], [29, "yes"], [31, "no"]), [[0, "yes", 3, [3, 4]]], [5]],
    ["keys after the answer until the next short press are extra", script([0, "short"], [3, "yes"], [4, "no"], [5, "short"], [6, "no"]), [[0, "yes", 3, [3]], [5, "no", 6, []]], []],
    ["keys with no survey are unsolicited", script([0, "yes"], [1, "no"]), [], [1, 2]],
    ["a long press neither opens nor closes a survey", script([0, "short"], [2, "long"], [5, "no"]), [[0, "no", 5, []]], []],
    ["a stuck button changes nothing", script([0, "short"], [1, "stuck"], [5, "yes"]), [[0, "yes", 5, []]], []],
  ])("%s", (_name, events, surveys, unsolicited) => {
    const got = brief(events);
    expect(got.surveys).toEqual(surveys);
    expect(got.unsolicited).toEqual(unsolicited);
  });

  it("stores the question, employee and window in force when the survey opens", () => {
    const at = (t: number): TerminalSettings => (t < 100 * S ? base : { ...base, questionKind: "office", questionText: "Q2", employee: null, windowMs: 10 * S });
    const d = derive(script([0, "short"], [99, "short"], [100, "short"], [105, "yes"]), at);
    expect(d.surveys.map((s) => [s.questionKind, s.questionText, s.employee, s.windowMs, s.answer])).toEqual([
      ["staff", "Q", "elena", 30000, "silent"],
      ["staff", "Q", "elena", 30000, "silent"],
      ["office", "Q2", null, 10000, "yes"],
    ]);
  });
});

describe("force-majeure periods (methodology: Force-majeure)", () => {
  it.each([
    ["a long press starts a period ended by the next long press", script([0, "long"], [600, "long"]), [[0, 600, "long"]]],
    ["without a second long press it ends after Fmax", script([0, "long"]), [[0, 1800, "max"]]],
    ["a long press after Fmax starts a new period", script([0, "long"], [1800, "long"], [1900, "long"]), [[0, 1800, "max"], [1800, 1900, "long"]]],
    ["long presses toggle", script([0, "long"], [10, "long"], [20, "long"], [30, "long"]), [[0, 10, "long"], [20, 30, "long"]]],
    ["short presses do not end a period", script([0, "long"], [10, "short"], [20, "long"]), [[0, 20, "long"]]],
  ])("%s", (_name, events, periods) => {
    expect(brief(events).periods).toEqual(periods);
  });

  it("takes Fmax from the settings in force when the period starts", () => {
    const at = (t: number): TerminalSettings => ({ ...base, fmMaxMs: t < 50 * S ? 60 * S : 600 * S });
    expect(derive(script([0, "long"], [100, "long"]), at).periods.map((p) => [p.end / S, p.endReason])).toEqual([
      [60, "max"],
      [700, "max"],
    ]);
  });
});

/* A random day of one terminal: two devices (keypad and seller button), presses at coarse times so ties happen. */
const eventsArb = fc
  .array(
    fc.record({
      at: fc.integer({ min: 0, max: 400 }).map((t) => t * 5 * S),
      kind: fc.constantFrom("short", "short", "long", "yes", "no", "unsure", "stuck" as const),
      device: fc.constantFrom("keypad", "seller"),
    }),
    { maxLength: 80 },
  )
  .map((list) => list.map((e, i) => ({ ...e, id: i + 1, boot: "b1", seq: i + 1 }) as TerminalEvent));

describe("derivation does not depend on arrival", () => {
  it("gives identical surveys for shuffled arrival orders with duplicates", () => {
    fc.assert(
      fc.property(eventsArb, fc.array(fc.nat()), fc.array(fc.nat(), { maxLength: 20 }), (events, order, dups) => {
        const shuffled = events.map((e, i) => ({ e, k: order[i] ?? i })).sort((a, b) => a.k - b.k).map((x) => x.e);
        const withDups = [...shuffled, ...dups.filter((d) => events.length > 0).map((d) => events[d % events.length] as TerminalEvent)];
        expect(derive(withDups, settings)).toEqual(derive(events, settings));
      }),
      { numRuns: 2000 },
    );
  });

  it("re-deriving surveys and periods from their restart points after a late event equals deriving everything", () => {
    fc.assert(
      fc.property(eventsArb, fc.nat(), (events, pick) => {
        fc.pre(events.length > 1);
        const late = events[pick % events.length] as TerminalEvent;
        const before = derive(events.filter((e) => e !== late), settings);
        /* As in the store: the late event is already in the log when the restart points are looked up. */
        const { surveysFrom, periodsFrom } = restartPoints(late.at, events.filter((e) => e.kind === "short").map((e) => e.at), before.periods);
        const surveys = derive(events.filter((e) => e.at >= surveysFrom && e.kind !== "long"), settings);
        const periods = derive(events.filter((e) => e.at >= periodsFrom && e.kind === "long"), settings);
        const full = derive(events, settings);
        expect([...before.surveys.filter((s) => s.openedAt < surveysFrom), ...surveys.surveys]).toEqual(full.surveys);
        expect([...before.periods.filter((p) => p.start < periodsFrom), ...periods.periods]).toEqual(full.periods);
        const keptUnsolicited = before.unsolicitedEventIds.filter((id) => (events.find((e) => e.id === id) as TerminalEvent).at < surveysFrom);
        expect([...keptUnsolicited, ...surveys.unsolicitedEventIds]).toEqual(full.unsolicitedEventIds);
      }),
      { numRuns: 3000 },
    );
  });
});

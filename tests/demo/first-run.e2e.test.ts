/**
 * The first-run path headless (docs/demo.md, "`npm start`: the first run"): a real gateway (SQLite file, embedded broker), the demo's
 * two terminals running the built firmware bundle in the simulator, one over a socat pseudo-terminal and one over
 * MQTT; they pair, replay yesterday's scripted day and press live. The surveys and force-majeure periods stored
 * must be the ones the script (gateway/demo/day.ts) says, for both terminals.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Gateway } from "../../gateway/app.ts";
import { DEMO_TERMINALS, expectedDay, LIVE_LOOP, localDateBefore, type DemoTerminalSpec, type LocalDate } from "../../gateway/demo/day.ts";
import { startDemo, type Demo } from "../../gateway/demo/demo.ts";
import { silentLogger } from "../../gateway/log.ts";
import { localToEpoch } from "../../gateway/time/zone.ts";
import { main } from "../../gateway/cli/main.ts";
import { isoDate } from "../../gateway/demo/day.ts";
import { HISTORY_LINK } from "../../gateway/demo/history-load.ts";
import { testGateway } from "../support/gateway.ts";
import { waitFor } from "../../gateway/testkit/wait.ts";

const TZ = "Europe/Moscow";
const TIMING = { windowMs: 30_000, longMs: 3000, fmMaxMs: 1_800_000, heartbeatMs: 60_000 };
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function dayRange(d: LocalDate): [number, number] {
  return [localToEpoch(TZ, d.year, d.month, d.day), localToEpoch(TZ, d.year, d.month, d.day + 1)];
}

async function demoOn(gw: Gateway, gapMs: number, said: string[]): Promise<Demo> {
  const demo = await startDemo(gw, { timeZone: TZ, timing: TIMING, log: silentLogger(), say: (l) => said.push(l), live: { gapMs }, pty: ["socat"], history: {} });
  cleanups.push(() => demo.stop());
  return demo;
}

async function loyalty(...args: string[]): Promise<string> {
  let out = "";
  let err = "";
  const code = await main(["node", "loyalty", ...args], { out: (t) => (out += t), err: (t) => (err += t), exitCode: () => {} });
  expect(err).toBe("");
  expect(code).toBe(0);
  return out;
}

/** The index the script implies, percent with one decimal: every figure from the scripted answers, k = 0.8. */
function expectedIndex(spec: DemoTerminalSpec, date: LocalDate, confirmed: boolean): { value: number; sample: number } {
  const all = expectedDay(spec.day, date, TZ, TIMING.fmMaxMs).surveys;
  const out = (s: (typeof all)[number]) => confirmed && spec.question === "staff" && s.inForceMajeure && (s.answer === "no" || s.answer === "silent");
  const kept = all.filter((s) => !out(s));
  const n = (a: string) => kept.filter((s) => s.answer === a).length;
  const v = kept.length;
  const x = spec.question === "recommend" ? n("yes") - n("no") - 0.8 * n("silent") : n("no") + 0.8 * n("silent");
  return { value: Math.round((x / v) * 1000) / 10, sample: v };
}

async function expectReport(gw: Gateway, date: LocalDate, confirmed: boolean): Promise<void> {
  const db = gw.store.db.name;
  const report = JSON.parse(await loyalty("report", "--db", db, "--from", isoDate(date), "--group-by", "terminal", "--format", "json"));
  for (const spec of DEMO_TERMINALS) {
    const group = report.groups.find((g: { key: { terminal: string } }) => g.key.terminal === spec.id);
    const index = spec.question === "recommend" ? "iel" : spec.question === "office" ? "inkOffice" : "inkStaff";
    expect(group.indices.map((f: { index: string }) => f.index)).toEqual([index]);
    expect(group.indices[0], spec.id).toMatchObject(expectedIndex(spec, date, confirmed));
  }
  expect(report.provisional).toBe(!confirmed);
}

function expectDay(gw: Gateway, spec: DemoTerminalSpec, date: LocalDate): void {
  const [from, to] = dayRange(date);
  const want = expectedDay(spec.day, date, TZ, TIMING.fmMaxMs);
  const surveys = gw.store.derived.surveys(spec.id, from, to);
  expect(surveys.map((s) => [s.openedAt, s.answer])).toEqual(want.surveys.map((s) => [s.openedAt, s.answer]));
  expect(new Set(surveys.map((s) => `${s.questionKind}/${s.employee}`))).toEqual(new Set([`${spec.question}/${spec.employee}`]));
  const periods = gw.store.derived.periods(spec.id, from, to);
  expect(periods.map((p) => [p.start, p.end, p.endReason])).toEqual(want.periods.map((p) => [p.start, p.end, p.endReason]));
  expect(gw.store.derived.unsolicitedCount(spec.id, from, to)).toBe(want.unsolicited);
  /* The script has answers, silent customers and a force-majeure holding some of them. */
  expect(new Set(want.surveys.map((s) => s.answer))).toEqual(new Set(["yes", "no", "unsure", "silent"]));
  expect(want.surveys.some((s) => s.inForceMajeure)).toBe(true);
}

describe("npm start's demo, headless", () => {
  it("replays yesterday over a pseudo-terminal and over MQTT, fills the month before, then presses live; a restart adds nothing", { timeout: 120_000 }, async () => {
    const gw = await testGateway({ timeZone: TZ });
    cleanups.push(() => gw.stop());
    const said: string[] = [];
    const demo = await demoOn(gw, 400, said);
    expect(demo.skipped).toEqual([]);
    expect(demo.terminals.map((t) => [t.id, t.transport])).toEqual([
      ["demo.till-1", "serial"],
      ["demo.desk-2", "mqtt"],
    ]);
    expect(demo.running.every((t) => t.replayed)).toBe(true);

    const date = localDateBefore(Date.now(), TZ, 1);
    gw.workers.derive();
    for (const spec of DEMO_TERMINALS) expectDay(gw, spec, date);
    /* The month before yesterday went in once, on this fresh database, for the two terminals and two of the past. */
    expect(demo.history?.terminals.sort()).toEqual(["demo.desk-2", "demo.hall-5", "demo.till-1", "demo.till-4"]);
    const historyEvents = () => gw.store.db.prepare("SELECT count(*) AS n FROM events WHERE link = ?").get(HISTORY_LINK) as { n: number };
    expect(historyEvents().n).toBe(demo.history!.events);
    expect(said.some((l) => l.startsWith("the 29 days before yesterday put in"))).toBe(true);
    const links = gw.store.db.prepare("SELECT DISTINCT terminal_id AS t, substr(link, 1, instr(link, ':') - 1) AS kind FROM events WHERE link <> ? ORDER BY 1").all(HISTORY_LINK);
    expect(links).toEqual([
      { t: "demo.desk-2", kind: "mqtt" },
      { t: "demo.till-1", kind: "serial" },
    ]);

    /* `loyalty report --format json` shows the indices the script implies; once the expert confirms the
       force-majeure periods, ИНК@Персонал leaves out the no and silent surveys they hold. */
    await expectReport(gw, date, false);
    const periods = JSON.parse(await loyalty("review", "periods", "--db", gw.store.db.name, "--from", isoDate(date), "--json"));
    expect(periods.length).toBeGreaterThan(0);
    for (const p of periods) await loyalty("review", "confirm", String(p.id), "--db", gw.store.db.name);
    await expectReport(gw, date, true);

    /* Live: the first answers of the loop arrive as today's surveys, through the firmware's pins. */
    const [, today] = dayRange(date);
    const liveAnswers = LIVE_LOOP.flatMap((v) => (v.kind === "survey" && v.answer !== "silent" ? [v.answer] : [])).slice(0, 2);
    for (const spec of DEMO_TERMINALS) {
      const live = await waitFor(`live surveys of ${spec.id}`, () => {
        gw.workers.derive();
        const s = gw.store.derived.surveys(spec.id, today, Date.now() + 60_000).filter((x) => x.answer !== "silent");
        return s.length >= 2 && s;
      }, 30_000);
      expect(live.slice(0, 2).map((s) => s.answer)).toEqual(liveAnswers);
    }
    expect(said.some((l) => l.includes("seller short press, customer: Yes"))).toBe(true);

    /* Started again on the same database: the devices pair from their hello, yesterday is not played twice. */
    for (const c of cleanups.splice(1).reverse()) await c();
    const again = await demoOn(gw, 0, []);
    expect(again.running.map((t) => t.replayed)).toEqual([false, false]);
    expect(again.history).toBeUndefined();
    expect(historyEvents().n).toBe(demo.history!.events);
    gw.workers.derive();
    for (const spec of DEMO_TERMINALS) expectDay(gw, spec, date);
  });
});

/**
 * What each kind of rule reads, on a real SQLite store written the way the ingest writes it (tests/support/presses.ts),
 * and the engine's lifecycle over it: open, a person's close while the figure holds, recovery, open again. The
 * engine delivers through the real Delivery with no SMTP server configured, so the log says why nothing was sent.
 */
import { describe, expect, it } from "vitest";
import { judge } from "../../gateway/alerts/decide.ts";
import { Delivery } from "../../gateway/alerts/delivery.ts";
import { AlertEngine } from "../../gateway/alerts/engine.ts";
import { addRule, closeAlert, listAlerts } from "../../gateway/alerts/manage.ts";
import { readingsFor } from "../../gateway/alerts/readings.ts";
import { parseRule } from "../../gateway/alerts/rules.ts";
import { silentLogger } from "../../gateway/log.ts";
import { catchUp } from "../../gateway/reports/report.ts";
import { indexSettings } from "../../gateway/reports/settings.ts";
import { chain } from "../support/presses.ts";

const judged = (c: ReturnType<typeof chain>, rule: Record<string, unknown>, now: number) => {
  const r = parseRule(rule, "rule");
  catchUp(c.store, c.config);
  return readingsFor(c.store, r, indexSettings(c.config), now)
    .map((x) => judge(r, x))
    .sort((a, b) => (a.subject < b.subject ? -1 : 1));
};

describe("readings", () => {
  it("an index over the store's day and over the last hour, per terminal and per employee", () => {
    const c = chain();
    const a = c.terminal("s1.a", "s1", "Europe/Moscow", "staff", "elena");
    const b = c.terminal("s1.b", "s1", "Europe/Moscow", "staff", "ivan");
    a.survey("2026-03-02 09:00:00", "no");
    a.survey("2026-03-02 09:05:00", "no");
    a.survey("2026-03-02 11:30:00", "yes");
    a.survey("2026-03-02 11:40:00", "silent");
    b.survey("2026-03-02 11:50:00", "yes");
    const now = a.at("2026-03-02 12:00:00");
    const rule = { kind: "index", index: "inkStaff", op: "above", threshold: 30, minSample: 2 };
    /* Today: a = (2 + 0.8) / 4 = 70 %; b has 1 survey, too few. The last hour: a = 0.8 / 2 = 40 %. */
    expect(judged(c, rule, now)).toEqual([
      { subject: "terminal:s1.a", value: 70, sample: 4, holds: true },
      { subject: "terminal:s1.b", value: 0, sample: 1, holds: null },
    ]);
    expect(judged(c, { ...rule, window: "hour" }, now)).toEqual([
      { subject: "terminal:s1.a", value: 40, sample: 2, holds: true },
      { subject: "terminal:s1.b", value: 0, sample: 1, holds: null },
    ]);
    expect(judged(c, { ...rule, per: "store", scope: { employees: ["ivan"] }, minSample: 1 }, now)).toEqual([{ subject: "store:s1", value: 0, sample: 1, holds: false }]);
    expect(judged(c, { ...rule, per: "employee", window: "hour" }, now).map((j) => [j.subject, j.value, j.sample])).toEqual([
      ["employee:elena", 40, 2],
      ["employee:ivan", 0, 1],
    ]);
    /* Yesterday's surveys are not today's: a day rule at 00:30 the next day reads nothing. */
    expect(judged(c, rule, a.at("2026-03-03 00:30:00"))).toEqual([]);
  });

  it("the force-majeure level, review flags, outbox depth and silence", () => {
    const c = chain();
    const a = c.terminal("s1.a", "s1", "Europe/Moscow", "staff");
    for (let i = 0; i < 5; i++) a.survey(`2026-03-02 10:0${i}:00`, "silent");
    a.survey("2026-03-02 10:10:00", "no", 400);
    a.presses([["2026-03-02 10:20:00", "long"]]);
    const now = a.at("2026-03-02 12:00:00");
    /* 1 period of 6 surveys: 16.7 %. */
    expect(judged(c, { kind: "fm-level", threshold: 10, minSample: 5 }, now)).toEqual([{ subject: "terminal:s1.a", value: 16.7, sample: 6, holds: true }]);
    expect(judged(c, { kind: "flags", flag: "silent-run", count: 5 }, now)).toEqual([{ subject: "terminal:s1.a", value: 5, sample: null, holds: true }]);
    expect(judged(c, { kind: "flags", flag: "quick", count: 2, per: "store" }, now)).toEqual([{ subject: "store:s1", value: 1, sample: null, holds: false }]);

    c.store.devices.hello({ t: "hello", d: "DEV-1", b: "b1", fw: "1", pv: "1.0", role: "combo", cap: [], up: 1 }, "test", now - 20 * 60_000);
    c.store.terminals.pair("DEV-1", "s1.a", "combo", 0);
    c.store.devices.status({ t: "status", d: "DEV-1", b: "b1", up: 5, q: 120, drop: 0 }, "test", now - 16 * 60_000);
    expect(judged(c, { kind: "outbox", depth: 100 }, now)).toEqual([{ subject: "device:DEV-1", value: 120, sample: null, holds: true }]);
    expect(judged(c, { kind: "offline", minutes: 15 }, now)).toEqual([{ subject: "terminal:s1.a", value: 16, sample: null, holds: true }]);
    expect(judged(c, { kind: "offline", minutes: 15, scope: { terminals: ["s1.b"] } }, now)).toEqual([]);
  });
});

describe("the engine's lifecycle", () => {
  it("opens once, stays closed after a person's close while the figure holds, re-arms on recovery, opens again", async () => {
    const c = chain();
    const a = c.terminal("s1.a", "s1", "Europe/Moscow", "staff");
    let now = a.at("2026-03-02 12:00:00");
    const delivery = new Delivery({ store: c.store, smtp: c.config.smtp, webhook: c.config.alerts.webhook, log: silentLogger(), now: () => now });
    const engine = new AlertEngine({ store: c.store, settings: indexSettings(c.config), delivery, log: silentLogger(), now: () => now, checkIntervalMs: 60_000, settleMs: 0, timeZone: "Europe/Moscow" });
    const rule = addRule(c.store, { kind: "index", index: "inkStaff", op: "above", threshold: 50, minSample: 2, email: ["olga@example.com"] }, { by: "olga", now });
    const evaluate = () => (catchUp(c.store, c.config), engine.evaluate());

    a.survey("2026-03-02 11:00:00", "no");
    a.survey("2026-03-02 11:01:00", "no");
    const first = evaluate();
    expect(first.opened).toHaveLength(1);
    expect(evaluate()).toEqual({ opened: [], closed: [] });

    const closed = closeAlert(c.store, indexSettings(c.config), first.opened[0]!, "знаем, разбираемся", { by: "olga", now });
    expect(closed).toMatchObject({ state: "closed", closedBy: "olga", rearmed: false, comments: [{ text: "знаем, разбираемся" }] });
    a.survey("2026-03-02 11:02:00", "no");
    expect(evaluate()).toEqual({ opened: [], closed: [] });

    for (let i = 0; i < 4; i++) a.survey(`2026-03-02 11:1${i}:00`, "yes");
    expect(evaluate()).toEqual({ opened: [], closed: [] });
    expect(c.store.alerts.alert(first.opened[0]!)!.rearmed).toBe(true);

    for (let i = 0; i < 5; i++) a.survey(`2026-03-02 11:2${i}:00`, "no");
    now = a.at("2026-03-02 12:30:00");
    const again = evaluate();
    expect(again.opened).toHaveLength(1);
    expect(listAlerts(c.store).map((x) => [x.id, x.ruleId, x.state])).toEqual([[again.opened[0], rule.id, "open"]]);

    await delivery.idle();
    expect(c.store.alerts.deliveries().map((d) => [d.alertId, d.what, d.channel, d.target, d.ok, d.detail])).toEqual([
      [again.opened[0], "opened", "email", "olga@example.com", false, "smtp.host is not configured: no e-mail is sent"],
      [first.opened[0], "opened", "email", "olga@example.com", false, "smtp.host is not configured: no e-mail is sent"],
    ]);
  });
});

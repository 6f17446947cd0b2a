/**
 * Pairing as an installer does it, on an in-process gateway: a scripted terminal, or a board (simulated or the real
 * interpreter) that says when it has stored its config; and what a paired board's scripted day must leave derived.
 */
import type { Gateway } from "../../gateway/app.ts";
import type { Connected } from "../../gateway/testkit/transports.ts";
import { pair } from "../../gateway/terminals/manage.ts";
import { waitFor } from "../../gateway/testkit/wait.ts";
import { expect } from "vitest";

export async function helloAndPair(gw: Gateway, c: Connected, point: string, store = "s1"): Promise<void> {
  const serial = c.terminal.serial;
  c.terminal.hello();
  await waitFor(`the hello of ${serial} stored`, () => (gw.ingest.flush(), gw.store.devices.get(serial)));
  pair(gw.store, { serial, store, point, question: "staff", timeZone: "UTC" }, Date.now());
  gw.workers.commands();
  await waitFor(`config on ${serial}`, () => c.terminal.config);
}

/** Pairs a board once the gateway has its hello (employee elena, staff question), then waits until `stored()`. */
export async function pairBoard(gw: Gateway, o: { serial: string; store: string; point: string; stored: () => unknown; ms: number }): Promise<void> {
  await waitFor(`the hello of ${o.serial}`, () => (gw.ingest.flush(), gw.store.devices.get(o.serial)), o.ms);
  pair(gw.store, { serial: o.serial, store: o.store, point: o.point, question: "staff", employee: "elena", timeZone: "UTC" }, Date.now());
  gw.workers.commands();
  await waitFor(`config stored on ${o.serial}`, o.stored, o.ms);
}

/** After a short press answered Yes and a long press: one survey (yes, staff, elena) and one period after it. */
export async function expectDayDerived(gw: Gateway, terminal: string, ms: number): Promise<void> {
  await waitFor("three events stored and acked", () => (gw.ingest.flush(), gw.store.db.prepare("SELECT count(*) AS n FROM events WHERE terminal_id = ?").get(terminal) as { n: number }).n >= 3 || undefined, ms);
  gw.workers.derive();
  const surveys = gw.store.derived.surveys(terminal, 0, Date.now() + 60_000);
  expect(surveys.map((s) => [s.answer, s.questionKind, s.employee])).toEqual([["yes", "staff", "elena"]]);
  const periods = gw.store.derived.periods(terminal, 0, Date.now() + 3_600_000);
  expect(periods).toHaveLength(1);
  expect(periods[0]!.start).toBeGreaterThan(surveys[0]!.openedAt);
}

/** `loyalty hub resend` on a store gateway's SQLite file: its rows in the hub outbox again, and its mistakes in words. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openStore } from "../../gateway/store/store.ts";
import { runCli } from "../support/cli.ts";

function gateway(forwarding: boolean): { config: string; db: string } {
  const dir = mkdtempSync(join(tmpdir(), "lb-resend-"));
  const db = join(dir, "loyalty.sqlite");
  const config = join(dir, "gateway.json");
  writeFileSync(config, JSON.stringify({ database: db, timeZone: "Europe/Moscow", hub: { url: "mqtt://127.0.0.1:1", storeId: "s1" } }));
  const s = openStore(db);
  s.terminals.addStore({ id: "s1", name: "Store 1", timeZone: "Europe/Moscow", region: null }, 1);
  s.terminals.createTerminal({ id: "s1.p1", storeId: "s1", point: "p1" }, 2);
  s.tx(() => s.events.insert({ serial: "D1", boot: "b1", seq: 1, kind: "short", btn: null, ts: 10, synced: true, atMs: 10, receivedMs: Date.parse("2026-11-30T12:00:00Z"), terminalId: "s1.p1", link: "mqtt" }));
  s.tx(() => s.events.insert({ serial: "D1", boot: "b1", seq: 2, kind: "yes", btn: null, ts: 11, synced: true, atMs: 11, receivedMs: Date.parse("2026-12-02T12:00:00Z"), terminalId: "s1.p1", link: "mqtt" }));
  if (forwarding) {
    s.tx(() => s.hubOutbox.begin("s1", 3));
    s.tx(() => s.hubOutbox.acked(s.hubOutbox.lastSeq(), 4));
  }
  s.close();
  return { config, db };
}

describe("loyalty hub resend", () => {
  it("puts every row, or the events stored from a day with every other row, in the outbox again after the last number", async () => {
    const g = gateway(true);
    const all = await runCli("hub", "resend", "--all", "--config", g.config);
    expect(all.err).toBe("");
    expect(all.out).toContain("4 rows are in the outbox again as numbers 5–8.");
    const from = await runCli("hub", "resend", "--from", "2026-12-01", "--db", g.db);
    expect(from.out).toContain("3 rows are in the outbox again as numbers 9–11 (events stored from 2026-12-01 on)");
    const s = openStore(g.db);
    expect(s.hubOutbox.after(0, 20).map((r) => r.kind)).toEqual(["store", "terminal", "event", "event", "store", "terminal", "event"]);
    expect(JSON.parse(s.hubOutbox.after(10, 1)[0]!.body)).toMatchObject({ seq: 2 });
    s.close();
  });

  it("says in words what is wrong: no choice of rows, both, a day it cannot read, a gateway that never forwarded", async () => {
    const g = gateway(true);
    for (const args of [[], ["--all", "--from", "today"]]) {
      const r = await runCli("hub", "resend", "--config", g.config, ...args);
      expect(r.code).toBe(2);
      expect(r.err).toBe("say which rows to send again: --all, or --from <day> (the events stored from that day, with every other row)\n");
    }
    const bad = await runCli("hub", "resend", "--from", "last tuesday", "--config", g.config);
    expect(bad.err).toBe('--from: expected YYYY-MM-DD, today, yesterday or -N days, got "last tuesday"\n');
    const never = gateway(false);
    const r = await runCli("hub", "resend", "--all", "--db", never.db);
    expect(r.code).toBe(2);
    expect(r.err).toContain("has never forwarded to a hub: set hub.url and hub.storeId and start it");
    const s = openStore(never.db);
    expect(s.hubOutbox.lastSeq()).toBe(0);
    s.close();
  });
});

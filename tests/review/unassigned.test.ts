/**
 * Events of no terminal (docs/protocol.md `unpair`, docs/reports.md#expert-review): a device unpaired while it still
 * holds or records presses sends them before it learns of the unpair; they are acked and stored with no terminal,
 * timed or untimed, and the expert sees them with `loyalty review unassigned` and GET /api/review/unassigned, by the
 * day they arrived. The review lists also refuse a store or terminal there is not (404 with the list) instead of an
 * empty answer. Real ingest on a real SQLite file, the real CLI, a real gateway on a socket.
 */
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Gateway } from "../../gateway/app.ts";
import { Ingest } from "../../gateway/ingest/ingest.ts";
import type { Link } from "../../gateway/ingest/link.ts";
import { silentLogger } from "../../gateway/log.ts";
import { reviewUnassigned } from "../../gateway/review/list.ts";
import type { TerminalSettings } from "../../gateway/surveys/model.ts";
import { pair, unpair } from "../../gateway/terminals/manage.ts";
import { deviceEnd } from "../../protocol/endpoints.ts";
import type { UpMsg } from "../../protocol/schemas.ts";
import { runCli } from "../support/cli.ts";
import { testGateway } from "../support/gateway.ts";
import { openStore } from "../../gateway/store/store.ts";
import { heard, tempStore } from "../support/store.ts";

/* 2026-11-23 09:00 UTC is 12:00 in Moscow, the gateway's zone here. */
const T0 = Date.UTC(2026, 10, 23, 9);
const DEFAULTS: TerminalSettings = { questionKind: "staff", questionText: "", employee: null, windowMs: 30_000, longMs: 3000, fmMaxMs: 1_800_000, heartbeatMs: 60_000 };

/**
 * Device D paired as s.p in store s, heard live in boot NOW (offset T0 - 1 s); a `yes` while paired; unpaired; then,
 * before it learns of it, a synced `short` and `yes` of boot NOW and an unsynced `no` of boot OLD, never heard live.
 */
function recorded() {
  const store = tempStore();
  let now = T0;
  const ingest = new Ingest({ store, log: silentLogger(), now: () => now, defaults: DEFAULTS, batchMs: 1000, batchMax: 10_000, nackIntervalMs: 0, clockToleranceMs: 2000 });
  const dev = deviceEnd();
  const acked: string[] = [];
  const l: Link = {
    id: "serial:/dev/d",
    kind: "serial",
    write: (t) => {
      const r = dev.decode(t);
      if (r.ok && r.msg.t === "ack") for (const n of r.msg.n) acked.push(`${r.msg.b}/${n}`);
    },
  };
  const send = (m: UpMsg) => {
    const r = dev.encode(m);
    if (!r.ok) throw new Error(r.reason);
    ingest.receive(r.line, l);
    ingest.flush();
  };
  send({ t: "hello", d: "D", b: "NOW", fw: "1", pv: "1.0", role: "combo", cap: [], up: 1000 });
  pair(store, { serial: "D", store: "s", point: "p", question: "staff", timeZone: "Europe/Moscow" }, T0);
  now += 10_000;
  send({ t: "event", d: "D", b: "NOW", n: 1, k: "yes", ts: now - 1_000, sync: 1 });
  unpair(store, "D", (now += 10_000));
  now += 5_000;
  send({ t: "event", d: "D", b: "NOW", n: 2, k: "short", ts: now - 2_000, sync: 1 });
  send({ t: "event", d: "D", b: "NOW", n: 3, k: "yes", ts: now - 1_000, sync: 1 });
  send({ t: "event", d: "D", b: "OLD", n: 1, k: "no", ts: 7_000, sync: 0 });
  const file = store.db.name;
  store.close();
  /* The gateway's zone, for the CLI as for the gateway. */
  const config = join(dirname(file), "gateway.json");
  writeFileSync(config, JSON.stringify({ database: file, timeZone: "Europe/Moscow" }));
  return { file, config, acked };
}

const ROWS = [
  ["D", "NOW", 2, "short", true, null, "2026-11-23 12:00:23", "2026-11-23 12:00:25"],
  ["D", "NOW", 3, "yes", true, null, "2026-11-23 12:00:24", "2026-11-23 12:00:25"],
  ["D", "OLD", 1, "no", false, "unheard_boot", "2026-11-23 12:00:25", "2026-11-23 12:00:25"],
];

let gw: Gateway | undefined;
afterAll(async () => gw?.stop());

describe("events of no terminal", () => {
  it("are listed for the expert by the day they arrived, timed and untimed, and only those", async () => {
    const { file, config, acked } = recorded();
    /* Acked like any stored event: the device drops them from its outbox. */
    expect(acked).toEqual(expect.arrayContaining(["NOW/1", "NOW/2", "NOW/3", "OLD/1"]));
    const store = openStore(file);
    try {
      const list = reviewUnassigned(store, { from: "2026-11-23", to: "2026-11-23" }, "Europe/Moscow");
      expect(list.total).toBe(3);
      expect(list.items.map((e) => [e.device, e.boot, e.seq, e.kind, e.timed, e.reason, e.time, e.received])).toEqual(ROWS);
      expect(reviewUnassigned(store, { from: "2026-11-22", to: "2026-11-22" }, "Europe/Moscow")).toEqual({ total: 0, items: [] });
      expect(reviewUnassigned(store, { from: "2026-11-23", to: "2026-11-23", limit: 1 }, "Europe/Moscow").items).toHaveLength(1);
    } finally {
      store.close();
    }

    const cli = await runCli("review", "unassigned", "--from", "2026-11-23", "--config", config);
    expect(cli.code).toBe(0);
    expect(cli.out).toMatch(/^3 events of no terminal: the device was unpaired when they arrived; in no figure\n/);
    expect(cli.out).toMatch(/\bD\s+NOW\s+2\s+short\s+2026-11-23 12:00:23\s+2026-11-23 12:00:25\n/);
    expect(cli.out).toMatch(/\bD\s+OLD\s+1\s+no\s+untimed \(boot never heard\), no later than 2026-11-23 12:00:25\s+2026-11-23 12:00:25\n/);
    const json = JSON.parse((await runCli("review", "unassigned", "--from", "2026-11-23", "--json", "--config", config)).out);
    expect(json.total).toBe(3);

    gw = await testGateway({ database: file, timeZone: "Europe/Moscow" });
    const base = gw.http!.url;
    const r = await fetch(`${base}/api/review/unassigned?from=2026-11-23`);
    expect(r.status).toBe(200);
    const body = (await r.json()) as { total: number; items: { device: string; boot: string; seq: number; kind: string; timed: boolean; reason: string | null; time: string; received: string }[] };
    expect(body.total).toBe(3);
    expect(body.items.map((e) => [e.device, e.boot, e.seq, e.kind, e.timed, e.reason, e.time, e.received])).toEqual(ROWS);
    const scoped = await fetch(`${base}/api/review/unassigned?from=2026-11-23&store=s`);
    expect([scoped.status, ((await scoped.json()) as { message: string }).message]).toEqual([400, "query: store, terminal: events of no terminal belong to no store; list them without store and terminal"]);
  });
});

describe("a review list for a store or terminal there is not", () => {
  it("is refused with 404 and the stores or terminals there are, over HTTP and in the CLI", async () => {
    const { file, config } = recorded();
    const s = openStore(file);
    heard(s, "E", "combo", T0);
    pair(s, { serial: "E", store: "s", point: "q", question: "office" }, T0);
    s.close();
    if (gw) await gw.stop();
    gw = await testGateway({ database: file, timeZone: "Europe/Moscow" });
    const base = gw.http!.url;
    for (const list of ["surveys", "periods", "untimed"]) {
      const store = await fetch(`${base}/api/review/${list}?from=2026-11-23&store=zzz`);
      expect([store.status, await store.json()]).toEqual([404, { error: "not_found", message: "store zzz does not exist (stores: s (Europe/Moscow))" }]);
      const terminal = await fetch(`${base}/api/review/${list}?from=2026-11-23&terminal=s.p,s.x`);
      expect([terminal.status, await terminal.json()]).toEqual([404, { error: "not_found", message: "terminal s.x does not exist (terminals: s.p, s.q)" }]);
    }
    const known = await fetch(`${base}/api/review/surveys?from=2026-11-23&store=s&terminal=s.p`);
    expect(known.status).toBe(200);

    const cli = await runCli("review", "surveys", "--from", "2026-11-23", "--store", "zzz", "--config", config);
    expect(cli.code).not.toBe(0);
    expect(cli.err).toBe("store zzz does not exist (stores: s (Europe/Moscow))\n");
  });
});

/**
 * Store gateways whose rows reach a hub (docs/hub.md): each a SQLite store with two paired terminals, presses
 * stored as the ingest stores them, and the store's outbox sent to the hub through the hub's own batch parsing and
 * commit (gateway/hub/wire.ts, commit.ts), as the forwarder would, but without MQTT (its faults are
 * chain.integration.test.ts's). Used by the derivation test and the hub's HTTP and nightly tests.
 */
import type pg from "pg";
import { expect } from "vitest";
import type { Config, ConfigInput } from "../../gateway/config/schema.ts";
import { commitBatch } from "../../gateway/hub/commit.ts";
import { batchText } from "../../gateway/hub/forwarder.ts";
import { batchPayload, parsePayload } from "../../gateway/hub/wire.ts";
import { openStore, type Store } from "../../gateway/store/store.ts";
import { pair } from "../../gateway/terminals/manage.ts";
import { testConfig } from "../../gateway/testkit/config.ts";
import { PRESS_MIX } from "../../gateway/testkit/press-mix.ts";

export interface Site {
  id: string;
  zone: string;
  config: Config;
  store: Store;
  terminals: { id: string; serial: string; seq: number }[];
}

/** A small deterministic generator, so every run presses the same way. */
export function lcg(seed: number): () => number {
  let x = seed;
  return () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
}


export type Press = { kind: (typeof PRESS_MIX)[number][0]; at: number };

/** Presses from `startMs` on: seconds to minutes apart, sometimes a quarter of an hour, across local midnights. */
export function presses(rand: () => number, startMs: number, n: number): Press[] {
  const total = PRESS_MIX.reduce((s, [, w]) => s + w, 0);
  const out: Press[] = [];
  let at = startMs;
  for (let i = 0; i < n; i++) {
    at += rand() < 0.08 ? 900_000 + Math.floor(rand() * 1_800_000) : 1000 + Math.floor(rand() * 40_000);
    let r = rand() * total;
    const kind = PRESS_MIX.find(([, w]) => (r -= w) < 0)?.[0] ?? "short";
    out.push({ kind, at });
  }
  return out;
}

/** Stores events of one terminal as the ingest does: in one transaction with their rebuild queued. */
export function storeEvents(site: Site, t: Site["terminals"][number], events: { kind: string; at: number }[], o: { boot?: string; synced?: boolean; untimed?: boolean } = {}): void {
  site.store.tx(() => {
    for (const e of events) {
      site.store.events.insert({
        serial: t.serial,
        boot: o.boot ?? "b1",
        seq: ++t.seq,
        kind: e.kind as "short",
        btn: null,
        ts: e.at,
        synced: o.synced ?? true,
        untimed: o.untimed ?? false,
        atMs: e.at,
        receivedMs: e.at + 150,
        terminalId: t.id,
        link: "mqtt",
      });
    }
    if (!o.untimed && events.length) site.store.derived.enqueue(t.id, Math.min(...events.map((e) => e.at)));
  });
}

/** Sends the store's whole outbox to the hub in batches, as the forwarder would, and records the acks. */
export async function forward(pool: pg.Pool, site: Site, batchMax = 400): Promise<void> {
  const s = site.store;
  for (;;) {
    const acked = s.hubOutbox.state()!.ackedSeq;
    const rows = s.hubOutbox.after(acked, batchMax);
    if (rows.length === 0) return;
    const to = rows.at(-1)!.seq;
    const p = parsePayload(batchPayload, batchText(site.id, acked, to, s.hubOutbox.lastSeq(), Date.now(), rows));
    if (!p.ok) throw new Error(p.reason);
    const r = await commitBatch(pool, p.value, Date.now());
    expect(r.ack.acked).toBe(to);
    s.hubOutbox.acked(r.ack.acked, Date.now());
  }
}

/**
 * A store gateway forwarding to a hub: its SQLite file, the store `id` in `zone` and `region`, terminals till-1
 * (staff, anna) and till-2 (office, oleg) paired. `config`: more of the store's settings (its terminalDefaults).
 */
export function openSite(id: string, zone: string, region: string, config: ConfigInput = {}, now = Date.now()): Site {
  const c = testConfig({ timeZone: zone, ...config });
  const s = openStore(c.database);
  s.tx(() => s.hubOutbox.begin(id, now));
  s.terminals.addStore({ id, name: `Store ${id}`, timeZone: zone, region }, now);
  const site: Site = { id, zone, config: c, store: s, terminals: [] };
  for (const [point, employee] of [
    ["till-1", "anna"],
    ["till-2", "oleg"],
  ] as const) {
    const serial = `${id.toUpperCase()}-${point}`;
    s.devices.seen(serial, "mqtt", now);
    const tid = pair(s, { serial, store: id, point, question: point === "till-1" ? "staff" : "office", employee }, now);
    site.terminals.push({ id: tid, serial, seq: 0 });
  }
  return site;
}

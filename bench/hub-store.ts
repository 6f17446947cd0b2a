/**
 * A store gateway's database for `npm run bench:hub` (bench/hub.ts): one store with its terminals paired as an
 * installer pairs them (gateway/terminals/manage.ts), forwarding to a hub turned on first, then button events
 * stored as the ingest stores them (a transaction per group of events with the terminal's rebuild queued), so the
 * database's own triggers fill the hub outbox. Presses are seeded, so every run forwards the same rows.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { EventKind } from "../protocol/schemas.ts";
import { seeded } from "../gateway/demo/history.ts";
import { openStore, type Store } from "../gateway/store/store.ts";
import { pair } from "../gateway/terminals/manage.ts";
import { PRESS_MIX } from "../gateway/testkit/press-mix.ts";

export interface StoreSpec {
  storeId: string;
  terminals: number;
  /** Events in all, spread evenly over the terminals. */
  events: number;
  timeZone: string;
}

export interface BuiltStore {
  /** The database file, closed; copy it (copyStore) for each run, since forwarding deletes acked outbox rows. */
  path: string;
  /** Outbox rows in all (stores, terminals, pairings, settings, events). */
  outboxRows: number;
  events: number;
  ms: number;
}

/* The mix of the hub's tests (gateway/testkit/press-mix.ts): mostly surveys, a few force-majeure holds. */
const KINDS: readonly (readonly [EventKind, number])[] = PRESS_MIX;
const TOTAL = KINDS.reduce((s, [, w]) => s + w, 0);

/** Events stored per transaction, about what the ingest's group commit takes under load (docs/performance.md). */
const PER_TX = 100;

export function buildStore(spec: StoreSpec, now: number): BuiltStore {
  const t0 = performance.now();
  const dir = mkdtempSync(join(tmpdir(), "lb-bench-hub-store-"));
  const path = join(dir, "store.sqlite");
  const s = openStore(path);
  try {
    s.tx(() => s.hubOutbox.begin(spec.storeId, now));
    s.terminals.addStore({ id: spec.storeId, name: `Store ${spec.storeId}`, timeZone: spec.timeZone, region: "bench" }, now);
    const rand = seeded(17);
    const perTerminal = Math.ceil(spec.events / spec.terminals);
    /* About 9 days of presses per 5,000 events, ending before now. */
    const startMs = now - perTerminal * 170_000;
    let stored = 0;
    for (let i = 0; i < spec.terminals && stored < spec.events; i++) {
      const serial = `BENCH-${String(i).padStart(3, "0")}`;
      s.devices.seen(serial, "mqtt", now);
      const terminalId = pair(s, { serial, store: spec.storeId, point: `till-${i + 1}`, question: i % 2 ? "office" : "staff", employee: `emp-${i % 5}` }, now);
      const n = Math.min(perTerminal, spec.events - stored);
      storePresses(s, serial, terminalId, rand, startMs, n);
      stored += n;
    }
    return { path, outboxRows: s.hubOutbox.lastSeq(), events: stored, ms: performance.now() - t0 };
  } finally {
    s.close();
  }
}

function storePresses(s: Store, serial: string, terminalId: string, rand: () => number, startMs: number, n: number): void {
  let at = startMs;
  let seq = 0;
  for (let done = 0; done < n; ) {
    const k = Math.min(PER_TX, n - done);
    s.tx(() => {
      let first = Infinity;
      for (let j = 0; j < k; j++) {
        at += rand() < 0.08 ? 900_000 + Math.floor(rand() * 1_800_000) : 1000 + Math.floor(rand() * 40_000);
        let r = rand() * TOTAL;
        const kind = KINDS.find(([, w]) => (r -= w) < 0)?.[0] ?? "short";
        s.events.insert({ serial, boot: "b1", seq: ++seq, kind, btn: null, ts: at, synced: true, atMs: at, receivedMs: at + 150, terminalId, link: "mqtt" });
        first = Math.min(first, at);
      }
      s.derived.enqueue(terminalId, first);
    });
    done += k;
  }
}

/** A fresh copy of the built database (with its WAL files, if any), for one run. */
export function copyStore(built: BuiltStore, run: number): string {
  const dir = mkdtempSync(join(tmpdir(), `lb-bench-hub-run${run}-`));
  const to = join(dir, "store.sqlite");
  for (const suffix of ["", "-wal", "-shm"]) if (existsSync(built.path + suffix)) copyFileSync(built.path + suffix, to + suffix);
  return to;
}

/** The event rows of the outbox as the hub receives them (their JSON bodies), for the raw insert beside. */
export function outboxEvents(path: string): Record<string, unknown>[] {
  const s = openStore(path);
  try {
    return s.hubOutbox
      .after(0, Number.MAX_SAFE_INTEGER)
      .filter((r) => r.kind === "event")
      .map((r) => JSON.parse(r.body) as Record<string, unknown>);
  } finally {
    s.close();
  }
}

/** Removes a database made by buildStore or copyStore, with its folder. */
export function removeStore(path: string): void {
  rmSync(dirname(path), { recursive: true, force: true });
}

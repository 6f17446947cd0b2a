/** Stores, terminals and the pairing history that says which device played which role in which terminal, when. */
import type { Role } from "../../protocol/schemas.ts";
import type { Db } from "./db.ts";

export interface TerminalRow {
  id: string;
  storeId: string;
  point: string;
  name: string | null;
  createdMs: number;
}

export interface PairingRow {
  id: number;
  serial: string;
  terminalId: string;
  role: Role;
  fromMs: number;
  toMs: number | null;
}

export interface StoreRow {
  id: string;
  name: string;
  timeZone: string;
  /** What the chain hub groups stores by (null: none given). */
  region: string | null;
}

const STORE = `id, name, time_zone AS timeZone, region`;

const PAIRING = `id, serial, terminal_id AS terminalId, role, from_ms AS fromMs, to_ms AS toMs`;

export function terminalsRepo(db: Db) {
  const q = {
    upsertStore: db.prepare(
      `INSERT INTO stores (id, name, time_zone, created_ms) VALUES (?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET time_zone = excluded.time_zone`,
    ),
    addStore: db.prepare(`INSERT INTO stores (id, name, time_zone, region, created_ms) VALUES (?, ?, ?, ?, ?)`),
    setZone: db.prepare(`UPDATE stores SET time_zone = ? WHERE id = ?`),
    renameStore: db.prepare(`UPDATE stores SET name = ? WHERE id = ?`),
    setRegion: db.prepare(`UPDATE stores SET region = ? WHERE id = ?`),
    store: db.prepare(`SELECT ${STORE} FROM stores WHERE id = ?`),
    stores: db.prepare(`SELECT ${STORE} FROM stores ORDER BY id`),
    terminalsOfStore: db.prepare(`SELECT id, store_id AS storeId, point, name, created_ms AS createdMs FROM terminals WHERE store_id = ? ORDER BY id`),
    insertTerminal: db.prepare(`INSERT INTO terminals (id, store_id, point, name, created_ms) VALUES (?, ?, ?, ?, ?)`),
    terminal: db.prepare(`SELECT id, store_id AS storeId, point, name, created_ms AS createdMs FROM terminals WHERE id = ?`),
    terminals: db.prepare(`SELECT id, store_id AS storeId, point, name, created_ms AS createdMs FROM terminals ORDER BY id`),
    rename: db.prepare(`UPDATE terminals SET name = ? WHERE id = ?`),
    setCctv: db.prepare(`UPDATE terminals SET cctv_url = ? WHERE id = ?`),
    cctv: db.prepare(`SELECT cctv_url AS url FROM terminals WHERE id = ?`),
    pair: db.prepare(`INSERT INTO pairings (serial, terminal_id, role, from_ms) VALUES (?, ?, ?, ?)`),
    end: db.prepare(`UPDATE pairings SET to_ms = ? WHERE serial = ? AND to_ms IS NULL`),
    current: db.prepare(`SELECT ${PAIRING} FROM pairings WHERE serial = ? AND to_ms IS NULL`),
    currentOfTerminal: db.prepare(`SELECT ${PAIRING} FROM pairings WHERE terminal_id = ? AND to_ms IS NULL ORDER BY id`),
    at: db.prepare(
      `SELECT ${PAIRING} FROM pairings WHERE serial = ? AND from_ms <= ? AND (to_ms IS NULL OR to_ms > ?) ORDER BY from_ms DESC LIMIT 1`,
    ),
    allCurrent: db.prepare(`SELECT ${PAIRING} FROM pairings WHERE to_ms IS NULL`),
    first: db.prepare(`SELECT ${PAIRING} FROM pairings WHERE serial = ? ORDER BY from_ms LIMIT 1`),
  };
  return {
    ensureStore(id: string, timeZone: string, now: number): StoreRow {
      q.upsertStore.run(id, id, timeZone, now);
      return q.store.get(id) as StoreRow;
    },
    /** Adds a store; the caller checks that `id` is new. */
    addStore(s: { id: string; name: string; timeZone: string; region: string | null }, now: number): void {
      q.addStore.run(s.id, s.name, s.timeZone, s.region, now);
    },
    setStoreZone(id: string, timeZone: string): void {
      q.setZone.run(timeZone, id);
    },
    renameStore(id: string, name: string): void {
      q.renameStore.run(name, id);
    },
    setStoreRegion(id: string, region: string | null): void {
      q.setRegion.run(region, id);
    },
    terminalsOf(storeId: string): TerminalRow[] {
      return q.terminalsOfStore.all(storeId) as TerminalRow[];
    },
    store(id: string): StoreRow | undefined {
      return q.store.get(id) as StoreRow | undefined;
    },
    stores(): StoreRow[] {
      return q.stores.all() as StoreRow[];
    },
    createTerminal(t: { id: string; storeId: string; point: string; name?: string | null }, now: number): void {
      q.insertTerminal.run(t.id, t.storeId, t.point, t.name ?? null, now);
    },
    terminal(id: string): TerminalRow | undefined {
      return q.terminal.get(id) as TerminalRow | undefined;
    },
    terminals(): TerminalRow[] {
      return q.terminals.all() as TerminalRow[];
    },
    rename(id: string, name: string): void {
      q.rename.run(name, id);
    },
    /** The terminal's CCTV link template (docs/reports.md#expert-review), or null. */
    cctvTemplate(id: string): string | null {
      return (q.cctv.get(id) as { url: string | null } | undefined)?.url ?? null;
    },
    setCctvTemplate(id: string, template: string | null): void {
      q.setCctv.run(template, id);
    },
    /** Starts a pairing now; the caller ends any current one first. */
    pair(serial: string, terminalId: string, role: Role, fromMs: number): void {
      q.pair.run(serial, terminalId, role, fromMs);
    },
    /** Ends the device's current pairing at `toMs`; returns whether there was one. */
    endPairing(serial: string, toMs: number): boolean {
      return q.end.run(toMs, serial).changes > 0;
    },
    currentPairing(serial: string): PairingRow | undefined {
      return q.current.get(serial) as PairingRow | undefined;
    },
    devicesOf(terminalId: string): PairingRow[] {
      return q.currentOfTerminal.all(terminalId) as PairingRow[];
    },
    /** The pairing of `serial` in force at `t`. */
    pairingAt(serial: string, t: number): PairingRow | undefined {
      return q.at.get(serial, t, t) as PairingRow | undefined;
    },
    /** The device's first pairing ever, or undefined when it was never paired. */
    firstPairing(serial: string): PairingRow | undefined {
      return q.first.get(serial) as PairingRow | undefined;
    },
    currentPairings(): PairingRow[] {
      return q.allCurrent.all() as PairingRow[];
    },
  };
}

/**
 * Stores: each has its own IANA time zone (a day is the store's local calendar day, ../shared/methodology.md), a
 * readable name and a region the chain hub groups by. A store is added once with its zone (`loyalty stores add`);
 * pairing refuses a store nobody added, so a typo cannot create one in the zone of whoever ran `pair`.
 */
import { z } from "zod";
import { inWords } from "../../protocol/zod-words.ts";
import { GatewayError } from "../errors.ts";
import type { Store } from "../store/store.ts";
import type { StoreRow } from "../store/terminals.ts";
import { isTimeZone } from "../time/zone.ts";

type Stores = Pick<Store, "terminals" | "tx">;

const storeId = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, "expected 1..32 of A-Z a-z 0-9 _ - (no dot: a terminal id is <store>.<point>)");
const label = z.string().trim().min(1, "expected some text").max(64, "expected at most 64 characters").regex(/^[^\x00-\x1f\x7f]*$/, "no control characters");

function check<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value, { error: inWords });
  if (!r.success) throw new GatewayError("invalid", `${what} '${String(value)}': ${r.error.issues[0]?.message}`);
  return r.data;
}

/** A zone given on the command line, or an error that says what one looks like. */
export function checkZone(tz: string, what = "--zone"): string {
  if (!isTimeZone(tz)) throw new GatewayError("invalid", `${what} '${tz}': not an IANA time zone (e.g. Europe/Moscow, Asia/Yekaterinburg)`);
  return tz;
}

/** Every store in one line each, for messages: `msk-01 (Europe/Moscow)`, or `none yet`. */
export function storeList(store: Pick<Store, "terminals">): string {
  const all = store.terminals.stores();
  return all.length === 0 ? "none yet" : all.map((s) => `${s.id} (${s.timeZone})`).join(", ");
}

/** The store `id`, or a not_found error that lists the stores there are and how to add one. */
export function existingStore(store: Pick<Store, "terminals">, id: string): StoreRow {
  const s = store.terminals.store(id);
  if (s) return s;
  throw new GatewayError("not_found", `store ${id} does not exist (stores: ${storeList(store)}); add it with its time zone: loyalty stores add ${id} --zone <IANA zone, e.g. Europe/Moscow>`);
}

/** The time zone of the store a terminal belongs to; `fallback` only for a terminal whose store row is missing. */
export function terminalZone(store: Pick<Store, "terminals">, terminalId: string, fallback: string): string {
  const t = store.terminals.terminal(terminalId);
  return (t && store.terminals.store(t.storeId)?.timeZone) ?? fallback;
}

export interface NewStore {
  id: string;
  timeZone: string;
  name?: string | undefined;
  region?: string | undefined;
}

export function addStore(store: Stores, s: NewStore, now: number): StoreRow {
  return store.tx(() => {
    const id = check(storeId, s.id, "store");
    const timeZone = checkZone(s.timeZone);
    const name = s.name === undefined ? id : check(label, s.name, "--name");
    const region = s.region === undefined ? null : check(label, s.region, "--region");
    if (store.terminals.store(id)) throw new GatewayError("conflict", `store ${id} exists; change it with loyalty stores set-zone, rename or set-region`);
    store.terminals.addStore({ id, name, timeZone, region }, now);
    return existingStore(store, id);
  });
}

export function renameStore(store: Stores, id: string, name: string): StoreRow {
  return store.tx(() => {
    existingStore(store, id);
    store.terminals.renameStore(id, check(label, name, "name"));
    return existingStore(store, id);
  });
}

/** Sets the store's region; null clears it. */
export function setStoreRegion(store: Stores, id: string, region: string | null): StoreRow {
  return store.tx(() => {
    existingStore(store, id);
    store.terminals.setStoreRegion(id, region === null ? null : check(label, region, "region"));
    return existingStore(store, id);
  });
}

export interface ZoneChange {
  from: string;
  to: string;
  /** The store's terminals, whose every day was recounted in the new zone. */
  terminals: string[];
}

/**
 * Moves a store to another time zone. Its days now start at midnight there, so every day of its terminals is
 * recounted in the same transaction (the rollups are per local day); surveys and periods do not change, they are
 * instants. Settings keep their instants too: a shift recorded as 09:00 Moscow stays that instant.
 */
export function setStoreZone(store: Pick<Store, "terminals" | "rollups" | "tx">, id: string, timeZone: string): ZoneChange {
  return store.tx(() => {
    const before = existingStore(store, id);
    const to = checkZone(timeZone, "zone");
    const terminals = store.terminals.terminalsOf(id).map((t) => t.id);
    store.terminals.setStoreZone(id, to);
    for (const t of terminals) store.rollups.refresh(t, 0);
    return { from: before.timeZone, to, terminals };
  });
}

/**
 * A store transaction takes SQLite's write lock when it begins (BEGIN IMMEDIATE, gateway/store/store.ts): one
 * that reads and then writes is never refused because another process wrote in between (a deferred transaction
 * would get SQLITE_BUSY at its first write, which no busy wait cures: `loyalty pair` beside a busy gateway). Two
 * connections to one real SQLite file in WAL mode stand for the two processes; the other one does not wait
 * (busy_timeout 0), so which of the two is refused shows at once.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openStore } from "../../gateway/store/store.ts";

describe("a store transaction", () => {
  it("holds the write lock from its start, so the other writer waits and it is not refused", () => {
    const file = join(mkdtempSync(join(tmpdir(), "lb-lock-")), "loyalty.sqlite");
    const mine = openStore(file);
    const other = openStore(file);
    other.db.pragma("busy_timeout = 0");
    mine.terminals.addStore({ id: "s1", name: "Store 1", timeZone: "Europe/Moscow", region: null }, 1);
    let refusedOther: string | undefined;
    mine.tx(() => {
      expect(mine.terminals.store("s1")?.name).toBe("Store 1");
      try {
        other.terminals.addStore({ id: "s2", name: "Store 2", timeZone: "Europe/Moscow", region: null }, 2);
      } catch (e) {
        refusedOther = (e as { code?: string }).code;
      }
      mine.terminals.addStore({ id: "s3", name: "Store 3", timeZone: "Europe/Moscow", region: null }, 3);
    });
    expect(refusedOther).toBe("SQLITE_BUSY");
    expect(mine.terminals.store("s3")?.name).toBe("Store 3");
    other.terminals.addStore({ id: "s2", name: "Store 2", timeZone: "Europe/Moscow", region: null }, 2);
    expect(mine.terminals.store("s2")?.name).toBe("Store 2");
    mine.close();
    other.close();
  });
});

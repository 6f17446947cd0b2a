/** A fresh SQLite store in a temporary folder (a real file, as the gateway uses). */
import { mkdtempSync, rmSync } from "node:fs";
import { afterAll } from "vitest";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { HelloMsg } from "../../protocol/schemas.ts";
import { openStore, type Store } from "../../gateway/store/store.ts";

/* Every temporary folder made here is removed after the test file (a test may reopen a store it closed). */
const made: string[] = [];
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export function tempStore(): Store {
  const dir = mkdtempSync(join(tmpdir(), "lb-store-"));
  made.push(dir);
  return openStore(join(dir, "loyalty.sqlite"));
}

/** Records a device's hello, as the ingest does when one connects. */
export function heard(store: Store, serial: string, role: HelloMsg["role"] = "combo", now = 1_000): void {
  store.devices.hello({ t: "hello", d: serial, b: "boot1", fw: "1.0.0", pv: "1.0", role, cap: [], up: 10 }, "test", now);
}

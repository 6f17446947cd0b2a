/** A fresh SQLite store in a temporary folder (a real file, as the gateway uses). */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { HelloMsg } from "../../protocol/schemas.ts";
import { openStore, type Store } from "../../gateway/store/store.ts";

export function tempStore(): Store {
  return openStore(join(mkdtempSync(join(tmpdir(), "lb-store-")), "loyalty.sqlite"));
}

/** Records a device's hello, as the ingest does when one connects. */
export function heard(store: Store, serial: string, role: HelloMsg["role"] = "combo", now = 1_000): void {
  store.devices.hello({ t: "hello", d: serial, b: "boot1", fw: "1.0.0", pv: "1.0", role, cap: [], up: 10 }, "test", now);
}

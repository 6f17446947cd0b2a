/** What every message handler works with: the part of the store the ingest writes, settings, clock limits, counts. */
import type { Logger } from "../../log.ts";
import type { Store } from "../../store/store.ts";
import type { TerminalSettings } from "../../surveys/model.ts";
import type { IngestStats } from "../item.ts";

export interface HandlerContext {
  store: Pick<Store, "devices" | "boots" | "events" | "derived" | "terminals" | "settings">;
  log: Logger;
  /** Settings of a terminal before any change is recorded. */
  defaults: TerminalSettings;
  /** A device clock further off than this (ms) gets `time` again. */
  clockToleranceMs: number;
  stats: IngestStats;
  /** The last clock offset logged per device, so that only changes of 50 ms or more are logged again. */
  loggedOffsets: Map<string, number>;
}

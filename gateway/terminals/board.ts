/**
 * What the terminals page shows (docs/web.md#terminals): the pending devices, and every terminal with its store's
 * zone, its settings in force, its devices (online or offline as `loyalty status` judges them, and each one's MQTT
 * credential state, never a secret) and its settings history. Read-only over the store; the clock comes in.
 */
import type { CredentialState } from "../store/credentials.ts";
import type { Store } from "../store/store.ts";
import type { TerminalSettings } from "../surveys/model.ts";
import { settingsOf } from "./config.ts";
import { statusReport, type DeviceStatus } from "./status.ts";
import { terminalZone } from "./stores.ts";

export interface BoardDevice extends DeviceStatus {
  credential: CredentialState;
}

export interface BoardTerminal {
  id: string;
  name: string | null;
  storeId: string;
  point: string;
  zone: string;
  settings: TerminalSettings;
  devices: BoardDevice[];
  history: ReturnType<Store["settings"]["log"]>;
}

export interface Board {
  pending: BoardDevice[];
  terminals: BoardTerminal[];
  stores: { id: string; name: string; timeZone: string }[];
}

export function terminalsBoard(store: Store, defaults: TerminalSettings, fallbackZone: string, now: number): Board {
  const devices = statusReport(store, defaults, now).devices.map((d): BoardDevice => ({ ...d, credential: store.credentials.state(d.serial) }));
  const terminals = store.terminals.terminals().map((t): BoardTerminal => ({
    id: t.id,
    name: t.name ?? null,
    storeId: t.storeId,
    point: t.point,
    zone: terminalZone(store, t.id, fallbackZone),
    settings: settingsOf(store, defaults, t.id)(now),
    devices: devices.filter((d) => d.terminal === t.id),
    history: store.settings.log(t.id),
  }));
  return {
    pending: devices.filter((d) => d.state === "pending").sort((a, b) => b.lastSeenMs - a.lastSeenMs),
    terminals,
    stores: store.terminals.stores().map((s) => ({ id: s.id, name: s.name, timeZone: s.timeZone })),
  };
}

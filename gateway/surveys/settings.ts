/**
 * The terminal configuration history (question, employee, window, thresholds), one key at a time with the time
 * each value takes effect. Pure: `settingsAt` answers "what was in force at t" for survey derivation.
 */
import type { TerminalSettings } from "./model.ts";

export type SettingKey = keyof TerminalSettings;
export const SETTING_KEYS: readonly SettingKey[] = [
  "questionKind",
  "questionText",
  "employee",
  "windowMs",
  "longMs",
  "fmMaxMs",
  "heartbeatMs",
];

export interface SettingChange {
  key: SettingKey;
  value: TerminalSettings[SettingKey];
  /** Epoch ms from which the value is in force. */
  fromMs: number;
}

/** Builds `settingsAt(t)`: each key's latest change at or before t, else its default. */
export function settingsTimeline(changes: readonly SettingChange[], defaults: TerminalSettings): (t: number) => TerminalSettings {
  const byKey = new Map<SettingKey, SettingChange[]>();
  for (const c of changes) {
    const list = byKey.get(c.key) ?? [];
    list.push(c);
    byKey.set(c.key, list);
  }
  for (const list of byKey.values()) list.sort((a, b) => a.fromMs - b.fromMs);
  return (t) => {
    const out: Record<string, unknown> = { ...defaults };
    for (const [key, list] of byKey) {
      let value: unknown = undefined;
      for (const c of list) {
        if (c.fromMs > t) break;
        value = c.value;
      }
      if (value !== undefined) out[key] = value;
    }
    return out as unknown as TerminalSettings;
  };
}

/** Terminal settings history in SQLite (table terminal_settings); see gateway/surveys/settings.ts. */
import type { Db } from "./db.ts";
import { SETTING_KEYS, type SettingChange, type SettingKey } from "../surveys/settings.ts";

export function settingsRepo(db: Db) {
  const insert = db.prepare(
    `INSERT INTO terminal_settings (terminal_id, key, value, from_ms, set_ms, set_by) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (terminal_id, key, from_ms) DO UPDATE SET value = excluded.value, set_ms = excluded.set_ms, set_by = excluded.set_by`,
  );
  const history = db.prepare(`SELECT key, value, from_ms AS fromMs FROM terminal_settings WHERE terminal_id = ? ORDER BY from_ms`);
  const log = db.prepare(`SELECT key, value, from_ms AS fromMs, set_ms AS setMs, set_by AS setBy FROM terminal_settings WHERE terminal_id = ? ORDER BY from_ms DESC, set_ms DESC`);
  const due = db.prepare(
    `SELECT DISTINCT terminal_id AS id FROM terminal_settings WHERE from_ms > ? AND from_ms <= ? AND set_ms < from_ms`,
  );
  return {
    /** Terminals with a change scheduled in advance that takes effect in (afterMs, untilMs]. */
    dueBetween(afterMs: number, untilMs: number): string[] {
      return (due.all(afterMs, untilMs) as { id: string }[]).map((r) => r.id);
    },
    /** Records that `key` takes `value` from `fromMs` on. */
    set(terminalId: string, key: SettingKey, value: unknown, fromMs: number, setMs: number, setBy: string | null): void {
      if (!SETTING_KEYS.includes(key)) throw new Error(`unknown setting ${key}`);
      insert.run(terminalId, key, JSON.stringify(value), fromMs, setMs, setBy);
    },
    /** The history as people read it, newest effective time first, with when and by whom each change was recorded. */
    log(terminalId: string): (SettingChange & { setMs: number; setBy: string | null })[] {
      return (log.all(terminalId) as { key: SettingKey; value: string; fromMs: number; setMs: number; setBy: string | null }[]).map((r) => ({
        key: r.key,
        value: JSON.parse(r.value) as SettingChange["value"],
        fromMs: r.fromMs,
        setMs: r.setMs,
        setBy: r.setBy,
      }));
    },
    history(terminalId: string): SettingChange[] {
      return (history.all(terminalId) as { key: SettingKey; value: string; fromMs: number }[]).map((r) => ({
        key: r.key,
        value: JSON.parse(r.value) as SettingChange["value"],
        fromMs: r.fromMs,
      }));
    },
  };
}

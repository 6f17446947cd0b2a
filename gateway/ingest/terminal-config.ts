/** The configuration in force for a terminal, and the `config` message a paired device gets. */
import type { ConfigMsg } from "../../protocol/schemas.ts";
import type { Store } from "../store/store.ts";
import type { TerminalSettings } from "../surveys/model.ts";
import { settingsTimeline } from "../surveys/settings.ts";

export function settingsOf(store: Store, defaults: TerminalSettings, terminalId: string): (t: number) => TerminalSettings {
  return settingsTimeline(store.settings.history(terminalId), defaults);
}

/** The `config` for `serial` at `now`, or undefined when it is not paired. */
export function configFor(store: Store, defaults: TerminalSettings, serial: string, now: number): ConfigMsg | undefined {
  const pairing = store.terminals.currentPairing(serial);
  if (!pairing) return undefined;
  const s = settingsOf(store, defaults, pairing.terminalId)(now);
  return {
    t: "config",
    d: serial,
    tid: pairing.terminalId,
    role: pairing.role,
    q: s.questionKind,
    qt: s.questionText,
    w: s.windowMs,
    l: s.longMs,
    fm: s.fmMaxMs,
    hb: s.heartbeatMs,
  };
}

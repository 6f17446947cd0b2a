/**
 * The configuration in force for a terminal: the gateway config's defaults, the settings history over them, and
 * the `config` message a paired device gets (docs/protocol.md, `config`).
 */
import type { ConfigMsg } from "../../protocol/schemas.ts";
import type { Config } from "../config/schema.ts";
import type { Store } from "../store/store.ts";
import type { TerminalSettings } from "../surveys/model.ts";
import { settingsTimeline } from "../surveys/settings.ts";

/** Terminal settings used before any change is recorded: the config's defaults and an empty question. */
export function terminalDefaults(config: Pick<Config, "terminalDefaults">): TerminalSettings {
  return { questionKind: "staff", questionText: "", employee: null, ...config.terminalDefaults };
}

/** `settingsAt(t)` of one terminal: its settings history over `defaults`. */
export function settingsOf(store: { settings: Pick<Store["settings"], "history"> }, defaults: TerminalSettings, terminalId: string): (t: number) => TerminalSettings {
  return settingsTimeline(store.settings.history(terminalId), defaults);
}

/** The `config` for `serial` at `now`, or undefined when it is not paired. */
export function configFor(store: { settings: Pick<Store["settings"], "history">; terminals: Pick<Store["terminals"], "currentPairing"> }, defaults: TerminalSettings, serial: string, now: number): ConfigMsg | undefined {
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

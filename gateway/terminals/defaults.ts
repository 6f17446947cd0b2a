/** Terminal settings used before any change is recorded: the config's defaults and an empty question. */
import type { Config } from "../config/schema.ts";
import type { TerminalSettings } from "../surveys/model.ts";

export function terminalDefaults(config: Config): TerminalSettings {
  return { questionKind: "staff", questionText: "", employee: null, ...config.terminalDefaults };
}

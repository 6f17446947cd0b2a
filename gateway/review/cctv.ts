/**
 * Links into a video archive (docs/reports.md#expert-review): a per-terminal template such as
 * `https://nvr.example/cam/7?t={iso}`.
 * Placeholders: {iso} (UTC, to the second), {local} (store-local `YYYY-MM-DDTHH:MM:SS`), {epoch} (seconds),
 * {ms}, {terminal}, {store}. Pure.
 */
import { GatewayError } from "../errors.ts";
import { formatLocal } from "../time/zone.ts";

const PLACEHOLDERS = ["iso", "local", "epoch", "ms", "terminal", "store"] as const;

/** Checks a template before it is stored: an http(s) URL whose placeholders are all known. */
export function checkCctvTemplate(template: string): void {
  if (!/^https?:\/\/\S+$/.test(template)) throw new GatewayError("invalid", `CCTV link template must be an http(s) URL without spaces, got "${template}"`);
  for (const m of template.matchAll(/\{([^}]*)\}/g)) {
    if (!(PLACEHOLDERS as readonly string[]).includes(m[1]!)) throw new GatewayError("invalid", `CCTV link template: unknown placeholder {${m[1]}} (use ${PLACEHOLDERS.map((p) => `{${p}}`).join(", ")})`);
  }
}

export function cctvLink(template: string, at: number, tz: string, terminal: string, store: string): string {
  const values: Record<(typeof PLACEHOLDERS)[number], string> = {
    iso: new Date(Math.floor(at / 1000) * 1000).toISOString().replace(".000Z", "Z"),
    local: formatLocal(at, tz).replace(" ", "T"),
    epoch: String(Math.floor(at / 1000)),
    ms: String(at),
    terminal,
    store,
  };
  return template.replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(values[k as keyof typeof values] ?? ""));
}

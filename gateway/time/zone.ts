/**
 * Wall-clock time in a store's IANA time zone (methodology: "a day is the store's local calendar day").
 * Uses the platform's Intl time-zone data, no library.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone: tz, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
    formatters.set(tz, f);
  }
  return f;
}

/** Whether `tz` is an IANA time zone this platform knows (e.g. Europe/Moscow). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return tz.trim() !== "";
  } catch {
    return false;
  }
}

/** The local calendar fields of `epochMs` in `tz`. */
export function localParts(epochMs: number, tz: string): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const p: Record<string, number> = {};
  for (const part of formatter(tz).formatToParts(new Date(epochMs))) if (part.type !== "literal") p[part.type] = Number(part.value);
  return { year: p.year!, month: p.month!, day: p.day!, hour: p.hour!, minute: p.minute!, second: p.second! };
}

/** Offset of `tz` from UTC at `epochMs`, ms (Moscow: +3 h). */
export function zoneOffset(epochMs: number, tz: string): number {
  const p = localParts(epochMs, tz);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - (epochMs - (((epochMs % 1000) + 1000) % 1000));
}

/** The epoch ms of a local wall-clock time in `tz` (the earlier one when a clock change makes it ambiguous). */
export function localToEpoch(tz: string, year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const guess = Date.UTC(year, month - 1, day, hour, minute, second);
  let t = guess - zoneOffset(guess, tz);
  t = guess - zoneOffset(t, tz);
  return t;
}

/**
 * Parses a time given on the command line: `now`, an ISO time with an offset or Z, or a local
 * `YYYY-MM-DD[ HH:MM[:SS]]` in `tz`. Returns undefined when it is none of these.
 */
export function parseTime(text: string, tz: string, now: number): number | undefined {
  const t = text.trim();
  if (t === "now") return now;
  if (/[zZ]$|[+-]\d\d:?\d\d$/.test(t)) {
    const ms = Date.parse(t);
    return Number.isNaN(ms) ? undefined : ms;
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(t);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map((v) => (v === undefined ? 0 : Number(v))) as number[];
  if (mo! < 1 || mo! > 12 || d! < 1 || d! > 31 || h! > 23 || mi! > 59 || s! > 59) return undefined;
  return localToEpoch(tz, y!, mo!, d!, h, mi, s);
}

/** `YYYY-MM-DD HH:MM:SS` in `tz`, for output an expert can look up in a CCTV archive. */
export function formatLocal(epochMs: number, tz: string): string {
  const p = localParts(epochMs, tz);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${p.year}-${two(p.month)}-${two(p.day)} ${two(p.hour)}:${two(p.minute)}:${two(p.second)}`;
}

/** The store-local calendar day of `epochMs`, `YYYY-MM-DD`. */
export function localDay(epochMs: number, tz: string): string {
  return formatLocal(epochMs, tz).slice(0, 10);
}

/** Epoch ms at which local day `day` (`YYYY-MM-DD`) starts in `tz`. */
export function dayStart(day: string, tz: string): number {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return localToEpoch(tz, y, m, d);
}

/**
 * `localDay` for many times in order: remembers the last day's bounds, so a run of times on one day costs one
 * comparison each (rollups call it for every survey).
 */
export function dayOfIn(tz: string): (epochMs: number) => string {
  let from = Infinity;
  let to = -Infinity;
  let day = "";
  return (t) => {
    if (t < from || t >= to) {
      day = localDay(t, tz);
      from = dayStart(day, tz);
      to = dayStart(nextDay(day), tz);
    }
    return day;
  };
}

/** The calendar day after `day`. */
export function nextDay(day: string): string {
  return addDays(day, 1);
}

/** `day` moved by `n` calendar days. */
export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

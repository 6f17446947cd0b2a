/** Durations typed on the command line: `45s`, `2.5 s`, `3000ms`, `30min`, `1h`. Pure. */

const UNITS: Record<string, number> = { ms: 1, s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/** Milliseconds of `text`, or undefined when it is not a number with one of the units ms, s, min (or m), h. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|sec|min|m|h)$/i.exec(text.trim());
  if (!m) return undefined;
  const ms = Number(m[1]) * UNITS[m[2]!.toLowerCase()]!;
  return Number.isFinite(ms) ? Math.round(ms) : undefined;
}

/** `30 s`, `2.5 s`, `30 min`, `1.5 h`, `750 ms`: the largest unit that reads well. */
export function formatDuration(ms: number): string {
  const n = (v: number) => String(Math.round(v * 100) / 100);
  if (ms >= 3_600_000 && ms % 360_000 === 0) return `${n(ms / 3_600_000)} h`;
  if (ms >= 60_000 && ms % 1000 === 0) return ms % 60_000 === 0 ? `${n(ms / 60_000)} min` : `${n(ms / 1000)} s`;
  if (ms >= 1000) return `${n(ms / 1000)} s`;
  return `${ms} ms`;
}

/** One structured logger (pino) for the gateway; parts take a child with `part` set. */
import { pino, type Logger } from "pino";

export type { Logger };

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Logs JSON lines to stderr (stdout stays free for CLI output), or to `file` when given. */
export function createLogger(level: LogLevel, file?: string): Logger {
  const destination = file ? pino.destination({ dest: file, mkdir: true, sync: false }) : pino.destination(2);
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}

export function silentLogger(): Logger {
  return pino({ level: "silent" });
}

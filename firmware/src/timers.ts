/**
 * The timer port the core modules receive (style.md: time comes in from the edge). On the device it wraps
 * setTimeout/clearTimeout; in unit tests it is a fake clock.
 */
export interface Timers {
  /** Runs `fn` once after `ms`; returns a handle for `cancel`. */
  after(ms: number, fn: () => void): unknown;
  cancel(handle: unknown): void;
}

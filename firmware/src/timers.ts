/**
 * The timer port the core modules receive (style.md: time comes in from the edge): on the device it is
 * Espruino's own `setTimeout`/`clearTimeout`, which pass extra arguments to the callback, so a module needs no
 * closure per timer (https://www.espruino.com/Reference#l__global_setTimeout); in unit tests it is a fake clock.
 * Never call `clear` with a spent or undefined handle: Espruino throws ("Unknown Timeout", "clearTimeout(undefined)
 * not allowed"), so modules forget a handle when its timer fires.
 */
export interface Timers {
  /** Runs `fn(arg)` once after `ms`; returns a handle for `clear`. */
  set(fn: (arg: number) => void, ms: number, arg: number): unknown;
  clear(handle: unknown): void;
}

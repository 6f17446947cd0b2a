/**
 * Runs a simulated board on a fake clock while it talks over real sockets or pseudo-terminals: the board's time
 * moves `stepMs` per turn of the event loop, so its timers (the WiFi join, the 10 s hello) pass in a blink
 * while bytes still flow at their own pace. `stepMs` 0 only lets the bytes through (nothing on the board's
 * clock moves), which keeps event times exact while the demo waits for a reply.
 */
import type { SimBoard } from "../../firmware/sim/index.ts";

export async function fastForwardUntil<T>(board: SimBoard, what: string, probe: () => T | undefined | false, stepMs: number, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`demo: timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    if (stepMs > 0) board.advance(stepMs);
    await new Promise((r) => setTimeout(r, 2));
  }
}

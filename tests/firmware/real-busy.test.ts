/**
 * Presses the real interpreter would lose with its own debounce: 2v29's setWatch `debounce` drops a whole press
 * when the event loop was busy for longer than the press (both edges then arrive together; the interpreter's
 * "timeout should have fired" check compares the wrong states). A flash erase or a long line keeps a board's loop
 * busy for that long. The firmware debounces on the edges' own times instead (firmware/src/press.ts `raw`):
 * here the loop is kept busy on purpose while the buttons are pressed, with contact bounce at both ends, and the
 * test checks the presses fell inside the busy stretch.
 */
import { describe, expect, it } from "vitest";
import { configFor, realPeer, sleep } from "../../firmware/interpreter/peer.ts";
import type { Button } from "../../firmware/interpreter/board.ts";

const SERIAL = "REAL-BUSY-1";

/** Down and up with `bounces` extra edges of 3 ms at each end. */
async function bouncyPress(press: (b: Button, down: boolean) => void, b: Button, ms: number, bounces: number): Promise<void> {
  for (let k = 0; k < bounces; k++) {
    press(b, true);
    await sleep(3);
    press(b, false);
    await sleep(3);
  }
  press(b, true);
  await sleep(ms);
  for (let k = 0; k < bounces; k++) {
    press(b, false);
    await sleep(3);
    press(b, true);
    await sleep(3);
  }
  press(b, false);
}

describe("presses while the event loop is busy (real interpreter, Espruino Pico, combo, serial)", () => {
  it("are counted once each with their real length, bounce or not", { timeout: 120_000 }, async () => {
    const p = await realPeer({ board: "pico", role: "combo", transport: "serial", serial: SERIAL });
    try {
      await p.until("hello", () => p.got.some((m) => m.t === "hello"));
      p.send(configFor(SERIAL, "combo"));
      p.send({ t: "time", d: SERIAL, ms: Date.now() });
      for (let i = 0; i < 100 && !(await p.board.evaluate("LB_.s.c!==undefined&&LB_.s.off>=0")); i++) await sleep(100);
      expect(await p.board.evaluate("LB_.s.c!==undefined&&LB_.s.off>=0")).toBe(true);
      const press = (b: Button, down: boolean) => (down ? p.board.down(b) : p.board.up(b));
      /* 1.5 s of a busy loop (a flash erase, a long line): a customer key, then a short seller press, inside it.
         The loop says when it has begun (the port's output thread prints while the interpreter is busy). */
      const busy = p.board.evaluate(`(function(){print("LB-BUSY");var t=getTime();while(getTime()-t<1.5);return [t*1000,getTime()*1000]})()`, 20_000) as Promise<[number, number]>;
      await p.until("the busy loop begun", () => p.board.output().includes("LB-BUSY"), 20_000);
      await bouncyPress(press, "no", 120, 2);
      await sleep(150);
      await bouncyPress(press, "seller", 200, 2);
      const releasedAt = Date.now();
      const [, to] = await busy;
      /* Outside a busy loop: a bouncy long press (L is 600 ms in configFor) and a plain key. */
      await sleep(300);
      await bouncyPress(press, "seller", 900, 3);
      /* The LEDs as digitalWrite left them (refreshed every 250 ms): a long press is confirmed by both for 1 s
         from L (600 ms), then an answer in the window the short press opened shows the thank-you, green alone. */
      await sleep(300);
      expect([p.board.led(0), p.board.led(1)], "both LEDs confirm the long press").toEqual([1, 1]);
      await p.press("yes", 100, 1000);
      expect([p.board.led(0), p.board.led(1)], "green alone: thank you").toEqual([1, 0]);
      await p.until("four events", () => p.events().length >= 4);
      await sleep(500);
      expect(p.events().map((e) => e.k)).toEqual(["no", "short", "long", "yes"]);
      const [no, short] = p.events();
      /* Both pressed while the loop was busy, else the test proves nothing: it began before the first press (it
         printed LB-BUSY) and ended after the last release (the interpreter's clock and ours are the host's). */
      expect(to, "the busy loop still ran at the last release").toBeGreaterThan(releasedAt);
      /* The times are the edges', not the loop's: the seller press came 150 ms and more after the key's. */
      expect(short!.ts - no!.ts).toBeGreaterThanOrEqual(150);
      expect(p.errors()).toEqual([]);
    } finally {
      await p.close();
    }
  });
});

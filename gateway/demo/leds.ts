/**
 * What a person sees on a simulated board's LEDs, from samples of the pins: on, off, or blinking (it changed at
 * least twice in the last `windowMs`, which covers the slowest blink in docs/firmware.md "LEDs", 2 s). Pure: the
 * caller samples `board.leds()` and passes the time.
 */
export type LedName = "green" | "red";
export type LedLook = "on" | "off" | "blinking";

export function createLedWatch(windowMs = 2200) {
  const last: Record<LedName, boolean | undefined> = { green: undefined, red: undefined };
  const flips: Record<LedName, number[]> = { green: [], red: [] };
  return {
    sample(now: number, leds: Record<LedName, boolean>): void {
      for (const name of ["green", "red"] as const) {
        if (last[name] !== undefined && last[name] !== leds[name]) flips[name].push(now);
        last[name] = leds[name];
        flips[name] = flips[name].filter((t) => now - t <= windowMs);
      }
    },
    look(name: LedName): LedLook {
      return flips[name].length >= 2 ? "blinking" : last[name] ? "on" : "off";
    },
    /** `[green: on] [red: blinking]` */
    render(): string {
      return `[green: ${this.look("green")}] [red: ${this.look("red")}]`;
    },
  };
}

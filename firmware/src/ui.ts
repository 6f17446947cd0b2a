/**
 * Local survey and LED state (docs/firmware.md "LEDs"; shared/methodology.md "Surveys", "Force-majeure").
 * The LEDs mirror the survey rules so that the customer and seller see them at once, whatever the link does:
 * the gateway's surveys are derived from the events alone, never from this state.
 * `mask(now)` gives the LEDs to show: bit 0 green, bit 1 red.
 */
import { CONFIRM_MS, THANKS_MS } from "./constants.ts";

export interface UiState {
  /** Paired (config present). */
  p: boolean;
  /** Link up. */
  k: boolean;
  /** Survey window open until (uptime ms), 0 when closed. */
  w: number;
  /** Thank-you until. */
  t: number;
  /** Force-majeure active until. */
  f: number;
  /** Identify blink until. */
  i: number;
  /** Long-press confirmation until. */
  c: number;
}

export const createUi = (): UiState => ({ p: false, k: false, w: 0, t: 0, f: 0, i: 0, c: 0 });

/**
 * Applies one recorded press: `win` is W, `fm` is Fmax, `keypad` true when the board has no seller button
 * (it cannot know the window, so every answer gets the thank-you).
 */
export const onPress = (s: UiState, kind: string, now: number, win: number, fm: number, keypad: boolean): void => {
  if (kind === "short") {
    s.w = now + win;
  } else if (kind === "long") {
    s.f = s.f > now ? 0 : now + fm;
    s.c = now + CONFIRM_MS;
  } else if (kind !== "stuck" && (keypad || s.w > now)) {
    s.w = 0;
    s.t = now + THANKS_MS;
  }
};

/** LEDs to show at `now`, highest priority first (the table in docs/firmware.md); blinks are `now % period < on`. */
export const mask = (s: UiState, now: number): number => {
  if (s.i > now) return now % 250 < 125 ? 3 : 0;
  if (s.c > now) return 3;
  if (!s.p) return now % 2000 < 1000 ? 2 : 0;
  if (s.t > now) return 1;
  if (s.w > now) return now % 1000 < 500 ? 1 : 0;
  if (!s.k) return 2;
  if (s.f > now) return now % 2000 < 200 ? 2 : 0;
  return 0;
};

/**
 * The buttons' press state machine (shared/methodology.md "Force-majeure"; docs/firmware.md "Buttons"), one for
 * all four buttons: per-button state lives in small arrays indexed by button (0 seller, 1 yes, 2 no, 3 unsure),
 * so the device holds four functions, not four sets of closures.
 * Input: debounced edges (setWatch's `debounce` does the debouncing) with their time in uptime ms.
 * Seller button: `short` on release before L; `long` when L is reached while still held (exactly L counts as
 * long), reported with the press start time. Customer keys: reported at the press, as their button name. Any
 * button held for STUCK_MS is reported once as `stuck`. `emit(kind, start, button)`.
 */
import { BUTTON_NAMES, STUCK_MS } from "./constants.ts";
import type { Timers } from "./timers.ts";

export interface ButtonsOptions {
  timers: Timers;
  /** Long-press threshold L in ms, read at each press (config may change it). */
  long: () => number;
  emit: (kind: string, start: number, button: number) => void;
}

/**
 * `st`: d pressed (1) or not, s press start, x long already reported, h long timer, k stuck timer, by button.
 * `clr` cancels a button's timers; `fire` is the long timer, `held` the stuck timer; `edge(button, down, t)`.
 */
export const createButtons = (o: ButtonsOptions) => {
  const T = o.timers;
  const st = { d: [0, 0, 0, 0], s: [0, 0, 0, 0], x: [0, 0, 0, 0], h: [0, 0, 0, 0] as unknown[], k: [0, 0, 0, 0] as unknown[] };
  const clr = (i: number) => {
    if (st.h[i]) T.clear(st.h[i]);
    if (st.k[i]) T.clear(st.k[i]);
    st.h[i] = st.k[i] = 0;
  };
  const fire = (i: number) => {
    st.h[i] = 0;
    if (st.x[i]) return;
    st.x[i] = 1;
    o.emit("long", st.s[i] as number, i);
  };
  const held = (i: number) => {
    st.k[i] = 0;
    o.emit("stuck", st.s[i] as number, i);
  };
  return {
    st: st,
    edge: (i: number, down: boolean, t: number) => {
      if (+down === st.d[i]) return;
      st.d[i] = +down;
      clr(i);
      if (down) {
        st.s[i] = t;
        st.x[i] = 0;
        if (i) o.emit(BUTTON_NAMES.split(" ")[i] as string, t, i);
        else st.h[i] = T.set(fire, o.long(), i);
        st.k[i] = T.set(held, STUCK_MS, i);
      } else if (!i && !st.x[i]) {
        if (t - (st.s[i] as number) >= o.long()) fire(i);
        else o.emit("short", st.s[i] as number, i);
      }
    },
  };
};

export type Buttons = ReturnType<typeof createButtons>;

/**
 * The buttons' press state machine (shared/methodology.md "Force-majeure"; docs/firmware.md "Buttons"), one for
 * all four buttons: per-button state lives in six small arrays indexed by button (0 seller, 1 yes, 2 no,
 * 3 unsure), so the device holds four functions, not four sets of closures.
 * Input: every raw edge of a button (setWatch without `debounce`) with its time in uptime ms, through `raw`, which
 * debounces on the edges' own times: an edge stands once the level has kept it DEBOUNCE_MS, told either by the
 * next edge's time or by a settle timer. Espruino's own `debounce` is not used: in 2v29 it loses a whole press
 * when the event loop was busy longer than the press (a flash erase, a long line: both edges then arrive at once
 * and its "timeout should have fired" check compares the wrong states; docs/firmware.md "Buttons").
 * Seller button: `short` on release before L; `long` when L is reached while still held (exactly L counts as
 * long), reported with the press start time. Customer keys: reported at the press, as their button name. Any
 * button held for STUCK_MS is reported once as `stuck`. `emit(kind, start, button)`.
 */
import { BUTTON_NAMES, DEBOUNCE_MS, LONG_MS, STUCK_MS } from "./constants.ts";
import type { Timers } from "./timers.ts";

export interface ButtonsOptions {
  timers: Timers;
  /** Where the settings are (the session's state): L is `held.c.l` at each press, LONG_MS before a config. */
  held: { c?: { l: number } };
  emit: (kind: string, start: number, button: number) => void;
}

/**
 * `st`, by button: s the press start while pressed, -1 while released; h the long timer, -1 once the long press
 * is reported (0 when neither); k the stuck timer; q the time of the raw edge not yet settled (-1: none), r its
 * level (1 pressed), w its settle timer. `clr` cancels a button's timers; `fire` is the long timer, `held` the
 * stuck timer, `settle` the settle timer; `edge(button, down, t)` takes a settled edge, `raw` a raw one.
 */
export const createButtons = (o: ButtonsOptions) => {
  const T = o.timers;
  const st = { s: [-1, -1, -1, -1], h: [0, 0, 0, 0] as unknown[], k: [0, 0, 0, 0] as unknown[], q: [-1, -1, -1, -1], r: [0, 0, 0, 0], w: [0, 0, 0, 0] as unknown[] };
  const clr = (i: number) => {
    if ((st.h[i] as number) > 0) T.clear(st.h[i]);
    if (st.k[i]) T.clear(st.k[i]);
    st.k[i] = 0;
  };
  const fire = (i: number) => {
    st.h[i] = -1;
    o.emit("long", st.s[i] as number, i);
  };
  const held = (i: number) => {
    st.k[i] = 0;
    o.emit("stuck", st.s[i] as number, i);
  };
  const edge = (i: number, down: boolean, t: number) => {
    const start = st.s[i] as number;
    if (down === start >= 0) return;
    clr(i);
    if (down) {
      st.s[i] = t;
      st.h[i] = i ? 0 : T.set(fire, o.held.c ? o.held.c.l : LONG_MS, i);
      if (i) o.emit(BUTTON_NAMES.split(" ")[i] as string, t, i);
      st.k[i] = T.set(held, STUCK_MS, i);
      return;
    }
    st.s[i] = -1;
    if (!i && st.h[i] !== -1) {
      st.s[i] = start;
      if (t - start >= (o.held.c ? o.held.c.l : LONG_MS)) fire(i);
      else o.emit("short", start, i);
      st.s[i] = -1;
    }
    st.h[i] = 0;
  };
  const settle = (i: number) => {
    const t = st.q[i] as number;
    st.w[i] = 0;
    st.q[i] = -1;
    if (t >= 0) edge(i, st.r[i] === 1, t);
  };
  return {
    st: st,
    edge: edge,
    raw: (i: number, down: boolean, t: number) => {
      const q = st.q[i] as number;
      /* The edge before stayed DEBOUNCE_MS (the loop may run late: the times tell, not the clock). */
      if (q >= 0 && t - q >= DEBOUNCE_MS) edge(i, st.r[i] === 1, q);
      if (st.w[i]) T.clear(st.w[i]);
      st.q[i] = t;
      st.r[i] = down ? 1 : 0;
      st.w[i] = T.set(settle, DEBOUNCE_MS, i);
    },
  };
};

export type Buttons = ReturnType<typeof createButtons>;

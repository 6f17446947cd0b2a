/**
 * One button's press state machine (issue 5 "Behaviour"; shared/methodology.md "Force-majeure").
 * Input: debounced edges (setWatch with `debounce` does the debouncing) with their time in uptime ms.
 * Seller button: `short` on release before L; `long` when L is reached while still held (exactly L counts
 * as long), reported with the press start time, plus a `confirm` call for the LED. Customer keys: reported
 * at the press. Any button held for `stuck` ms is reported once as `stuck`.
 * Handles are cleared when their timer fires: Espruino throws "Unknown Timeout" on clearing a spent one.
 */
import type { Timers } from "./timers.ts";

export interface PressOptions {
  /** Button name as in the protocol: seller | yes | no | unsure. */
  btn: string;
  /** Long-press threshold L in ms, read at each press (config may change it). */
  long: () => number;
  /** Hold time after which the button is reported stuck (60000). */
  stuck: number;
  timers: Timers;
  /** Reports an event: kind, press start (uptime ms), button. */
  emit: (kind: string, start: number, btn: string) => void;
  /** Called when a long press is recognised while held (LED confirmation). */
  confirm: () => void;
}

export interface Press {
  /** A debounced edge: `down` true when pressed, `t` its time in uptime ms. */
  edge(down: boolean, t: number): void;
  stop(): void;
}

export const createPress = (o: PressOptions): Press => {
  const seller = o.btn === "seller";
  let down = false;
  let start = 0;
  let sent = false;
  let hLong: unknown;
  let hStuck: unknown;
  const clear = () => {
    o.timers.cancel(hLong);
    o.timers.cancel(hStuck);
    hLong = hStuck = undefined;
  }
  const long = () => {
    hLong = undefined;
    if (sent) return;
    sent = true;
    o.emit("long", start, o.btn);
    o.confirm();
  }
  return {
    edge: (d, t) => {
      if (d === down) return;
      down = d;
      if (d) {
        start = t;
        sent = false;
        clear();
        if (seller) hLong = o.timers.after(o.long(), long);
        else o.emit(o.btn, t, o.btn);
        hStuck = o.timers.after(o.stuck, () => {
          hStuck = undefined;
          o.emit("stuck", start, o.btn);
        });
        return;
      }
      clear();
      if (!seller || sent) return;
      if (t - start >= o.long()) long();
      else o.emit("short", start, o.btn);
    },
    stop: clear,
  };
};

/**
 * Loaded with `node --import` into the demo gateway that the docs' screenshots are taken from (demo-gateway.ts): the
 * process's clock starts at `LOYALTY_SHOTS_CLOCK` (an ISO time) and runs on from there, so the demo's days, its
 * seeded month and every time on the pages are the same from one run to the next. Only `Date` is moved: timers and
 * `performance.now()` keep real time, and the simulated terminals, in the same process, take their time from the
 * gateway as real ones do. Not for anything but the screenshots.
 */
const at = process.env.LOYALTY_SHOTS_CLOCK;
const start = at === undefined ? NaN : Date.parse(at);
if (Number.isNaN(start)) throw new Error(`LOYALTY_SHOTS_CLOCK: expected an ISO time such as 2026-11-20T09:00:00Z, got "${at}"`);
const RealDate = Date;
const t0 = RealDate.now();
const now = () => start + (RealDate.now() - t0);

class ShiftedDate extends RealDate {
  constructor(...args: unknown[]) {
    if (args.length === 0) super(now());
    else super(...(args as [string | number | Date]));
  }

  static override now(): number {
    return now();
  }
}

globalThis.Date = ShiftedDate as DateConstructor;

/**
 * The boot counter behind the boot id (docs/protocol.md "Boot id"): the gateway keys every event by (serial,
 * boot, seq), so a boot id that came back after a reboot would have the new boot's events acked as duplicates and
 * never stored. `Math.random()` is no guarantee (Espruino's Linux build repeats it on every start, and a board
 * without a hardware random source may too), so each boot is counted in flash first.
 *
 * Append-only and safe against a power cut at any moment: every boot appends one `.` to the StorageFile
 * `lbb<i>`; after BOOTS_PER_FILE marks the next boot starts `lbb<i+1>` and only then erases the older files (a cut
 * in between leaves both, and the highest wins). The count is `i * BOOTS_PER_FILE + marks`. Never a plain file
 * rewritten in place: Storage erases the old copy before it writes the new one, so a cut there would lose it.
 * Returns the count of this boot (1 on a fresh board), or 0 when flash refused the mark.
 */
import { BOOTS_PER_FILE } from "./constants.ts";
import type { Flash } from "./flash.ts";

export const countBoot = (fl: Flash): number => {
  const ids = fl.list(/^lbb/, { sf: true }).map((x) => +x.slice(3));
  let i = ids.reduce((a, x) => (x > a ? x : a), 0);
  const f = fl.open("lbb" + i, "r");
  let n = 0;
  let d = f.read(BOOTS_PER_FILE);
  while (d !== undefined && d !== null && d.length) {
    n += d.length;
    d = f.read(BOOTS_PER_FILE);
  }
  if (n >= BOOTS_PER_FILE) {
    i++;
    n = 0;
  }
  try {
    fl.open("lbb" + i, "a").write(".");
  } catch (e) {
    return 0;
  }
  ids.forEach((x) => {
    if (x < i) fl.open("lbb" + x, "r").erase();
  });
  return i * BOOTS_PER_FILE + n + 1;
};

/**
 * The boot counter behind the boot id (firmware/src/boot.ts; docs/protocol.md "Boot id"), on the simulator's
 * Storage, which cuts the power at a chosen byte of a chosen write or erase. A boot whose count was returned is a
 * boot whose id went on the wire: no later boot may return it again, whatever the cuts in between, across the
 * switches from one `lbb<i>` file to the next.
 */
import { describe, expect, it } from "vitest";
import { createFlash, PowerCut } from "../../firmware/sim/index.ts";
import { createStorageModule } from "../../firmware/sim/storage.ts";
import { countBoot } from "../../firmware/src/boot.ts";
import { BOOTS_PER_FILE } from "../../firmware/src/constants.ts";
import type { Flash } from "../../firmware/src/flash.ts";

function board() {
  const flash = createFlash();
  let alive = true;
  const storage = createStorageModule(
    flash,
    () => (alive = false),
    () => alive,
  ) as unknown as Flash;
  /* One power-on: the count, or undefined when the power went inside countBoot (the id was never used). */
  const boot = (): number | undefined => {
    alive = true;
    try {
      const n = countBoot(storage);
      return alive ? n : undefined;
    } catch (e) {
      if (e instanceof PowerCut) return undefined;
      throw e;
    }
  };
  return { flash, boot };
}

describe("the boot counter", () => {
  it("counts 1, 2, 3 ... across its files, and keeps at most two of them", () => {
    const b = board();
    for (let k = 1; k <= 3 * BOOTS_PER_FILE + 5; k++) {
      expect(b.boot()).toBe(k);
      expect([...b.flash.files.keys()].filter((f) => f.startsWith("lbb")).length).toBeLessThanOrEqual(2);
    }
  });

  it.each([
    [1, 0],
    [1, 1],
    [2, 0],
    [2, 1],
  ])("never returns a count twice when the power goes at write %i of a boot, keeping %i bytes", (op, keep) => {
    const b = board();
    const returned: number[] = [];
    const cutAtSwitch = new Set<number>();
    for (let k = 0; k < 4 * BOOTS_PER_FILE; k++) {
      /* Every third boot is cut, and so is the first boot of each new file, once. */
      const last = returned[returned.length - 1] ?? 0;
      const atSwitch = last % BOOTS_PER_FILE === 0 && last > 0 && !cutAtSwitch.has(last);
      if (atSwitch) cutAtSwitch.add(last);
      if (k % 3 === 2 || atSwitch) b.flash.cutAt(op, keep);
      const n = b.boot();
      if (n === undefined) continue;
      expect(n, `boot ${k}: ${n} after ${returned.slice(-3).join(", ")}`).toBeGreaterThan(returned[returned.length - 1] ?? 0);
      returned.push(n);
    }
    expect(returned.length).toBeGreaterThan(2 * BOOTS_PER_FILE);
    expect(cutAtSwitch.size).toBeGreaterThanOrEqual(2);
    expect(new Set(returned).size).toBe(returned.length);
  });
});

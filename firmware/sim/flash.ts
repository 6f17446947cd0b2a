/**
 * Simulated flash behind require("Storage"), after https://www.espruino.com/Reference#Storage and
 * https://www.espruino.com/Reference#StorageFile . It outlives a board (reboots and power cuts keep it).
 * - plain files: `write` (true/false), `read`, `erase`, `list`; names of 1..28 characters;
 * - StorageFiles (`open(name, "r"|"w"|"a")`): names of 1..27 characters (one is kept for the chunk number),
 *   `write` appends and throws on the byte 0xFF ("The data must not contain 255"), `read(len)`, `readLine()`, `erase()`;
 * - a size limit: each file costs its bytes plus a 32-byte header, rounded up to 4 bytes;
 * - power cuts: `cutAt(op, keep)` makes the op-th mutating operation from now keep only `keep` bytes of what it
 *   writes (an erase with keep 0 does not happen) and then cuts the power (throws PowerCut).
 */
export class PowerCut extends Error {
  constructor() {
    super("power cut");
    this.name = "PowerCut";
  }
}

export interface SimFile {
  data: string;
  /** Written as a StorageFile (append-only) rather than a plain file. */
  sf: boolean;
}

export interface SimFlash {
  readonly size: number;
  files: Map<string, SimFile>;
  /** Mutating operations so far (write, append, erase), and the bytes each wrote. */
  ops: number;
  history: number[];
  used(): number;
  /** Arms a power cut at the `op`-th mutating operation from now (1 = the next one), keeping `keep` bytes of it. */
  cutAt(op: number, keep: number): void;
  /** Called before each mutating op with the bytes it writes; returns how many to keep, or -1 for all. */
  gate(bytes: number): number;
  /** Plain copy of every file (for assertions and to seed another flash). */
  dump(): { [name: string]: string };
}

/** A flash, optionally seeded with files (`sf` names the append-only ones, as a SimFlash's `files` holds them). */
export function createFlash(opts: { size?: number; files?: Map<string, SimFile> } = {}): SimFlash {
  const files = new Map<string, SimFile>();
  for (const [k, v] of opts.files || []) files.set(k, { data: v.data, sf: v.sf });
  let armed: { at: number; keep: number } | undefined;
  const flash: SimFlash = {
    size: opts.size ?? 64 * 1024,
    files,
    ops: 0,
    history: [],
    used() {
      let n = 0;
      for (const f of files.values()) n += 32 + Math.ceil(f.data.length / 4) * 4;
      return n;
    },
    cutAt(op, keep) {
      if (op < 1) throw new RangeError("cutAt: op must be >= 1, got " + op);
      armed = { at: flash.ops + op, keep };
    },
    gate(bytes) {
      flash.ops++;
      flash.history.push(bytes);
      if (armed && flash.ops === armed.at) {
        const keep = Math.min(armed.keep, bytes);
        armed = undefined;
        return keep;
      }
      return -1;
    },
    dump() {
      const o: { [name: string]: string } = {};
      for (const [k, v] of files) o[k] = v.data;
      return o;
    },
  };
  return flash;
}

/**
 * The flash port the core receives: the subset of Espruino's require("Storage") it uses
 * (https://www.espruino.com/Reference#Storage), so main.ts passes the module itself and tests pass a fake.
 * Plain files for config and meta; StorageFiles (`open(name, "a")`, append-only, never the byte 0xFF) for the
 * outbox and the boot counter.
 */
export interface FlashFile {
  read(len: number): string | undefined;
  /** The next line with its `\n` (the last one may lack it), then null (Espruino 2v29) or undefined. */
  readLine(): string | null | undefined;
  write(data: string): void;
  erase(): void;
}

export interface Flash {
  read(name: string): string | undefined;
  /** The parsed JSON of a plain file; undefined when missing or (with `noExceptions`) not valid JSON. */
  readJSON(name: string, noExceptions: true): unknown;
  write(name: string, data: string): boolean;
  erase(name: string): void;
  list(re: RegExp, opts: { sf: boolean }): string[];
  open(name: string, mode: "r" | "a"): FlashFile;
}

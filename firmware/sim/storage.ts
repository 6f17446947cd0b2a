/**
 * The require("Storage") module a simulated board sees, over a SimFlash (see flash.ts for the rules it
 * follows from the Espruino reference). `cut` is called when an armed power cut fires: the board dies there.
 */
import { PowerCut, type SimFlash } from "./flash.ts";

function checkName(name: unknown, max: number, where: string): string {
  if (typeof name !== "string" || name.length < 1 || name.length > max) {
    throw new Error(where + ": file name must be a string of 1.." + max + " characters, got " + JSON.stringify(name));
  }
  return name;
}

export function createStorageModule(flash: SimFlash, cut: () => void, live: () => boolean) {
  /* Applies a mutating op, honouring an armed power cut: keep part of `data`, then die. A dead board writes nothing. */
  function mutate(bytes: string, apply: (kept: string) => void): void {
    if (!live()) throw new PowerCut();
    const keep = flash.gate(bytes.length);
    if (keep < 0) return apply(bytes);
    apply(bytes.slice(0, keep));
    cut();
    throw new PowerCut();
  }
  function fits(name: string, extra: number, replace: boolean): boolean {
    const old = flash.files.get(name);
    const before = old ? 32 + Math.ceil(old.data.length / 4) * 4 : 0;
    const after = 32 + Math.ceil(((replace || !old ? 0 : old.data.length) + extra) / 4) * 4;
    return flash.used() - before + after <= flash.size;
  }
  function openFile(name: string, mode: string) {
    checkName(name, 27, "Storage.open");
    if (mode !== "r" && mode !== "w" && mode !== "a") throw new Error("Storage.open: mode must be r, w or a, got " + JSON.stringify(mode));
    if (mode === "w") mutate("", () => flash.files.set(name, { data: "", sf: true }));
    let pos = 0;
    const file = {
      read(len: number): string | undefined {
        const f = flash.files.get(name);
        if (!f || pos >= f.data.length) return undefined;
        const s = f.data.slice(pos, pos + len);
        pos += s.length;
        return s;
      },
      /* The next line with its "\n"; at the end null, as 2v29 answers (not undefined). */
      readLine(): string | null {
        const f = flash.files.get(name);
        if (!f || pos >= f.data.length) return null;
        const nl = f.data.indexOf("\n", pos);
        const end = nl < 0 ? f.data.length : nl + 1;
        const s = f.data.slice(pos, end);
        pos = end;
        return s;
      },
      write(data: unknown): void {
        if (mode === "r") throw new Error("StorageFile.write: file " + name + " is open for reading");
        const s = String(data);
        if (s.indexOf("\xff") >= 0) throw new Error("StorageFile.write: data must not contain the character 255 (\\xFF)");
        if (!fits(name, s.length, false)) throw new Error("StorageFile.write: not enough free space for " + name);
        mutate(s, (kept) => {
          const f = flash.files.get(name) || { data: "", sf: true };
          f.data += kept;
          flash.files.set(name, f);
        });
      },
      erase(): void {
        mutate("x", (kept) => {
          if (kept.length) flash.files.delete(name);
        });
      },
    };
    return file;
  }
  return {
    read(name: unknown): string | undefined {
      const f = flash.files.get(checkName(name, 28, "Storage.read"));
      return f && !f.sf ? f.data : undefined;
    },
    /* https://www.espruino.com/Reference#l_Storage_readJSON : undefined for a missing file; invalid JSON throws,
       or gives undefined when `noExceptions` is true. */
    readJSON(name: unknown, noExceptions?: unknown): unknown {
      const s = this.read(name);
      if (s === undefined) return undefined;
      try {
        return JSON.parse(s);
      } catch (e) {
        if (noExceptions) return undefined;
        throw e;
      }
    },
    write(name: unknown, data: unknown): boolean {
      const n = checkName(name, 28, "Storage.write");
      const s = typeof data === "string" ? data : JSON.stringify(data);
      if (!fits(n, s.length, true)) return false;
      mutate(s, (kept) => flash.files.set(n, { data: kept, sf: false }));
      return true;
    },
    erase(name: unknown): void {
      const n = checkName(name, 28, "Storage.erase");
      mutate("x", (kept) => {
        if (kept.length) flash.files.delete(n);
      });
    },
    list(re?: RegExp, opts?: { sf?: boolean }): string[] {
      if (re !== undefined && Object.prototype.toString.call(re) !== "[object RegExp]" && typeof re !== "string") throw new Error("Storage.list: expected a RegExp");
      const out: string[] = [];
      for (const [k, f] of flash.files) {
        if (opts && opts.sf !== undefined && opts.sf !== f.sf) continue;
        if (re === undefined || new RegExp(re).test(k)) out.push(k);
      }
      return out;
    },
    open: openFile,
    getFree(): number {
      return flash.size - flash.used();
    },
    getStats() {
      return { totalBytes: flash.size, freeBytes: flash.size - flash.used(), fileBytes: flash.used(), fileCount: flash.files.size, trashBytes: 0, trashCount: 0 };
    },
  };
}

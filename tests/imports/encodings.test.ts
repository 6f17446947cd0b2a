/**
 * Imported CSV files in the encodings stores send (issue 15): a Russian CSV with `;` as Excel writes it, encoded here
 * by iconv-lite as UTF-8 (with and without a byte-order mark), UTF-16LE/BE with their marks, and Windows-1251 (Russian
 * Excel's "CSV (разделители — точка с запятой)"), imported by the real `loyalty import` into a real SQLite file.
 * Binary files, NUL bytes, bytes the given encoding does not define, empty files and files with no rows are refused
 * in words, exit 2, and import nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import iconv from "iconv-lite";
import { afterAll, describe, expect, it } from "vitest";
import { decodeCsv } from "../../gateway/imports/text-encoding.ts";
import { openStore } from "../../gateway/store/store.ts";
import { runCli } from "../support/cli.ts";
import { chain } from "../support/presses.ts";

const dir = mkdtempSync(join(tmpdir(), "lb-enc-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const STORE = "Москва-Тверская";
const TERMINAL = `${STORE}.касса-1`;
/* As Russian Excel saves a sheet: Russian headers, `;` between fields, CRLF line ends. */
const CSV = [`Магазин;Терминал;Дата;Час;Количество`, `${STORE};;2026-11-20;;120`, `${STORE};${TERMINAL};2026-11-20;10;17`, `${STORE};${TERMINAL};2026-11-20;11;9`, ""].join("\r\n");
const EXPECTED = [
  { storeId: STORE, terminalId: "", day: "2026-11-20", hour: -1, count: 120 },
  { storeId: STORE, terminalId: TERMINAL, day: "2026-11-20", hour: 10, count: 17 },
  { storeId: STORE, terminalId: TERMINAL, day: "2026-11-20", hour: 11, count: 9 },
];

/** A database with the store and its terminal. */
function database(): string {
  const c = chain();
  c.terminal(TERMINAL, STORE, "Europe/Moscow", "staff");
  c.store.close();
  return c.config.database;
}

function imported(db: string) {
  const store = openStore(db);
  try {
    return store.traffic
      .between("2026-11-01", "2026-11-30")
      .map(({ storeId, terminalId, day, hour, count }) => ({ storeId, terminalId, day, hour, count }))
      .sort((a, b) => a.hour - b.hour);
  } finally {
    store.close();
  }
}

let n = 0;
function file(bytes: Buffer): string {
  const f = join(dir, `file-${++n}.csv`);
  writeFileSync(f, bytes);
  return f;
}

describe("loyalty import reads the encodings stores send", () => {
  const cases: [name: string, bytes: Buffer, said: string][] = [
    ["UTF-8 without a byte-order mark", iconv.encode(CSV, "utf-8"), ""],
    ["UTF-8 with a byte-order mark", iconv.encode(CSV, "utf-8", { addBOM: true }), ""],
    ["UTF-16LE with its byte-order mark (Excel's 'Unicode text')", iconv.encode(CSV, "utf-16le", { addBOM: true }), " (read as utf-16le)"],
    ["UTF-16BE with its byte-order mark", iconv.encode(CSV, "utf-16be", { addBOM: true }), " (read as utf-16be)"],
    ["Windows-1251, detected (Russian Excel's 'CSV (разделители — точка с запятой)')", iconv.encode(CSV, "windows-1251"), " (read as windows-1251)"],
  ];
  it.each(cases)("%s", async (_name, bytes, said) => {
    const db = database();
    const r = await runCli("import", "transactions", file(bytes), "--db", db);
    expect(r).toEqual({ code: 0, out: `transactions: 3 rows read${said}, 3 new or changed, 0 unchanged\n`, err: "" });
    expect(imported(db)).toEqual(EXPECTED);
  });

  it("takes --encoding for a file that cannot be detected (UTF-16LE without a byte-order mark)", async () => {
    const db = database();
    const f = file(iconv.encode(CSV, "utf-16le"));
    const guessed = await runCli("import", "visitors", f, "--db", db);
    expect(guessed.code).toBe(2);
    expect(guessed.err).toMatch(/: line 1 holds .+: this is not text in utf-8 \(detected\); save it as CSV from Excel, or give its --encoding \(e\.g\. utf-8, windows-1251, utf-16le, utf-16be\); nothing was imported\n$/);
    const r = await runCli("import", "visitors", f, "--db", db, "--encoding", "utf-16le");
    expect(r).toMatchObject({ code: 0, out: "visitors: 3 rows read (read as utf-16le), 3 new or changed, 0 unchanged\n" });
    expect(imported(db)).toEqual(EXPECTED);
  });
});

describe("loyalty import refuses what is not text, in words, and imports nothing", () => {
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), Buffer.from("IHDR")]);
  const cases: [name: string, bytes: Buffer, args: string[], message: RegExp][] = [
    ["a binary file (a PNG)", png, [], /: line 2 holds the control character U\+001A: this is not text in windows-1251 \(detected\); .*nothing was imported\n$/],
    ["UTF-8 text with a NUL byte", Buffer.concat([iconv.encode(CSV, "utf-8"), Buffer.from([0]), Buffer.from("x\r\n")]), [], /: line 5 holds a NUL byte: this is not text in utf-8 \(detected\)/],
    ["Windows-1251 bytes named UTF-8", iconv.encode(CSV, "windows-1251"), ["--encoding", "utf-8"], /: line 1 holds bytes that are not a character: this is not text in utf-8; give the file's own --encoding/],
    ["an unknown encoding", iconv.encode(CSV, "utf-8"), ["--encoding", "cp-9999"], /: unknown encoding "cp-9999" \(e\.g\. utf-8, windows-1251, utf-16le, utf-16be\); nothing was imported\n$/],
    ["an empty file", Buffer.alloc(0), [], /: the file is empty; nothing was imported\n$/],
    ["a header and no rows", iconv.encode("Магазин;Дата;Количество\r\n\r\n", "windows-1251"), [], /: no rows under the header \(read as windows-1251\); nothing was imported\n$/],
  ];
  it.each(cases)("%s", async (_name, bytes, args, message) => {
    const db = database();
    const r = await runCli("import", "transactions", file(bytes), "--db", db, ...args);
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toMatch(message);
    expect(r.err).not.toMatch(/\n\s+at |ZodError|SqliteError/);
    expect(imported(db)).toEqual([]);
  });

  it("keeps what an earlier import brought when a later file is refused", async () => {
    const db = database();
    expect((await runCli("import", "transactions", file(iconv.encode(CSV, "windows-1251")), "--db", db)).code).toBe(0);
    expect((await runCli("import", "transactions", file(png), "--db", db)).code).toBe(2);
    expect(imported(db)).toEqual(EXPECTED);
  });
});

describe("decodeCsv", () => {
  it("detects by byte-order mark, then UTF-8 validity, then Windows-1251", () => {
    const text = "магазин;дата\r\n";
    expect(decodeCsv(iconv.encode(text, "utf-16be", { addBOM: true }))).toEqual({ ok: true, text, encoding: "utf-16be" });
    expect(decodeCsv(iconv.encode(text, "utf-8", { addBOM: true }))).toEqual({ ok: true, text, encoding: "utf-8" });
    expect(decodeCsv(iconv.encode(text, "windows-1251"))).toEqual({ ok: true, text, encoding: "windows-1251" });
    expect(decodeCsv(iconv.encode(text, "koi8-r"), "koi8-r")).toEqual({ ok: true, text, encoding: "koi8-r" });
  });
});

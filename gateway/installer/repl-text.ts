/**
 * What the installer writes to an Espruino REPL and how it reads the answers: pure text, no port.
 *
 * It follows the Espruino tools (EspruinoTools `core/utils.js`): a line that starts with byte 0x10 runs without
 * echo (espruino/Espruino README_Protocol.md: "DLE: echo off for the line"); an expression's value is read back by
 * `\x10print("<","<<",JSON.stringify(expr),">>",">")`, which prints `< << value >> >`, so that the answer stands
 * out from anything else the board prints; a file is written to Storage in 384-byte chunks, each
 * `require("Storage").write(name, atob(base64), offset[, size])` (the first chunk with the total size creates the
 * file, https://www.espruino.com/Reference#l_Storage_write).
 */
import { BOOT_FILE } from "./constants.ts";

/** Bytes per Storage write: the Espruino tools' CHUNKSIZE (a multiple of 96 for base64). */
export const CHUNK = 384;

/** The REPL line that prints `expr`'s value between the answer markers. */
export function exprLine(expr: string): string {
  return `\x10print("<","<<",JSON.stringify(${expr}),">>",">")\n`;
}

/** The JSON text of the first answer in `text`, and the text after it; undefined while none is complete. */
export function findAnswer(text: string): { json: string; rest: string } | undefined {
  const start = text.indexOf("< <<");
  if (start < 0) return undefined;
  const end = text.indexOf(">> >", start);
  if (end < 0) return undefined;
  return { json: text.slice(start + 4, end).trim(), rest: text.slice(end + 4) };
}

/** Parses an answer's JSON; `undefined` prints as the word undefined (JSON.stringify(undefined) is undefined). */
export function answerValue(json: string): unknown {
  if (json === "undefined" || json === "") return undefined;
  try {
    return JSON.parse(json);
  } catch {
    return { unparsed: json };
  }
}

export interface ChunkWrite {
  /** The expression that writes the chunk; its value is Storage.write's result (true). */
  expr: string;
  /** Bytes of the file written once this line has run. */
  end: number;
}

/** The expressions that write `bytes` to the Storage file `name`, one per chunk. */
export function storageWrites(bytes: Buffer, name = BOOT_FILE): ChunkWrite[] {
  const out: ChunkWrite[] = [];
  const fn = JSON.stringify(name);
  for (let i = 0; i < bytes.length; i += CHUNK) {
    const part = bytes.subarray(i, i + CHUNK).toString("base64");
    const size = i === 0 ? "," + bytes.length : "";
    out.push({ expr: (`require("Storage").write(${fn},atob(${JSON.stringify(part)}),${i}${size})`), end: Math.min(bytes.length, i + CHUNK) });
  }
  return out;
}

/** What the installer asks a board first: its Espruino version, board name, serial and whether our firmware runs. */
export const PROBE_EXPR = `[process.env.VERSION,process.env.BOARD,getSerial(),typeof LB,typeof LB_]`;

export interface ProbeAnswer {
  version: string;
  board: string;
  serial: string;
  /** Our firmware is running (it defines LB_; serial REPL builds also define the entry LB). */
  firmware: boolean;
  /** The firmware reads down frames through the REPL entry `LB(...)`. */
  replEntry: boolean;
}

/** Checks a probe answer: an Espruino answers with its version string (e.g. "2v25"); anything else is not one. */
export function parseProbe(value: unknown): ProbeAnswer | undefined {
  if (!Array.isArray(value) || typeof value[0] !== "string" || !/^\d+v\d+/.test(value[0])) return undefined;
  return {
    version: value[0],
    board: typeof value[1] === "string" ? value[1] : "?",
    serial: typeof value[2] === "string" ? value[2] : "?",
    replEntry: value[3] === "function",
    firmware: value[4] === "object",
  };
}

/** Free Storage for the firmware: what is free plus what the current firmware file takes (it is replaced). */
export const SPACE_EXPR = `[require("Storage").getFree(),(require("Storage").read(${JSON.stringify(BOOT_FILE)})||"").length]`;

/** The CRC-32 of the firmware file as stored (E.CRC32, the same IEEE CRC as protocol/crc32.ts), unsigned. */
export const CRC_EXPR = `E.CRC32(require("Storage").read(${JSON.stringify(BOOT_FILE)})||"")>>>0`;

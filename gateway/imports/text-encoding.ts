/**
 * The bytes of an imported CSV to text (issue 15; docs/reports.md "Imports"). Pure: bytes in, text or a reason out.
 * Without `--encoding`: a byte-order mark says UTF-8, UTF-16LE or UTF-16BE; else bytes that are valid UTF-8 are
 * UTF-8; else Windows-1251, what Russian Excel writes for "CSV (разделители — точка с запятой)". Any of them must
 * then read as text: a NUL, a control character other than tab and line ends, or a byte the encoding does not define
 * is refused with its line, since the file is binary or in another encoding (a UTF-16 file without a byte-order mark
 * is full of NULs: `--encoding utf-16le` reads it).
 */
import iconv from "iconv-lite";

export type Decoded = { ok: true; text: string; encoding: string } | { ok: false; reason: string };

const BOMS: [bytes: number[], encoding: string][] = [
  [[0xef, 0xbb, 0xbf], "utf-8"],
  [[0xff, 0xfe], "utf-16le"],
  [[0xfe, 0xff], "utf-16be"],
];

/** Encodings worth naming in a message; any iconv-lite name is taken. */
const EXAMPLES = "utf-8, windows-1251, utf-16le, utf-16be";

function bomOf(bytes: Buffer): { encoding: string; length: number } | undefined {
  for (const [bom, encoding] of BOMS) if (bom.every((b, i) => bytes[i] === b)) return { encoding, length: bom.length };
  return undefined;
}

function validUtf8(bytes: Buffer): string | undefined {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** The first character that is not text (NUL, a control character, U+FFFD from an undefined byte), with its line. */
function notText(text: string): { line: number; what: string } | undefined {
  const bad = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/.exec(text);
  if (!bad) return undefined;
  const line = text.slice(0, bad.index).split("\n").length;
  const c = bad[0];
  const what = c === "\u0000" ? "a NUL byte" : c === "\ufffd" ? "bytes that are not a character" : `the control character U+${c.charCodeAt(0).toString(16).padStart(4, "0").toUpperCase()}`;
  return { line, what };
}

/** Decodes `bytes` read from a CSV file, in `encoding` when given (an iconv-lite name), else as detected. */
export function decodeCsv(bytes: Buffer, encoding?: string): Decoded {
  if (encoding !== undefined && !iconv.encodingExists(encoding)) return { ok: false, reason: `unknown encoding "${encoding}" (e.g. ${EXAMPLES})` };
  const bom = bomOf(bytes);
  let used: string;
  let text: string;
  if (encoding !== undefined) {
    used = encoding.toLowerCase();
    text = iconv.decode(bytes, encoding, { stripBOM: true });
  } else if (bom) {
    used = bom.encoding;
    text = iconv.decode(bytes.subarray(bom.length), bom.encoding, { stripBOM: false });
  } else {
    const utf8 = validUtf8(bytes);
    used = utf8 !== undefined ? "utf-8" : "windows-1251";
    text = utf8 ?? iconv.decode(bytes, "windows-1251");
  }
  const bad = notText(text);
  if (bad) {
    const hint = encoding !== undefined ? `give the file's own --encoding (e.g. ${EXAMPLES})` : `save it as CSV from Excel, or give its --encoding (e.g. ${EXAMPLES})`;
    return { ok: false, reason: `line ${bad.line} holds ${bad.what}: this is not text in ${used}${encoding === undefined ? " (detected)" : ""}; ${hint}` };
  }
  return { ok: true, text, encoding: used };
}

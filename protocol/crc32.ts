/**
 * CRC-32 with the IEEE polynomial (reflected 0xEDB88320), the number zlib's crc32 and Espruino's E.CRC32 give:
 * "abc" -> 0x352441c2. For the gateway and tests; the firmware passes E.CRC32 instead and does not bundle this.
 * Characters are taken as bytes (frames are ASCII).
 */
let table: Int32Array | undefined;

function makeTable(): Int32Array {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
}

/** Unsigned CRC-32 of the low bytes of `text`'s characters. */
export function crc32(text: string): number {
  const t = (table ??= makeTable());
  let c = -1;
  for (let i = 0; i < text.length; i++) c = (t[(c ^ text.charCodeAt(i)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/**
 * The device's half of the codec (docs/protocol.md; docs/decisions.md "Canonical encoding"): it frames the up
 * messages a device builds and decodes the down messages it receives, with the same framing (frame.ts) and the
 * same payload and field checks (codec.ts `decodePayload`) as the gateway, against the down table only. A
 * firmware bundles this file, not codec.ts, so it carries neither the up table nor the encoder's table walk.
 */
import { decodePayload, type Decoded } from "./codec.ts";
import { DOWN_FIELDS, MAX_DOWN_LINE } from "./constants.ts";
import { decodeFrame, encodeFrame, type Crc32 } from "./frame.ts";
import type { UpMsg } from "./schemas.ts";

export interface DeviceCodec {
  /**
   * The frame line (`\n` included) of an up message built with `t` first and its fields in FIELDS order,
   * optional ones absent or undefined, strings printable ASCII: then JSON.stringify gives the canonical payload
   * (Espruino's, too, leaves out undefined values). Not checked here: the gateway checks every frame, and
   * tests/firmware/firmware-frames.test.ts checks that the firmware's frames are canonical and valid.
   */
  encode(msg: UpMsg): string;
  /** A down line (of at most MAX_DOWN_LINE bytes) to its message; an up or unknown type is `unknown_type`. */
  decode(line: string): Decoded;
}

/** `crc32`: the device's CRC-32 (E.CRC32 on Espruino). */
export function createDeviceCodec(crc32: Crc32): DeviceCodec {
  return {
    encode: (msg) => encodeFrame(JSON.stringify(msg), crc32),
    decode: (line) => {
      const f = decodeFrame(line, MAX_DOWN_LINE, crc32);
      return f.ok ? decodePayload(f.payload, DOWN_FIELDS) : f;
    },
  };
}

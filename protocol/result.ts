/** The failure shape every decoder and encoder of the protocol returns instead of throwing. */
import type { DECODE_ERRORS } from "./constants.ts";

export type DecodeErrorCode = (typeof DECODE_ERRORS)[number];

export interface Failure {
  ok: false;
  code: DecodeErrorCode;
  reason: string;
}

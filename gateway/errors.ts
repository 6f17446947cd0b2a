/** The gateway's one error class: a `code` to branch on and a message that names the value at fault. */
/**
 * The installer's device codes (docs/installer.md "Troubleshooting"): `no_port` (no such serial port), `port_busy`
 * (another process holds it), `not_espruino` (no Espruino REPL answers), `upload_failed` (stopped half-way; a
 * retry is safe), `too_large` (the firmware does not fit the board), `wrong_board`, `no_answer` (the firmware did
 * not answer the version query).
 */
export type ErrorCode =
  | "not_found"
  | "conflict"
  | "invalid"
  | "forbidden"
  | "config"
  | "disk_full"
  | "corrupt"
  | "no_port"
  | "port_busy"
  | "not_espruino"
  | "upload_failed"
  | "too_large"
  | "wrong_board"
  | "no_answer";

export class GatewayError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "GatewayError";
  }
}

/** The gateway's one error class: a `code` to branch on and a message that names the value at fault. */
export type ErrorCode = "not_found" | "conflict" | "invalid" | "config";

export class GatewayError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "GatewayError";
  }
}

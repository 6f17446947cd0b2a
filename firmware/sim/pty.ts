/**
 * Cables a simulated board's frame port to a serial device path, typically one end of a socat pseudo-terminal
 * pair (`socat pty,raw,echo=0,link=/tmp/lb-dev pty,raw,echo=0,link=/tmp/lb-gw`), so that a real program (the
 * gateway) on the other end talks to the board as to a real one. Opened with plain fs: a pty in raw mode needs
 * no baud setting.
 */
import { createReadStream, openSync, writeSync } from "node:fs";
import type { SimBoard } from "./board.ts";

export interface SerialCable {
  /** Write what the device sends to the path (pass it as the board's `onWrite`). */
  write(data: string): void;
  close(): void;
}

/**
 * Opens `path` and feeds what arrives to `board.serialInput`. The board must have been created with
 * `onWrite: (d) => cable.write(d)`; use `connectSerialPath(path)` first, then `cable.attach(board)`.
 */
export function connectSerialPath(path: string): SerialCable & { attach(board: SimBoard): void } {
  const fd = openSync(path, "r+");
  let board: SimBoard | undefined;
  let early = "";
  /* The stream owns the descriptor and closes it when destroyed. */
  const rs = createReadStream("", { fd, autoClose: true, encoding: "latin1" });
  rs.on("data", (chunk) => {
    if (board) board.serialInput(String(chunk));
    else early += String(chunk);
  });
  rs.on("error", () => undefined);
  let closed = false;
  return {
    write(data) {
      if (!closed) writeSync(fd, Buffer.from(data, "latin1"));
    },
    attach(b) {
      board = b;
      if (early) b.serialInput(early);
      early = "";
    },
    close() {
      if (closed) return;
      closed = true;
      rs.destroy();
    },
  };
}

/**
 * Keeps a serial stream's lines bounded before @serialport/parser-readline buffers them: a run of more than
 * `maxLine` bytes without `\n` is cut there (the cut line is then rejected as too_long) and the rest of that run
 * is dropped up to its `\n`. Noise without newlines can therefore never grow the gateway's memory.
 */
import { Transform, type TransformCallback } from "node:stream";

export class LineGuard extends Transform {
  private run = 0;
  private dropping = false;

  /** @param maxLine longest run kept whole, bytes (> the protocol's limit, so overlong lines still get counted). */
  constructor(private readonly maxLine: number) {
    super();
    if (!Number.isInteger(maxLine) || maxLine < 1) throw new TypeError(`maxLine must be a positive integer, got ${maxLine}`);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const parts: Buffer[] = [];
    let from = 0;
    while (from < chunk.length) {
      const nl = chunk.indexOf(10, from);
      const end = nl < 0 ? chunk.length : nl + 1;
      if (this.dropping) {
        if (nl >= 0) this.dropping = false;
      } else {
        const room = this.maxLine - this.run;
        const piece = chunk.subarray(from, nl < 0 ? chunk.length : nl);
        if (piece.length > room) {
          parts.push(chunk.subarray(from, from + room + 1), Buffer.from("\n"));
          this.run = 0;
          this.dropping = nl < 0;
        } else {
          parts.push(chunk.subarray(from, end));
          this.run = nl < 0 ? this.run + piece.length : 0;
        }
      }
      from = end;
    }
    if (parts.length === 0) done();
    else done(null, parts.length === 1 ? parts[0] : Buffer.concat(parts));
  }
}

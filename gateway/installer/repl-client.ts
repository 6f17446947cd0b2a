/**
 * A client of an Espruino REPL over a text port: evaluates expressions (repl-text.ts has the line forms) and
 * waits for lines the board prints (the firmware's frames). It keeps what arrives in one buffer; each command
 * looks only at text that arrived after it was sent.
 */
import { answerValue, exprLine, findAnswer } from "./repl-text.ts";
import type { TextPort } from "./serial-open.ts";

export class ReplTimeout extends Error {
  constructor(readonly what: string, readonly ms: number, readonly heard: string) {
    super(`no answer to ${what} within ${ms} ms`);
    this.name = "ReplTimeout";
  }
}

export class ReplClient {
  private buf = "";
  /** Everything received, for error messages (last 2 KB). */
  private all = "";
  private wake: (() => void) | undefined;
  private readonly off: () => void;

  constructor(
    private readonly port: TextPort,
    /** Default wait for one answer, ms. */
    private readonly timeoutMs: number,
  ) {
    this.off = port.onData((t) => {
      this.buf += t;
      this.all = (this.all + t).slice(-2048);
      this.wake?.();
    });
  }

  /** Writes raw text (already in REPL form). */
  write(text: string): void {
    this.port.write(text);
  }

  /** The last text received, printable, for messages. */
  heard(): string {
    return JSON.stringify(this.all.slice(-200));
  }

  /** Evaluates `expr` on the board and resolves to its value (JSON round trip); throws ReplTimeout. */
  async evaluate(expr: string, what = expr, timeoutMs = this.timeoutMs): Promise<unknown> {
    this.buf = "";
    this.port.write(exprLine(expr));
    const a = await this.until(() => findAnswer(this.buf), what, timeoutMs);
    this.buf = a.rest;
    return answerValue(a.json);
  }

  /** Resolves with the first complete line (after now) for which `pick` returns a value. */
  async line<T>(pick: (line: string) => T | undefined, what: string, timeoutMs = this.timeoutMs, repeat?: { everyMs: number; send: () => void }): Promise<T> {
    this.buf = "";
    let timer: NodeJS.Timeout | undefined;
    if (repeat) {
      repeat.send();
      timer = setInterval(repeat.send, repeat.everyMs);
    }
    try {
      return await this.until(() => {
        let i = this.buf.indexOf("\n");
        while (i >= 0) {
          const l = this.buf.slice(0, i).replace(/\r$/, "");
          this.buf = this.buf.slice(i + 1);
          const v = pick(l);
          if (v !== undefined) return v;
          i = this.buf.indexOf("\n");
        }
        return undefined;
      }, what, timeoutMs);
    } finally {
      clearInterval(timer);
    }
  }

  private until<T>(probe: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        const v = probe();
        if (v === undefined) return;
        clearTimeout(timer);
        this.wake = undefined;
        resolve(v);
      };
      const timer = setTimeout(() => {
        this.wake = undefined;
        reject(new ReplTimeout(what, timeoutMs, this.heard()));
      }, timeoutMs);
      this.wake = check;
      check();
    });
  }

  close(): void {
    this.off();
  }
}

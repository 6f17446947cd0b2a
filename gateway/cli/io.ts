/** Where the CLI writes: the real process, or a test's buffers. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  exitCode(code: number): void;
}

export function processIo(): CliIo {
  return {
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
    exitCode: (c) => void (process.exitCode = c),
  };
}
